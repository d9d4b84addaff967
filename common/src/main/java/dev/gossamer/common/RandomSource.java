package dev.gossamer.common;

import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Randomness, injected wherever code makes a random choice so tests and simulations are repeatable.
 *
 * <p>Threading: every implementation here is thread-safe. {@link #threadLocal()} is for production hot paths;
 * {@link #seeded(long)} is for tests and simulations (a lock per call; repeatable when used from one thread).
 */
public interface RandomSource {

    /** Uniform in {@code [0, bound)}; {@code bound > 0}. */
    int nextInt(int bound);

    /** Uniform over all longs. */
    long nextLong();

    /** Uniform in {@code [0, 1)}. */
    double nextDouble();

    /** Uniform in {@code [0, bound)}; {@code bound > 0}. */
    default long nextLong(long bound) {
        long r = nextLong() >>> 1;
        return r % bound;
    }

    /** Production randomness: {@link ThreadLocalRandom}, no contention between event loops. */
    static RandomSource threadLocal() {
        return ThreadLocalSource.INSTANCE;
    }

    /** Repeatable randomness from {@code seed}. */
    static RandomSource seeded(long seed) {
        return new SeededSource(seed);
    }
}

enum ThreadLocalSource implements RandomSource {
    INSTANCE;

    @Override
    public int nextInt(int bound) {
        return ThreadLocalRandom.current().nextInt(bound);
    }

    @Override
    public long nextLong() {
        return ThreadLocalRandom.current().nextLong();
    }

    @Override
    public double nextDouble() {
        return ThreadLocalRandom.current().nextDouble();
    }

    @Override
    public long nextLong(long bound) {
        return ThreadLocalRandom.current().nextLong(bound);
    }
}

final class SeededSource implements RandomSource {
    private final SplittableRandom random;

    SeededSource(long seed) {
        this.random = new SplittableRandom(seed);
    }

    @Override
    public synchronized int nextInt(int bound) {
        return random.nextInt(bound);
    }

    @Override
    public synchronized long nextLong() {
        return random.nextLong();
    }

    @Override
    public synchronized double nextDouble() {
        return random.nextDouble();
    }

    @Override
    public synchronized long nextLong(long bound) {
        return random.nextLong(bound);
    }
}
