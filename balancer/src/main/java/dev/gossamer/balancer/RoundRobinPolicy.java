package dev.gossamer.balancer;

import dev.gossamer.common.RandomSource;
import java.util.List;
import java.util.Objects;

/** {@code round_robin}: smooth weighted round robin; see {@link BalancingPolicy#roundRobin(RandomSource)}. */
final class RoundRobinPolicy implements BalancingPolicy {

    static final String NAME = "round_robin";

    private final RandomSource random;

    RoundRobinPolicy(RandomSource random) {
        this.random = Objects.requireNonNull(random, "random");
    }

    @Override
    public Picker newPicker(List<Endpoint> endpoints, ActiveRequests load) {
        Objects.requireNonNull(load, "load");
        return new RoundRobinPicker(Pickers.checkedCopy(endpoints), random);
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
