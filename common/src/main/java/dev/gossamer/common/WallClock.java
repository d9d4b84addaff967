package dev.gossamer.common;

/**
 * Wall-clock time in milliseconds since the epoch, for timestamps shown to people (admin API, logs);
 * never for measuring durations, which use {@link Ticker}.
 */
@FunctionalInterface
public interface WallClock {

    long currentTimeMillis();

    static WallClock system() {
        return System::currentTimeMillis;
    }
}
