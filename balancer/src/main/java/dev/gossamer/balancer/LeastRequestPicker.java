package dev.gossamer.balancer;

import dev.gossamer.common.RandomSource;
import java.util.List;
import java.util.Set;

/**
 * Power of d choices over the live in-flight counts: draw {@code choiceCount} candidates in proportion to weight
 * (with replacement, as Envoy does) and keep the one with the lowest cost {@code active^bias / weight}; ties go to
 * the candidate drawn first, so an idle cluster is balanced exactly like weighted random.
 */
final class LeastRequestPicker implements Picker {

    private static final int MAX_REDRAWS = 8;

    private final List<Endpoint> endpoints;
    private final Endpoint[] array;
    private final PickResult[] results;
    private final AliasTable alias;
    private final ActiveRequests load;
    private final RandomSource random;
    private final int choiceCount;
    private final double bias;

    LeastRequestPicker(List<Endpoint> endpoints, ActiveRequests load, LeastRequestOptions options,
            RandomSource random) {
        this.endpoints = endpoints;
        this.array = endpoints.toArray(new Endpoint[0]);
        this.results = Pickers.results(array);
        this.alias = new AliasTable(array);
        this.load = load;
        this.random = random;
        this.choiceCount = options.choiceCount();
        this.bias = options.activeRequestBias();
    }

    @Override
    public PickResult pick(PickContext context) {
        int n = array.length;
        if (n == 0) {
            return Pickers.NO_ENDPOINT;
        }
        Set<Endpoint> excluded = context.excluded();
        boolean exclude = !excluded.isEmpty() && !Pickers.allExcluded(array, excluded);
        int best = -1;
        double bestCost = Double.POSITIVE_INFINITY;
        for (int c = 0; c < choiceCount; c++) {
            int candidate = draw(excluded, exclude);
            if (candidate < 0) {
                continue;
            }
            if (bias == 0.0) {
                // Load ignored (Envoy's bias 0): the first draw is a plain weighted-random pick.
                return results[candidate];
            }
            double cost = cost(candidate);
            if (best < 0 || cost < bestCost) {
                best = candidate;
                bestCost = cost;
            }
        }
        if (best >= 0) {
            return results[best];
        }
        // Re-draws kept hitting excluded endpoints: scan for the cheapest usable one.
        for (int i = 0; i < n; i++) {
            if (excluded.contains(array[i])) {
                continue;
            }
            double cost = cost(i);
            if (best < 0 || cost < bestCost) {
                best = i;
                bestCost = cost;
            }
        }
        return results[best];
    }

    private int draw(Set<Endpoint> excluded, boolean exclude) {
        for (int attempt = 0; attempt <= MAX_REDRAWS; attempt++) {
            int candidate = alias.draw(random);
            if (!exclude || !excluded.contains(array[candidate])) {
                return candidate;
            }
        }
        return -1;
    }

    private double cost(int index) {
        int active = Math.max(0, load.active(array[index]));
        double loadTerm = bias == 1.0 ? active : Math.pow(active, bias);
        return loadTerm / array[index].weight();
    }

    @Override
    public List<Endpoint> endpoints() {
        return endpoints;
    }

    @Override
    public String toString() {
        return "LeastRequestPicker[endpoints=" + array.length + ", choiceCount=" + choiceCount + "]";
    }
}
