package dev.gossamer.balancer;

import java.util.List;
import java.util.Objects;

/**
 * Every {@link BalancingPolicy}: a name and a factory of immutable pickers. The policies differ only in the picker
 * they build, so one class serves them all; {@link BalancingPolicy}'s static factories create the instances.
 */
final class Policy implements BalancingPolicy {

    /** Builds a picker from an already checked copy of the endpoints. */
    @FunctionalInterface
    interface PickerFactory {
        Picker build(List<Endpoint> endpoints, ActiveRequests load);
    }

    private final String name;
    private final String description;
    private final PickerFactory factory;

    Policy(String name, Object options, PickerFactory factory) {
        this.name = Objects.requireNonNull(name, "name");
        this.description = options == null ? name : name + options;
        this.factory = Objects.requireNonNull(factory, "factory");
    }

    @Override
    public Picker newPicker(List<Endpoint> endpoints, ActiveRequests load) {
        return factory.build(Pickers.checkedCopy(endpoints), Objects.requireNonNull(load, "load"));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String toString() {
        return description;
    }
}
