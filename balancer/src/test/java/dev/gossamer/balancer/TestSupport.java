package dev.gossamer.balancer;

import dev.gossamer.common.RandomSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Endpoint factories and a controllable load view for the tests. */
final class TestSupport {

    private TestSupport() {
    }

    static Endpoint endpoint(int i) {
        return Endpoint.of("10.0." + (i / 250) + "." + (i % 250 + 1), 8080);
    }

    static Endpoint endpoint(int i, int weight) {
        return endpoint(i).withWeight(weight);
    }

    static List<Endpoint> endpoints(int n) {
        List<Endpoint> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(endpoint(i));
        }
        return list;
    }

    static List<Endpoint> weighted(int... weights) {
        List<Endpoint> list = new ArrayList<>();
        for (int i = 0; i < weights.length; i++) {
            list.add(endpoint(i, weights[i]));
        }
        return list;
    }

    /** A source whose every draw is 0: round robin then starts at the beginning of its cycle. */
    static RandomSource zeros() {
        return new RandomSource() {
            @Override
            public int nextInt(int bound) {
                return 0;
            }

            @Override
            public long nextLong() {
                return 0;
            }

            @Override
            public double nextDouble() {
                return 0;
            }

            @Override
            public long nextLong(long bound) {
                return 0;
            }
        };
    }

    static long[] keys(int count, long seed) {
        RandomSource random = RandomSource.seeded(seed);
        long[] keys = new long[count];
        for (int i = 0; i < count; i++) {
            keys[i] = HashKeys.hash("session-" + random.nextLong());
        }
        return keys;
    }

    static Endpoint pick(Picker picker, long key) {
        return picker.pick(PickContext.withHashKey(key)).endpoint();
    }

    /** A single-threaded load view whose counts the test controls; total is always the sum of the counts. */
    static final class FakeLoad implements ActiveRequests {
        private final Map<Endpoint, Integer> active = new HashMap<>();
        private int total;

        @Override
        public int active(Endpoint endpoint) {
            return active.getOrDefault(endpoint, 0);
        }

        @Override
        public int total() {
            return total;
        }

        void start(Endpoint endpoint) {
            active.merge(endpoint, 1, Integer::sum);
            total++;
        }

        void finish(Endpoint endpoint) {
            int now = active.get(endpoint) - 1;
            if (now < 0) {
                throw new IllegalStateException("negative count for " + endpoint.id());
            }
            active.put(endpoint, now);
            total--;
        }

        void set(Endpoint endpoint, int count) {
            total += count - active(endpoint);
            active.put(endpoint, count);
        }
    }
}
