package dev.gossamer.common;

/**
 * A source of monotonic time in nanoseconds, injected wherever code measures time, so tests can drive it.
 *
 * <p>Implementations must be thread-safe. Only differences between two readings mean anything.
 */
@FunctionalInterface
public interface Ticker {

    /** Monotonic nanoseconds; only differences between two readings are meaningful. */
    long nanoTime();

    /** The JVM's monotonic clock, {@link System#nanoTime()}. */
    static Ticker system() {
        return System::nanoTime;
    }
}
