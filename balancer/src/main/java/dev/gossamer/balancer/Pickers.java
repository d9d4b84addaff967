package dev.gossamer.balancer;

import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Helpers shared by the picker implementations. */
final class Pickers {

    /** The answer of every picker built over an empty endpoint list. */
    static final PickResult NO_ENDPOINT = PickResult.noEndpoint("no healthy endpoint");

    private Pickers() {
    }

    /** A defensive copy of {@code endpoints}, after checking ids are unique. */
    static List<Endpoint> checkedCopy(List<Endpoint> endpoints) {
        List<Endpoint> copy = List.copyOf(endpoints);
        Set<String> ids = new HashSet<>();
        for (Endpoint e : copy) {
            if (!ids.add(e.id())) {
                throw new IllegalArgumentException("endpoints: duplicate id '" + e.id() + "' (expected: unique ids)");
            }
        }
        return copy;
    }

    /** The endpoints sorted by id: hash-based structures are built in this order so they do not depend on input order. */
    static Endpoint[] sortedById(List<Endpoint> endpoints) {
        Endpoint[] sorted = endpoints.toArray(new Endpoint[0]);
        Arrays.sort(sorted, Comparator.comparing(Endpoint::id));
        return sorted;
    }

    /** One preallocated result per endpoint, so the hot path does not allocate. */
    static PickResult[] results(Endpoint[] endpoints) {
        PickResult[] results = new PickResult[endpoints.length];
        for (int i = 0; i < endpoints.length; i++) {
            results[i] = PickResult.of(endpoints[i]);
        }
        return results;
    }

    /** Whether every endpoint is in {@code excluded} (the caller then gets the best excluded one). */
    static boolean allExcluded(Endpoint[] endpoints, Set<Endpoint> excluded) {
        if (excluded.size() < endpoints.length) {
            return false;
        }
        for (Endpoint e : endpoints) {
            if (!excluded.contains(e)) {
                return false;
            }
        }
        return true;
    }

    static long totalWeight(Endpoint[] endpoints) {
        long total = 0;
        for (Endpoint e : endpoints) {
            total += e.weight();
        }
        return total;
    }

    static boolean equalWeights(Endpoint[] endpoints) {
        for (Endpoint e : endpoints) {
            if (e.weight() != endpoints[0].weight()) {
                return false;
            }
        }
        return true;
    }
}
