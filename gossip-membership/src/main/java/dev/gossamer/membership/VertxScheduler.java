package dev.gossamer.membership;

import dev.gossamer.common.Scheduler;
import dev.gossamer.common.Ticker;
import io.vertx.core.Context;
import java.time.Duration;

/**
 * {@link Scheduler} on a Vert.x context: tasks run on that context's event loop. Vert.x timers have millisecond
 * resolution, so delays round up to the next millisecond. Thread-safe.
 */
final class VertxScheduler implements Scheduler {
    private final Context context;
    private final Ticker ticker;

    VertxScheduler(Context context, Ticker ticker) {
        this.context = context;
        this.ticker = ticker;
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        long ms = Math.max(1, (delay.toNanos() + 999_999) / 1_000_000);
        long id = context.owner().setTimer(ms, t -> context.runOnContext(v -> task.run()));
        return () -> context.owner().cancelTimer(id);
    }

    @Override
    public Ticker ticker() {
        return ticker;
    }
}
