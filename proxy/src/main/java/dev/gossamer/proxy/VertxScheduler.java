package dev.gossamer.proxy;

import dev.gossamer.common.Scheduler;
import dev.gossamer.common.Ticker;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Objects;

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

    @Override
    public Ticker ticker() {
        return ticker;
    }
}
