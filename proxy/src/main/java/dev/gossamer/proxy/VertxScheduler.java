package dev.gossamer.proxy;

import dev.gossamer.common.Scheduler;
import dev.gossamer.common.Ticker;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A {@link Scheduler} on Vert.x timers: the one adapter where {@code vertx.setTimer} is allowed.
 *
 * <p>Threading: thread-safe. A task scheduled from a Vert.x context runs on that context (so on the event loop
 * that scheduled it); otherwise on an event loop Vert.x chooses.
 */
public final class VertxScheduler implements Scheduler {

    private final Vertx vertx;
    private final Ticker ticker;

    public VertxScheduler(Vertx vertx, Ticker ticker) {
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.ticker = Objects.requireNonNull(ticker, "ticker");
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        // Vert.x timers need >= 1 ms.
        long ms = Math.max(1, delay.toMillis());
        long id = vertx.setTimer(ms, t -> task.run());
        return () -> vertx.cancelTimer(id);
    }

    /**
     * Runs {@code task} on {@code ctx} after {@code delay}, unless cancelled first. For per-request deadlines: on an
     * event-loop context this is one task in the event loop's own timer queue, without the Vert.x timer map and
     * without a hop through {@code runOnContext} when it fires. Any other context falls back to {@link #schedule}.
     * Unlike {@link #schedule}, the timer is not cancelled when the context's verticle is undeployed; the caller
     * must cope with a late run (a finished request ignores it).
     *
     * <p>Threading: may be called from any thread; the returned handle may be cancelled from any thread.
     */
    Cancellable scheduleOn(Context ctx, Duration delay, Runnable task) {
        long ms = Math.max(1, delay.toMillis());
        if (ctx instanceof ContextInternal ci && ci.isEventLoopContext()) {
            ScheduledFuture<?> f = ci.nettyEventLoop().schedule(() -> ci.emit(v -> task.run()), ms,
                    TimeUnit.MILLISECONDS);
            return () -> f.cancel(false);
        }
        return schedule(delay, () -> ctx.runOnContext(v -> task.run()));
    }

    @Override
    public Ticker ticker() {
        return ticker;
    }
}
