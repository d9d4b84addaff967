package dev.gossamer.config;

import java.util.Objects;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * A cluster's balancing policy ({@code clusters[i].balancer}), one record per {@code policy}. Options that do
 * not fit the policy are load errors, so each record holds only what its policy uses.
 */
public sealed interface BalancerConfig {

    /** The policy used when {@code balancer:} is absent: Envoy's default, round robin. */
    BalancerConfig DEFAULT = new RoundRobin();

    /** The YAML spelling of the policy. */
    String policy();

    /** {@code policy: round_robin}: weighted round robin. */
    record RoundRobin() implements BalancerConfig {
        @Override
        public String policy() {
            return "round_robin";
        }
    }

    /** {@code policy: random}: weighted random. */
    record Random() implements BalancerConfig {
        @Override
        public String policy() {
            return "random";
        }
    }

    /**
     * {@code policy: least_request}: pick {@code choiceCount} endpoints at random, take the one with the fewest
     * active requests (power of two choices).
     *
     * @param choiceCount as written; empty: the balancer module's default ({@code LeastRequestOptions})
     */
    record LeastRequest(OptionalInt choiceCount) implements BalancerConfig {
        public LeastRequest {
            Objects.requireNonNull(choiceCount, "choiceCount");
        }

        @Override
        public String policy() {
            return "least_request";
        }
    }

    /**
     * {@code policy: consistent_hash}: requests with the same key go to the same endpoint while it is healthy.
     *
     * @param algorithm   ring or Maglev (default {@link #DEFAULT_ALGORITHM})
     * @param tableSize   Maglev lookup table size as written; empty: the balancer's default ({@code MaglevOptions})
     * @param minRingSize ring entries at least, as written; empty: the balancer's default ({@code RingHashOptions})
     * @param boundedLoad consistent hashing with bounded loads: no endpoint takes more than this factor times the
     *                    average load; empty means unbounded
     * @param hashOn      what to hash (required)
     */
    record ConsistentHash(Algorithm algorithm, OptionalInt tableSize, OptionalInt minRingSize,
                          OptionalDouble boundedLoad, HashOnConfig hashOn) implements BalancerConfig {

        /** The hash structure; YAML spells them {@code ring}, {@code maglev}. */
        public enum Algorithm { RING, MAGLEV }

        /** Maglev: even spread and O(1) lookup; Envoy documents it as a drop-in replacement for the ring. */
        public static final Algorithm DEFAULT_ALGORITHM = Algorithm.MAGLEV;

        public ConsistentHash {
            Objects.requireNonNull(algorithm, "algorithm");
            Objects.requireNonNull(tableSize, "tableSize");
            Objects.requireNonNull(minRingSize, "minRingSize");
            Objects.requireNonNull(boundedLoad, "boundedLoad");
            Objects.requireNonNull(hashOn, "hashOn");
        }

        @Override
        public String policy() {
            return "consistent_hash";
        }
    }
}
