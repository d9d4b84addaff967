package dev.gossamer.balancer;

import dev.gossamer.common.testing.Seeds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gossamer.common.RandomSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** What every policy promises: names, empty lists, unique ids, retries, concurrency. */
class PolicyContractTest {

    /** Seeds the policies' own randomness (start offsets, choices); the tests' inputs are seeded from it too. */
    private static final long SEED = Seeds.seed(20261206L);

    static Stream<BalancingPolicy> policies() {
        RandomSource random = RandomSource.seeded(SEED);
        return Stream.of(
                BalancingPolicy.roundRobin(random),
                BalancingPolicy.random(random),
                BalancingPolicy.ringHash(RingHashOptions.defaults().withPointsPerEndpoint(256), random),
                BalancingPolicy.maglev(MaglevOptions.defaults().withTableSize(4099), random),
                BalancingPolicy.ringHash(RingHashOptions.defaults().withBoundedLoad(1.25), random),
                BalancingPolicy.maglev(MaglevOptions.defaults().withBoundedLoad(1.25), random),
                BalancingPolicy.leastRequest(LeastRequestOptions.defaults(), random));
    }

    @Test
    void namesAreTheConfigNames() {
        assertThat(policies().map(BalancingPolicy::name)).containsExactly("round_robin", "random", "ring_hash",
                "maglev", "ring_hash", "maglev", "least_request");
    }

    @ParameterizedTest
    @MethodSource("policies")
    void emptyListAnswersNoHealthyEndpoint(BalancingPolicy policy) {
        Picker picker = policy.newPicker(List.of());
        for (PickContext context : List.of(PickContext.empty(), PickContext.withHashKey(42))) {
            PickResult result = picker.pick(context);
            assertThat(result.hasEndpoint()).isFalse();
            assertThat(result.endpoint()).isNull();
            assertThat(result.error()).isEqualTo("no healthy endpoint");
        }
        assertThat(picker.endpoints()).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("policies")
    void duplicateIdsAreRejected(BalancingPolicy policy) {
        Endpoint a = Endpoint.of("10.0.0.1", 80);
        assertThatThrownBy(() -> policy.newPicker(List.of(a, a.withWeight(3))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("endpoints: duplicate id '10.0.0.1:80' (expected: unique ids)");
    }

    @ParameterizedTest
    @MethodSource("policies")
    void aRetryGetsADifferentEndpointWheneverOneIsLeft(BalancingPolicy policy) {
        List<Endpoint> list = TestSupport.endpoints(6);
        Picker picker = policy.newPicker(list, new TestSupport.FakeLoad());
        RandomSource random = RandomSource.seeded(SEED + 12);
        for (int i = 0; i < 2000; i++) {
            Set<Endpoint> tried = new HashSet<>();
            int excludedCount = random.nextInt(6);
            while (tried.size() < excludedCount) {
                tried.add(list.get(random.nextInt(6)));
            }
            PickContext context = (i % 2 == 0 ? PickContext.withHashKey(random.nextLong()) : PickContext.empty())
                    .excluding(tried);
            Endpoint e = picker.pick(context).endpoint();
            assertThat(e).as(Seeds.describe(SEED, "%s pick %d excluding %s"), policy, i, tried).isNotIn(tried)
                    .isIn(list);
        }
        PickResult allExcluded = picker.pick(PickContext.withHashKey(7).excluding(Set.copyOf(list)));
        assertThat(allExcluded.hasEndpoint()).isTrue();
    }

    @ParameterizedTest
    @MethodSource("policies")
    void endpointsAreReportedInTheGivenOrder(BalancingPolicy policy) {
        List<Endpoint> list = new ArrayList<>(TestSupport.endpoints(5));
        java.util.Collections.reverse(list);
        assertThat(policy.newPicker(list).endpoints()).containsExactlyElementsOf(list);
    }

    @ParameterizedTest
    @MethodSource("policies")
    void concurrentPicksAreSafe(BalancingPolicy policy) throws Exception {
        List<Endpoint> list = TestSupport.endpoints(16);
        Picker picker = policy.newPicker(list);
        Map<Endpoint, LongAdder> counts = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                long seed = SEED + t;
                futures.add(pool.submit(() -> {
                    RandomSource keys = RandomSource.seeded(seed);
                    for (int i = 0; i < 20_000; i++) {
                        Endpoint e = picker.pick(PickContext.withHashKey(keys.nextLong())).endpoint();
                        counts.computeIfAbsent(e, k -> new LongAdder()).increment();
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(counts.keySet()).as(Seeds.describe(SEED, "endpoints picked by hash keys from 8 threads"))
                .containsExactlyInAnyOrderElementsOf(list);
        assertThat(counts.values().stream().mapToLong(LongAdder::sum).sum()).isEqualTo(160_000);
    }
}
