package dev.gossamer.health;

import dev.gossamer.common.Scheduler;
import dev.gossamer.common.Ticker;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Objects;

/**
 * The production {@link Scheduler}: Vert.x timers whose tasks run on one Vert.x {@link Context} (an event
 * loop), measured with {@link Ticker#system()}. This adapter is the only place in the module that touches the
 * real clock.
 *
 * <p>Vert.x timers have millisecond resolution; a positive delay under 1 ms is rounded up to 1 ms and a zero
 * delay runs the task on the context as soon as possible. Thread-safe: {@code schedule} may be called from any
 * thread; the task always runs on the context.
 */
public final class VertxScheduler implements Scheduler {

    private final Vertx vertx;
    private final Context context;
    private final Ticker ticker = Ticker.system();

    /** Runs tasks on {@code context}. */
    public VertxScheduler(Vertx vertx, Context context) {
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.context = Objects.requireNonNull(context, "context");
    }

    /** Runs tasks on the caller's context, or on a new event-loop context when called off Vert.x threads. */
    public VertxScheduler(Vertx vertx) {
        this(vertx, vertx.getOrCreateContext());
    }

    @Override
    public Ticker ticker() {
        return ticker;
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        Objects.requireNonNull(task, "task");
        long nanos = Math.max(0, delay.toNanos());
        TimerTask t = new TimerTask(task, nanos == 0 ? 0 : Math.max(1, (nanos + 999_999) / 1_000_000));
        if (Vertx.currentContext() == context) {
            t.arm();
        } else {
            context.runOnContext(v -> t.arm());
        }
        return t::cancel;
    }

    private final class TimerTask {
        private final Runnable task;
        private final long delayMs;
        private boolean done; // ran or cancelled; guarded by this
        private long timerId = -1; // guarded by this

        TimerTask(Runnable task, long delayMs) {
            this.task = task;
            this.delayMs = delayMs;
        }

        // Runs on the context, so a timer set here fires on the same context.
        void arm() {
            if (delayMs == 0) {
                fire();
                return;
            }
            synchronized (this) {
                if (done) {
                    return;
                }
                timerId = vertx.setTimer(delayMs, id -> fire());
            }
        }

        private void fire() {
            synchronized (this) {
                if (done) {
                    return;
                }
                done = true;
            }
            task.run();
        }

        synchronized boolean cancel() {
            if (done) {
                return false;
            }
            done = true;
            if (timerId >= 0) {
                vertx.cancelTimer(timerId);
            }
            return true;
        }
    }
}
