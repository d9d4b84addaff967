package dev.gossamer.balancer;

import static dev.gossamer.balancer.TestSupport.endpoint;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gossamer.common.RandomSource;
import dev.gossamer.common.testing.Seeds;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Consistent hashing with bounded loads (Mirrokni, Thorup, Zadimoghaddam): a pick never takes an endpoint past
 * {@code ceil(c · (total + 1) · w / W)}. The bound is checked here in exact integer arithmetic with c = num / 8.
 */
class BoundedLoadTest {

    private static final int[] FACTOR_EIGHTHS = {9, 10, 12, 16}; // c = 1.125, 1.25, 1.5, 2.0

    private static BalancingPolicy policy(String name, double c, RandomSource random) {
        return name.equals("ring_hash")
                ? BalancingPolicy.ringHash(RingHashOptions.defaults().withPointsPerEndpoint(256).withBoundedLoad(c),
                        random)
                : BalancingPolicy.maglev(MaglevOptions.defaults().withTableSize(4099).withBoundedLoad(c), random);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ring_hash", "maglev"})
    void noPickEverExceedsTheBound(String name) {
        long master = Seeds.seed(777);
        RandomSource seeds = RandomSource.seeded(master);
        long spilled = 0;
        for (int round = 0; round < 150; round++) {
            long seed = seeds.nextLong();
            RandomSource random = RandomSource.seeded(seed);
            int n = 2 + random.nextInt(20);
            boolean weightedSet = random.nextInt(2) == 0;
            List<Endpoint> list = new ArrayList<>();
            long totalWeight = 0;
            for (int i = 0; i < n; i++) {
                int w = weightedSet ? 1 + random.nextInt(5) : 1;
                list.add(endpoint(i, w));
                totalWeight += w;
            }
            int eighths = FACTOR_EIGHTHS[random.nextInt(FACTOR_EIGHTHS.length)];
            TestSupport.FakeLoad load = new TestSupport.FakeLoad();
            Picker bounded = policy(name, eighths / 8.0, random).newPicker(list, load);
            Picker plain = policy(name, 0.0, random).newPicker(list);
            // A few hot keys, so that the unbounded choice overloads its endpoint.
            long[] keys = new long[1 + random.nextInt(6)];
            for (int k = 0; k < keys.length; k++) {
                keys[k] = random.nextLong();
            }
            List<Endpoint> inFlight = new ArrayList<>();
            for (int op = 0; op < 2000; op++) {
                if (inFlight.isEmpty() || random.nextInt(100) < 60) {
                    long key = keys[random.nextInt(keys.length)];
                    int total = load.total();
                    Endpoint chosen = bounded.pick(PickContext.withHashKey(key)).endpoint();
                    long bound = ceilDiv((long) eighths * (total + 1) * chosen.weight(), 8L * totalWeight);
                    assertThat(load.active(chosen) + 1L)
                            .as(Seeds.describe(master, "%s round %d (its seed %d) op %d c=%d/8 n=%d total=%d"
                                    + " endpoint %s"), name, round, seed, op, eighths, n, total, chosen.id())
                            .isLessThanOrEqualTo(bound);
                    if (!chosen.equals(TestSupport.pick(plain, key))) {
                        spilled++;
                    }
                    load.start(chosen);
                    inFlight.add(chosen);
                } else {
                    load.finish(inFlight.remove(random.nextInt(inFlight.size())));
                }
            }
        }
        // The hot keys must actually have been diverted, or the test proved nothing.
        assertThat(spilled).as(Seeds.describe(master, name + " picks diverted from a hot key's home"))
                .isGreaterThan(1000);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ring_hash", "maglev"})
    void withoutLoadTheMappingIsThePlainOne(String name) {
        List<Endpoint> list = TestSupport.endpoints(20);
        Picker bounded = policy(name, 1.25, RandomSource.seeded(1)).newPicker(list, new TestSupport.FakeLoad());
        Picker plain = policy(name, 0.0, RandomSource.seeded(1)).newPicker(list);
        for (long key : TestSupport.keys(10_000, 9)) {
            assertThat(TestSupport.pick(bounded, key)).isEqualTo(TestSupport.pick(plain, key));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ring_hash", "maglev"})
    void aFullEndpointSpillsDeterministicallyAndExclusionStillHolds(String name) {
        List<Endpoint> list = TestSupport.endpoints(5);
        TestSupport.FakeLoad load = new TestSupport.FakeLoad();
        Picker picker = policy(name, 1.25, RandomSource.seeded(1)).newPicker(list, load);
        long key = HashKeys.hash("user-42");
        Endpoint home = TestSupport.pick(picker, key);
        // total 10 → bound ceil(1.25 · 11 / 5) = 3: home at 3 is full.
        for (Endpoint e : list) {
            load.set(e, e.equals(home) ? 3 : 1);
        }
        load.set(list.get(0).equals(home) ? list.get(1) : list.get(0), 0);
        Endpoint spill = TestSupport.pick(picker, key);
        assertThat(spill).isNotEqualTo(home);
        assertThat(TestSupport.pick(picker, key)).isEqualTo(spill);
        Endpoint retry = picker.pick(PickContext.withHashKey(key).excluding(Set.of(spill))).endpoint();
        assertThat(retry).isNotIn(home, spill);
    }

    private static long ceilDiv(long a, long b) {
        return -Math.floorDiv(-a, b);
    }
}
