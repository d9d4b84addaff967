package dev.gossamer.common;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A {@link Ticker} that moves only when a test advances it. Thread-safe. */
public final class FakeTicker implements Ticker {

    private final AtomicLong nanos;

    public FakeTicker() {
        this(0);
    }

    public FakeTicker(long startNanos) {
        this.nanos = new AtomicLong(startNanos);
    }

    @Override
    public long nanoTime() {
        return nanos.get();
    }

    /** Moves time forward by {@code d}; returns the new reading. */
    public long advance(Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("d: " + d + " (expected: >= 0)");
        }
        return nanos.addAndGet(d.toNanos());
    }
}
