package dev.gossamer.config;

import java.util.Objects;
import java.util.OptionalDouble;

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
     * @param choiceCount 2..100 (default {@link #DEFAULT_CHOICE_COUNT})
     */
    record LeastRequest(int choiceCount) implements BalancerConfig {
        /** Envoy's choice_count default: two choices already give most of the benefit. */
        public static final int DEFAULT_CHOICE_COUNT = 2;

        @Override
        public String policy() {
            return "least_request";
        }
    }

    /**
     * {@code policy: consistent_hash}: requests with the same key go to the same endpoint while it is healthy.
     *
     * @param algorithm   ring or Maglev (default {@link #DEFAULT_ALGORITHM})
     * @param tableSize   Maglev lookup table size, a prime (default {@link #DEFAULT_TABLE_SIZE})
     * @param minRingSize ring entries at least (default {@link #DEFAULT_MIN_RING_SIZE})
     * @param boundedLoad consistent hashing with bounded loads: no endpoint takes more than this factor times the
     *                    average load, > 1.0; empty means unbounded
     * @param hashOn      what to hash (required)
     */
    record ConsistentHash(Algorithm algorithm, int tableSize, int minRingSize, OptionalDouble boundedLoad,
                          HashOn hashOn) implements BalancerConfig {

        /** The hash structure; YAML spells them {@code ring}, {@code maglev}. */
        public enum Algorithm { RING, MAGLEV }

        /** Maglev: even spread and O(1) lookup; Envoy documents it as a drop-in replacement for the ring. */
        public static final Algorithm DEFAULT_ALGORITHM = Algorithm.MAGLEV;
        /** Envoy's Maglev table_size default (a prime; about 100 slots per endpoint for hundreds of endpoints). */
        public static final int DEFAULT_TABLE_SIZE = 65537;
        /** Largest accepted Maglev table size (Envoy's bound is the same order). */
        public static final int MAX_TABLE_SIZE = 5_000_011;
        /** Envoy's ring_hash minimum_ring_size default. */
        public static final int DEFAULT_MIN_RING_SIZE = 1024;
        /** Envoy's ring_hash maximum_ring_size: keeps memory bounded. */
        public static final int MAX_RING_SIZE = 8_388_608;

        public ConsistentHash {
            Objects.requireNonNull(algorithm, "algorithm");
            Objects.requireNonNull(boundedLoad, "boundedLoad");
            Objects.requireNonNull(hashOn, "hashOn");
        }

        @Override
        public String policy() {
            return "consistent_hash";
        }
    }
}
