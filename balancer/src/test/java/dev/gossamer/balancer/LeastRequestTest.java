package dev.gossamer.balancer;

import static dev.gossamer.balancer.TestSupport.endpoints;
import static dev.gossamer.balancer.TestSupport.weighted;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gossamer.common.RandomSource;
import dev.gossamer.common.testing.Seeds;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LeastRequestTest {

    @Test
    void twoChoicesPreferTheLessLoadedCandidate() {
        List<Endpoint> list = endpoints(2);
        TestSupport.FakeLoad load = new TestSupport.FakeLoad();
        load.set(list.get(0), 5);
        long seed = Seeds.seed(4);
        Picker picker = BalancingPolicy.leastRequest(LeastRequestOptions.defaults(), RandomSource.seeded(seed))
                .newPicker(list, load);
        int[] counts = new int[2];
        for (int i = 0; i < 10_000; i++) {
            counts[list.indexOf(picker.pick(PickContext.empty()).endpoint())]++;
        }
        // a wins only when both draws are a: probability 1/4.
        assertThat(counts[0] / 10_000.0).as(Seeds.describe(seed, "share of the loaded endpoint")).isBetween(0.23, 0.27);
    }

    @Test
    void closedLoopKeepsLoadFlatterThanRandom() {
        long seed = Seeds.seed(31337);
        int n = 20;
        double leastRequestMax = simulateMaxLoad(
                BalancingPolicy.leastRequest(LeastRequestOptions.defaults(), RandomSource.seeded(seed)), n, seed);
        double randomMax = simulateMaxLoad(BalancingPolicy.random(RandomSource.seeded(seed)), n, seed);
        System.out.printf("closed loop, 200 in flight over 20: max active least_request %.0f, random %.0f%n",
                leastRequestMax, randomMax);
        // 200 requests in flight over 20 endpoints (mean 10): two choices keep the busiest close to the mean.
        assertThat(leastRequestMax).as(Seeds.describe(seed, "least_request max active")).isLessThanOrEqualTo(16);
        assertThat(randomMax).as(Seeds.describe(seed, "random max active")).isGreaterThan(leastRequestMax + 5);
    }

    /** Keeps 200 requests in flight, finishing a random one per step, and returns the largest count ever seen. */
    private static double simulateMaxLoad(BalancingPolicy policy, int n, long seed) {
        List<Endpoint> list = endpoints(n);
        TestSupport.FakeLoad load = new TestSupport.FakeLoad();
        Picker picker = policy.newPicker(list, load);
        RandomSource random = RandomSource.seeded(seed + 1);
        List<Endpoint> inFlight = new ArrayList<>();
        int max = 0;
        for (int step = 0; step < 20_000; step++) {
            if (inFlight.size() >= 200) {
                load.finish(inFlight.remove(random.nextInt(inFlight.size())));
            }
            Endpoint e = picker.pick(PickContext.empty()).endpoint();
            load.start(e);
            inFlight.add(e);
            if (step > 1000) {
                max = Math.max(max, load.active(e));
            }
        }
        return max;
    }

    @Test
    void idleClusterIsWeightedRandom() {
        int[] weights = {1, 2, 7};
        List<Endpoint> list = weighted(weights);
        long seed = Seeds.seed(99);
        Picker picker = BalancingPolicy.leastRequest(LeastRequestOptions.defaults(), RandomSource.seeded(seed))
                .newPicker(list);
        long[] observed = new long[3];
        for (int i = 0; i < 100_000; i++) {
            observed[list.indexOf(picker.pick(PickContext.empty()).endpoint())]++;
        }
        assertThat(RandomPolicyTest.chiSquare(observed, weights)).as(Seeds.describe(seed, "chi-square of 1,2,7"))
                .isLessThan(RandomPolicyTest.chiSquareCritical(2));
    }

    @Test
    void loadIsComparedPerUnitOfWeight() {
        List<Endpoint> list = weighted(10, 1);
        TestSupport.FakeLoad load = new TestSupport.FakeLoad();
        load.set(list.get(0), 9);
        load.set(list.get(1), 1);
        // Costs: 9/10 < 1/1, so the heavy endpoint wins whenever both are drawn, and with bias 2: 81/10 > 1/1.
        Picker biasOne = BalancingPolicy.leastRequest(LeastRequestOptions.defaults().withChoiceCount(10),
                RandomSource.seeded(1)).newPicker(list, load);
        Picker biasTwo = BalancingPolicy.leastRequest(
                LeastRequestOptions.defaults().withChoiceCount(10).withActiveRequestBias(2.0),
                RandomSource.seeded(1)).newPicker(list, load);
        int heavyWithOne = 0;
        int heavyWithTwo = 0;
        for (int i = 0; i < 1000; i++) {
            heavyWithOne += biasOne.pick(PickContext.empty()).endpoint().equals(list.get(0)) ? 1 : 0;
            heavyWithTwo += biasTwo.pick(PickContext.empty()).endpoint().equals(list.get(0)) ? 1 : 0;
        }
        assertThat(heavyWithOne).isGreaterThan(990);
        assertThat(heavyWithTwo).isLessThan(700);
    }

    @Test
    void excludedCandidatesAreSkipped() {
        List<Endpoint> list = endpoints(3);
        TestSupport.FakeLoad load = new TestSupport.FakeLoad();
        load.set(list.get(1), 50);
        load.set(list.get(2), 100);
        Picker picker = BalancingPolicy.leastRequest(LeastRequestOptions.defaults(), RandomSource.seeded(2))
                .newPicker(list, load);
        PickContext retry = PickContext.empty().excluding(Set.of(list.get(0)));
        for (int i = 0; i < 1000; i++) {
            assertThat(picker.pick(retry).endpoint()).isNotEqualTo(list.get(0));
        }
        // All excluded: the least loaded one.
        PickContext all = PickContext.empty().excluding(Set.copyOf(list));
        int idle = 0;
        for (int i = 0; i < 1000; i++) {
            idle += picker.pick(all).endpoint().equals(list.get(0)) ? 1 : 0;
        }
        assertThat(idle).isGreaterThan(500);
    }
}
