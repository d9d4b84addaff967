package dev.gossamer.balancer;

import com.google.common.math.IntMath;

/**
 * Options of {@link BalancingPolicy#maglev(MaglevOptions) maglev}. Immutable; the canonical constructor validates
 * every argument at once.
 *
 * @param tableSize         lookup table size, a prime; at most this many endpoints, and the Maglev paper wants it
 *                          well above 100 × n for even load (Envoy's {@code table_size}, default 65537)
 * @param boundedLoadFactor {@code c} of consistent hashing with bounded loads: an endpoint takes a request only
 *                          while its in-flight count stays within {@code ceil(c · (total + 1) · weight / totalWeight)};
 *                          0 turns bounded load off
 */
public record MaglevOptions(int tableSize, double boundedLoadFactor) {

    /** Envoy's default: a prime with ~1 % imbalance up to about 650 endpoints; 256 KiB of ints. */
    public static final int DEFAULT_TABLE_SIZE = 65537;

    /** Smallest accepted table. */
    public static final int MIN_TABLE_SIZE = 3;

    /** Largest accepted table (Envoy's limit). */
    public static final int MAX_TABLE_SIZE = 5_000_011;

    public MaglevOptions {
        Problems problems = new Problems();
        problems.check(tableSize >= MIN_TABLE_SIZE && tableSize <= MAX_TABLE_SIZE && IntMath.isPrime(tableSize),
                "table_size", tableSize, "a prime in " + MIN_TABLE_SIZE + ".." + MAX_TABLE_SIZE + ", like 65537 or 131071");
        problems.checkBoundedLoad(boundedLoadFactor);
        problems.throwIfAny();
    }

    /** The defaults, bounded load off. */
    public static MaglevOptions defaults() {
        return new MaglevOptions(DEFAULT_TABLE_SIZE, 0.0);
    }

    /** The same options with bounded load {@code c > 1.0} (e.g. 1.25), or 0 to turn it off. */
    public MaglevOptions withBoundedLoad(double factor) {
        return new MaglevOptions(tableSize, factor);
    }

    /** The same options with another (prime) table size. */
    public MaglevOptions withTableSize(int size) {
        return new MaglevOptions(size, boundedLoadFactor);
    }

    /** Whether bounded load is on. */
    public boolean boundedLoad() {
        return boundedLoadFactor != 0.0;
    }
}
