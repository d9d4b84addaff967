package dev.gossamer.balancer;

import dev.gossamer.common.RandomSource;
import java.util.List;
import java.util.Set;

/** Weighted random with an alias table: O(1) per pick, no shared mutable state. */
final class RandomPicker implements Picker {

    /** Re-draws for a retry before scanning; with one excluded endpoint of n, 8 draws all miss with p = (1/n)^8. */
    static final int MAX_REDRAWS = 8;

    private final List<Endpoint> endpoints;
    private final Endpoint[] array;
    private final PickResult[] results;
    private final AliasTable alias;
    private final RandomSource random;

    RandomPicker(List<Endpoint> endpoints, RandomSource random) {
        this.endpoints = endpoints;
        this.array = endpoints.toArray(new Endpoint[0]);
        this.results = Pickers.results(array);
        this.alias = new AliasTable(array);
        this.random = random;
    }

    @Override
    public PickResult pick(PickContext context) {
        if (array.length == 0) {
            return Pickers.NO_ENDPOINT;
        }
        int index = alias.draw(random);
        Set<Endpoint> excluded = context.excluded();
        if (excluded.isEmpty() || !excluded.contains(array[index])) {
            return results[index];
        }
        for (int i = 0; i < MAX_REDRAWS; i++) {
            int candidate = alias.draw(random);
            if (!excluded.contains(array[candidate])) {
                return results[candidate];
            }
        }
        // Nearly everything is excluded: the first usable endpoint after the drawn one.
        for (int k = 1; k < array.length; k++) {
            int candidate = (index + k) % array.length;
            if (!excluded.contains(array[candidate])) {
                return results[candidate];
            }
        }
        return results[index];
    }

    @Override
    public List<Endpoint> endpoints() {
        return endpoints;
    }

    @Override
    public String toString() {
        return "RandomPicker[endpoints=" + array.length + "]";
    }
}
