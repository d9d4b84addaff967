package dev.gossamer.vertx;

import dev.gossamer.common.Scheduler;
import dev.gossamer.common.Ticker;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The production {@link Scheduler}: Vert.x timers, measured with an injected {@link Ticker}. The one adapter of the
 * project where {@code vertx.setTimer} is called (it replaced three copies with different rounding and context
 * rules).
 *
 * <p>Semantics, chosen once:
 * <ul>
 *   <li><b>Rounding.</b> Vert.x timers have millisecond resolution. A positive delay is rounded <em>up</em> to whole
 *       milliseconds (at least 1 ms), so a task never runs before its deadline as the ticker measures it; a zero or
 *       negative delay runs the task on its context as soon as possible.</li>
 *   <li><b>Context.</b> A scheduler {@linkplain #VertxScheduler(Context, Ticker) bound to a context} runs every task
 *       there (a protocol core confined to one event loop). An unbound one runs a task on the context that called
 *       {@code schedule} (so on the event loop of the request that set it), or on an event loop of Vert.x's choice
 *       when called from another thread.</li>
 *   <li><b>Cancel.</b> {@code cancel()} returns true only when it stopped a task that had not run, and a cancelled
 *       task never runs, even when its timer had already fired and the run was queued.</li>
 * </ul>
 *
 * <p>Thread-safe: {@code schedule} and {@code cancel} may be called from any thread.
 */
public final class VertxScheduler implements Scheduler {

    private final Vertx vertx;
    private final Context context; // null: the caller's context
    private final Ticker ticker;

    /** Runs each task on the context that scheduled it (or one Vert.x chooses, off Vert.x threads). */
    public VertxScheduler(Vertx vertx, Ticker ticker) {
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.context = null;
        this.ticker = Objects.requireNonNull(ticker, "ticker");
    }

    /** Runs every task on {@code context}. */
    public VertxScheduler(Context context, Ticker ticker) {
        this.context = Objects.requireNonNull(context, "context");
        this.vertx = context.owner();
        this.ticker = Objects.requireNonNull(ticker, "ticker");
    }

    @Override
    public Ticker ticker() {
        return ticker;
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        Objects.requireNonNull(task, "task");
        Context target = context != null ? context : Vertx.currentContext();
        Task t = new Task(task, target);
        long ms = millisUp(delay);
        if (ms == 0) {
            if (target == null) {
                vertx.runOnContext(v -> t.fire()); // never synchronously on the caller's thread
            } else {
                t.runOnContext();
            }
        } else {
            long id = vertx.setTimer(ms, timerId -> t.runOnContext());
            t.timerId(id);
        }
        return t::cancel;
    }

    /**
     * Runs {@code task} on {@code ctx} after {@code delay}, unless cancelled first; for per-request deadlines. On an
     * event-loop context this is one task in the event loop's own timer queue, without Vert.x's timer map and without
     * a hop through {@code runOnContext} when it fires. Any other context falls back to {@link #schedule}. Unlike a
     * Vert.x timer it is not cancelled when the context's verticle is undeployed: the caller must cope with a late run
     * (a finished request ignores it).
     */
    public Cancellable scheduleOn(Context ctx, Duration delay, Runnable task) {
        long ms = Math.max(1, millisUp(delay));
        if (ctx instanceof ContextInternal ci && ci.isEventLoopContext()) {
            ScheduledFuture<?> f = ci.nettyEventLoop().schedule(() -> ci.emit(v -> task.run()), ms,
                    TimeUnit.MILLISECONDS);
            return () -> f.cancel(false);
        }
        return schedule(delay, () -> ctx.runOnContext(v -> task.run()));
    }

    /** {@code delay} in whole milliseconds, rounded up; 0 for zero or negative delays. */
    static long millisUp(Duration delay) {
        long nanos = delay.toNanos();
        return nanos <= 0 ? 0 : Math.max(1, (nanos + 999_999) / 1_000_000);
    }

    private final class Task {
        private final Runnable task;
        private final Context target;
        private boolean done; // ran or cancelled; guarded by this
        private long timerId = -1; // guarded by this

        Task(Runnable task, Context target) {
            this.task = task;
            this.target = target;
        }

        synchronized void timerId(long id) {
            timerId = id;
        }

        /** Runs the task on its target context (a timer's own context when unbound). */
        void runOnContext() {
            if (target == null || Vertx.currentContext() == target) {
                fire();
            } else {
                target.runOnContext(v -> fire());
            }
        }

        void fire() {
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
