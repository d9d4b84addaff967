package dev.gossamer.balancer;

import dev.gossamer.common.RandomSource;
import java.util.List;
import java.util.Objects;

/** The policies whose pickers are built from options: ring_hash, maglev, least_request. */
final class HashPolicies {

    private HashPolicies() {
    }

    static final class RingHash implements BalancingPolicy {
        static final String NAME = "ring_hash";
        private final RingHashOptions options;
        private final RandomSource random;

        RingHash(RingHashOptions options, RandomSource random) {
            this.options = Objects.requireNonNull(options, "options");
            this.random = Objects.requireNonNull(random, "random");
        }

        @Override
        public Picker newPicker(List<Endpoint> endpoints, ActiveRequests load) {
            return new RingHashPicker(Pickers.checkedCopy(endpoints), Objects.requireNonNull(load, "load"), options,
                    random);
        }

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public String toString() {
            return NAME + options;
        }
    }

    static final class Maglev implements BalancingPolicy {
        static final String NAME = "maglev";
        private final MaglevOptions options;
        private final RandomSource random;

        Maglev(MaglevOptions options, RandomSource random) {
            this.options = Objects.requireNonNull(options, "options");
            this.random = Objects.requireNonNull(random, "random");
        }

        @Override
        public Picker newPicker(List<Endpoint> endpoints, ActiveRequests load) {
            return new MaglevPicker(Pickers.checkedCopy(endpoints), Objects.requireNonNull(load, "load"), options,
                    random);
        }

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public String toString() {
            return NAME + options;
        }
    }

    static final class LeastRequest implements BalancingPolicy {
        static final String NAME = "least_request";
        private final LeastRequestOptions options;
        private final RandomSource random;

        LeastRequest(LeastRequestOptions options, RandomSource random) {
            this.options = Objects.requireNonNull(options, "options");
            this.random = Objects.requireNonNull(random, "random");
        }

        @Override
        public Picker newPicker(List<Endpoint> endpoints, ActiveRequests load) {
            return new LeastRequestPicker(Pickers.checkedCopy(endpoints), Objects.requireNonNull(load, "load"),
                    options, random);
        }

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public String toString() {
            return NAME + options;
        }
    }
}
