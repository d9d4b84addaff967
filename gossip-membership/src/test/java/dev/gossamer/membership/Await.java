package dev.gossamer.membership;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Polls a condition in real time until it holds or a deadline passes (for real-socket tests only). */
final class Await {
    private Await() {
    }

    /** Returns elapsed nanos once {@code cond} holds; fails with {@code what} after {@code max}. */
    static long until(BooleanSupplier cond, Duration max, Supplier<String> what) {
        long start = System.nanoTime();
        long end = start + max.toNanos();
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within " + max + ": " + what.get());
            }
            LockSupport.parkNanos(2_000_000);
        }
        return System.nanoTime() - start;
    }
}
