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
 * project where {@code vertx.setTimer} is called. It replaced three copies (in health, gossip-membership and proxy)
 * that rounded differently (up, up to at least 1 ms, and down, which ran tasks early) and ran tasks on different
 * contexts (always one, always one, whichever Vert.x chose).
 *
 * <p>Semantics, chosen once:
 * <ul>
 *   <li><b>Deadline.</b> A task never runs before its deadline as the injected ticker measures it
 *       ({@code ticker.nanoTime()} at {@code schedule} plus {@code delay}). Vert.x timers have millisecond
 *       resolution, so a positive delay is rounded <em>up</em> to whole milliseconds (at least 1 ms); rounding down,
 *       as one copy did, fired a 1.9 ms timeout after 1 ms. When the timer fires and the ticker says the deadline is
 *       still ahead (a ticker slower than Vert.x's clock), the task waits again for the rest. A zero or negative
 *       delay runs the task as soon as possible.</li>
 *   <li><b>Never synchronously.</b> Even a zero delay runs the task on a later turn of the event loop, never inside
 *       {@code schedule}: callers schedule while holding locks or before storing the returned handle.</li>
 *   <li><b>Context.</b> A scheduler {@linkplain #VertxScheduler(Context, Ticker) bound to a context} runs every task
 *       there, whoever called {@code schedule}: gossip-membership confines its protocol core to one event loop. An
 *       {@linkplain #VertxScheduler(Vertx, Ticker) unbound} one runs a task on the context that called
 *       {@code schedule} (the proxy: a retry backoff set by a request runs on that request's event loop), or on an
 *       event loop Vert.x chooses when called off Vert.x threads (health checks, wiring); those callers are
 *       thread-safe and need no particular loop.</li>
 *   <li><b>Cancel is truthful.</b> {@code cancel()} returns true only when it stopped a task that had not run, and
 *       then the task never runs, even when its timer had already fired and the run was queued; it returns false
 *       once the task has started or was cancelled before.</li>
 * </ul>
 *
 * <p>Thread-safe: {@code schedule}, {@code scheduleOn} and {@code cancel} may be called from any thread.
 */
public final class VertxScheduler implements Scheduler {

    private final Vertx vertx;
    private final ContextInternal context; // null: the caller's context
    private final Ticker ticker;

    /**
     * Runs each task on the context that scheduled it, or on an event loop of Vert.x's choice when scheduled off
     * Vert.x threads.
     */
    public VertxScheduler(Vertx vertx, Ticker ticker) {
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.context = null;
        this.ticker = Objects.requireNonNull(ticker, "ticker");
    }

    /** Runs every task on {@code context}, whichever thread scheduled it. */
    public VertxScheduler(Context context, Ticker ticker) {
        this.context = (ContextInternal) Objects.requireNonNull(context, "context");
        this.vertx = context.owner();
        this.ticker = Objects.requireNonNull(ticker, "ticker");
    }

    @Override
    public Ticker ticker() {
        return ticker;
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        Objects.requireNonNull(delay, "delay");
        Objects.requireNonNull(task, "task");
        ContextInternal target = context != null ? context : (ContextInternal) Vertx.currentContext();
        long nanos = Math.max(0, delay.toNanos());
        Task t = new Task(task, target, ticker.nanoTime() + nanos);
        t.arm(nanos);
        return t::cancel;
    }

    /**
     * Runs {@code task} on {@code ctx} after {@code delay} (rounded up to whole milliseconds), unless cancelled first;
     * for per-request deadlines. On an event-loop context this is one task in the event loop's own timer queue,
     * measured by the event loop's clock rather than the ticker, without Vert.x's timer map and without a hop through
     * {@code runOnContext} when it fires. Any other context falls back to {@link #schedule}. Unlike a Vert.x timer it
     * is not cancelled when the context's verticle is undeployed: the caller must cope with a late run (a finished
     * request ignores it). The handle's {@code cancel()} is truthful as {@link #schedule}'s is.
     */
    public Cancellable scheduleOn(Context ctx, Duration delay, Runnable task) {
        Objects.requireNonNull(ctx, "ctx");
        Objects.requireNonNull(task, "task");
        if (ctx instanceof ContextInternal ci && ci.isEventLoopContext()) {
            LoopTimer t = new LoopTimer(ci, task); // the task and the handle as one object: one per request
            t.future = ci.nettyEventLoop().schedule(t, millisUp(delay), TimeUnit.MILLISECONDS);
            return t;
        }
        return schedule(delay, () -> ctx.runOnContext(v -> task.run()));
    }

    /** One {@link #scheduleOn} timer: the event loop's task (it runs {@code task} on the context) and its handle. */
    private static final class LoopTimer implements Runnable, Cancellable {
        private final ContextInternal ctx;
        private final Runnable task;
        volatile ScheduledFuture<?> future;

        LoopTimer(ContextInternal ctx, Runnable task) {
            this.ctx = ctx;
            this.task = task;
        }

        @Override
        public void run() {
            ctx.emit(v -> task.run());
        }

        @Override
        public boolean cancel() {
            return future.cancel(false);
        }
    }

    /** {@code delay} in whole milliseconds, rounded up (at least 1 ms); 0 for zero or negative delays. */
    static long millisUp(Duration delay) {
        return millisUp(delay.toNanos());
    }

    private static long millisUp(long nanos) {
        return nanos <= 0 ? 0 : Math.max(1, (nanos + 999_999) / 1_000_000);
    }

    private final class Task {
        private final Runnable task;
        private final ContextInternal target; // null: a context Vert.x chooses
        private final long dueNanos; // on the ticker
        private boolean done; // ran or cancelled; guarded by this
        private long timerId = -1; // the armed Vert.x timer, -1 when none; guarded by this

        Task(Runnable task, ContextInternal target, long dueNanos) {
            this.task = task;
            this.target = target;
            this.dueNanos = dueNanos;
        }

        void arm(long nanos) {
            long ms = millisUp(nanos);
            if (ms == 0) {
                if (target == null) {
                    vertx.runOnContext(v -> fire());
                } else {
                    target.runOnContext(v -> fire());
                }
                return;
            }
            // A bound task's timer fires on its context directly, with no hop through runOnContext.
            long id = target == null ? vertx.setTimer(ms, i -> fire()) : target.setTimer(ms, i -> fire());
            synchronized (this) {
                if (!done) {
                    timerId = id;
                    return;
                }
            }
            vertx.cancelTimer(id); // cancelled while the timer was being set
        }

        void fire() {
            long early = dueNanos - ticker.nanoTime();
            synchronized (this) {
                if (done) {
                    return;
                }
                if (early <= 0) {
                    done = true;
                    timerId = -1;
                }
            }
            if (early > 0) {
                arm(early);
                return;
            }
            task.run();
        }

        boolean cancel() {
            long id;
            synchronized (this) {
                if (done) {
                    return false;
                }
                done = true;
                id = timerId;
                timerId = -1;
            }
            if (id >= 0) {
                vertx.cancelTimer(id);
            }
            return true;
        }
    }
}
