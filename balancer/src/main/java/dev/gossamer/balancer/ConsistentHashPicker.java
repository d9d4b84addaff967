package dev.gossamer.balancer;

import dev.gossamer.common.RandomSource;
import java.util.List;
import java.util.Set;

/**
 * The pick logic shared by the ring and Maglev pickers: a key's hash selects a start position in a circular array
 * of owners (ring points or table slots); the owner there is the endpoint, unless it is excluded or, with bounded
 * load, full. Then the picker walks forward one position at a time (the key's deterministic probe sequence) to the
 * first endpoint that is neither.
 */
abstract class ConsistentHashPicker implements Picker {

    private final List<Endpoint> endpoints;
    /** Endpoints sorted by id: owner indices point into this array. */
    final Endpoint[] sorted;
    private final PickResult[] results;
    private final ActiveRequests load;
    private final RandomSource random;
    private final boolean bounded;
    /** {@code c · weight_i}, so the bound is {@code ceil(scaled_i · (total + 1) / totalWeight)}. */
    private final double[] scaledWeights;
    private final double totalWeight;

    ConsistentHashPicker(List<Endpoint> endpoints, ActiveRequests load, double boundedLoadFactor,
            RandomSource random) {
        this.endpoints = endpoints;
        this.sorted = Pickers.sortedById(endpoints);
        this.results = Pickers.results(sorted);
        this.load = load;
        this.random = random;
        this.bounded = boundedLoadFactor != 0.0;
        this.scaledWeights = new double[sorted.length];
        for (int i = 0; i < sorted.length; i++) {
            scaledWeights[i] = boundedLoadFactor * sorted[i].weight();
        }
        this.totalWeight = Pickers.totalWeight(sorted);
    }

    /** The start position of {@code hash} in {@code [0, length())}. */
    abstract int position(long hash);

    /** The index (into {@link #sorted}) of the endpoint owning {@code position}. */
    abstract int owner(int position);

    /** Number of positions. */
    abstract int length();

    @Override
    public final PickResult pick(PickContext context) {
        int n = sorted.length;
        if (n == 0) {
            return Pickers.NO_ENDPOINT;
        }
        // Without a key, a random position: still weighted by each endpoint's share of positions.
        long hash = context.hasHashKey() ? context.hashKey() : random.nextLong();
        int position = position(hash);
        int primary = owner(position);
        Set<Endpoint> excluded = context.excluded();
        if (!bounded && (excluded.isEmpty() || !excluded.contains(sorted[primary]))) {
            return results[primary];
        }
        boolean exclude = !excluded.isEmpty() && !Pickers.allExcluded(sorted, excluded);
        int total = bounded ? load.total() : 0;
        if (admits(primary, excluded, exclude, total)) {
            return results[primary];
        }
        int length = length();
        // Each position is owned by a (weighted) random endpoint, so 64 positions per endpoint miss a free one with
        // probability about e^-64; the cap only guards against a view whose total disagrees with its counts.
        long walk = Math.min(length, 64L * n + 64);
        int fallback = exclude && excluded.contains(sorted[primary]) ? -1 : primary;
        int previous = primary;
        for (long k = 1; k < walk; k++) {
            position = position + 1 == length ? 0 : position + 1;
            int candidate = owner(position);
            if (candidate == previous) {
                continue;
            }
            previous = candidate;
            if (admits(candidate, excluded, exclude, total)) {
                return results[candidate];
            }
            if (fallback < 0 && !excluded.contains(sorted[candidate])) {
                fallback = candidate;
            }
        }
        return results[fallback >= 0 ? fallback : primary];
    }

    private boolean admits(int index, Set<Endpoint> excluded, boolean exclude, int total) {
        Endpoint endpoint = sorted[index];
        if (exclude && excluded.contains(endpoint)) {
            return false;
        }
        if (!bounded) {
            return true;
        }
        return load.active(endpoint) < Math.ceil(scaledWeights[index] * (total + 1) / totalWeight);
    }

    /** The bound of endpoint {@code index} for a cluster with {@code total} requests in flight (for tests). */
    final long bound(int index, int total) {
        return (long) Math.ceil(scaledWeights[index] * (total + 1) / totalWeight);
    }

    @Override
    public final List<Endpoint> endpoints() {
        return endpoints;
    }
}
