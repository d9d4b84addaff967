package dev.gossamer.common.testing;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Waits on a condition with a deadline, for tests that need real time (sockets, processes): never a bare sleep.
 * Tests on a fake clock advance the clock instead.
 */
public final class Await {

    private static final long POLL_NANOS = Duration.ofMillis(5).toNanos();

    private Await() {
    }

    /** Polls {@code condition} until it holds; fails with {@code what} once {@code deadline} has passed. */
    public static void until(String what, Duration deadline, BooleanSupplier condition) {
        long end = System.nanoTime() + deadline.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                throw new AssertionError("timed out after " + deadline + " waiting for: " + what);
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
    }
}
