package dev.gossamer.balancer;

import dev.gossamer.common.RandomSource;
import java.util.List;
import java.util.Objects;

/** {@code random}: weighted random; see {@link BalancingPolicy#random(RandomSource)}. */
final class RandomPolicy implements BalancingPolicy {

    static final String NAME = "random";

    private final RandomSource random;

    RandomPolicy(RandomSource random) {
        this.random = Objects.requireNonNull(random, "random");
    }

    @Override
    public Picker newPicker(List<Endpoint> endpoints, ActiveRequests load) {
        Objects.requireNonNull(load, "load");
        return new RandomPicker(Pickers.checkedCopy(endpoints), random);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String toString() {
        return NAME;
    }
}
