package dev.gossamer.balancer;

/**
 * Options of {@link BalancingPolicy#ringHash(RingHashOptions) ring_hash}. Immutable; the canonical constructor
 * validates every argument at once.
 *
 * <p>Ring size: every endpoint gets {@code max(1, round(R · weight / totalWeight))} points, where
 * {@code R = clamp(n · pointsPerEndpoint, minRingSize, maxRingSize)}. Envoy scales only from {@code min_ring_size}
 * (1024), which leaves about 10 points per endpoint at n = 100 (load spread ≈ 1/√10 ≈ 30 %); a fixed number of points
 * per endpoint keeps the balance independent of n (load spread ≈ 1/√points) and, with equal weights, makes the
 * point set of each endpoint independent of the others, so removing one endpoint moves exactly its own keys.
 *
 * @param minRingSize       smallest ring, in points (Envoy's {@code minimum_ring_size})
 * @param maxRingSize       largest ring, in points (Envoy's {@code maximum_ring_size}); 8 bytes each
 * @param pointsPerEndpoint points of an average-weight endpoint before the min/max clamps
 * @param boundedLoadFactor {@code c} of consistent hashing with bounded loads (Mirrokni, Thorup, Zadimoghaddam):
 *                          an endpoint takes a request only while its in-flight count stays within
 *                          {@code ceil(c · (total + 1) · weight / totalWeight)}; 0 turns bounded load off
 */
public record RingHashOptions(int minRingSize, int maxRingSize, int pointsPerEndpoint, double boundedLoadFactor) {

    /** Envoy's default minimum ring size. */
    public static final int DEFAULT_MIN_RING_SIZE = 1024;

    /** 2^21 points = 16 MiB: caps the ring at about 2,000 points per endpoint for 1,000 endpoints. */
    public static final int DEFAULT_MAX_RING_SIZE = 1 << 21;

    /** Enough points for max/mean ≤ 1.10 at 100 endpoints (point spread 1/√4096 ≈ 1.6 %). */
    public static final int DEFAULT_POINTS_PER_ENDPOINT = 4096;

    /** Largest accepted ring (Envoy's limit, 8M points). */
    public static final int MAX_RING_SIZE = 8 * 1024 * 1024;

    public RingHashOptions {
        Problems problems = new Problems();
        problems.check(minRingSize >= 1 && minRingSize <= MAX_RING_SIZE, "min_ring_size", minRingSize,
                "1.." + MAX_RING_SIZE);
        problems.check(maxRingSize >= minRingSize && maxRingSize <= MAX_RING_SIZE, "max_ring_size", maxRingSize,
                minRingSize + ".." + MAX_RING_SIZE);
        problems.check(pointsPerEndpoint >= 1 && pointsPerEndpoint <= MAX_RING_SIZE, "points_per_endpoint",
                pointsPerEndpoint, "1.." + MAX_RING_SIZE);
        problems.checkBoundedLoad(boundedLoadFactor);
        problems.throwIfAny();
    }

    /** The defaults, bounded load off. */
    public static RingHashOptions defaults() {
        return new RingHashOptions(DEFAULT_MIN_RING_SIZE, DEFAULT_MAX_RING_SIZE, DEFAULT_POINTS_PER_ENDPOINT, 0.0);
    }

    /** The same options with bounded load {@code c > 1.0} (e.g. 1.25), or 0 to turn it off. */
    public RingHashOptions withBoundedLoad(double factor) {
        return new RingHashOptions(minRingSize, maxRingSize, pointsPerEndpoint, factor);
    }

    /** The same options with other ring size limits. */
    public RingHashOptions withRingSize(int min, int max) {
        return new RingHashOptions(min, max, pointsPerEndpoint, boundedLoadFactor);
    }

    /** The same options with another number of points per average-weight endpoint. */
    public RingHashOptions withPointsPerEndpoint(int points) {
        return new RingHashOptions(minRingSize, maxRingSize, points, boundedLoadFactor);
    }

    /** Whether bounded load is on. */
    public boolean boundedLoad() {
        return boundedLoadFactor != 0.0;
    }
}
