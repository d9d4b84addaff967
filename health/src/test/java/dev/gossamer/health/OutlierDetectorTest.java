package dev.gossamer.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gossamer.common.FakeScheduler;
import dev.gossamer.common.RandomSource;
import dev.gossamer.common.testing.Seeds;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class OutlierDetectorTest {

    private static final Duration BASE = Duration.ofSeconds(30);
    private static final Duration INTERVAL = Duration.ofSeconds(10);

    private final FakeScheduler scheduler = new FakeScheduler();
    private final List<Set<String>> published = new CopyOnWriteArrayList<>();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private OutlierDetector detector(OutlierDetectionOptions o, int endpoints) {
        return detector(o, endpoints, 42);
    }

    private OutlierDetector detector(OutlierDetectionOptions o, int endpoints, long seed) {
        OutlierDetector d = OutlierDetector.builder("orders", o, scheduler).random(RandomSource.seeded(seed))
                .meterRegistry(registry).listener(published::add).build();
        d.setEndpoints(ids(endpoints));
        return d;
    }

    private static Set<String> ids(int n) {
        return IntStream.rangeClosed(1, n).mapToObj(i -> "e" + i).collect(Collectors.toCollection(LinkedHashSet::new));
    }

    private static void repeat(OutlierDetector d, String id, Outcome o, int times) {
        for (int i = 0; i < times; i++) {
            d.record(id, o);
        }
    }

    private double ejections(String reason) {
        return registry.get(OutlierDetector.EJECTIONS).tag("cluster", "orders").tag("reason", reason).counter()
                .count();
    }

    @Test
    void defaultsAreEnvoys() {
        OutlierDetectionOptions o = OutlierDetectionOptions.defaults();
        assertThat(o.consecutive5xx()).isEqualTo(5);
        assertThat(o.consecutiveGatewayFailure()).isEqualTo(5);
        assertThat(o.consecutiveLocalOriginFailure()).isEqualTo(5);
        assertThat(o.interval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(o.baseEjectionTime()).isEqualTo(Duration.ofSeconds(30));
        assertThat(o.maxEjectionTime()).isEqualTo(Duration.ofSeconds(300));
        assertThat(o.maxEjectionPercent()).isEqualTo(10);
        assertThat(o.successRateMinimumHosts()).isEqualTo(5);
        assertThat(o.successRateRequestVolume()).isEqualTo(100);
        assertThat(o.stdevFactor()).isEqualTo(1.9);
        assertThat(o.failurePercentageThreshold()).isEqualTo(85);
        assertThat(o.failurePercentageMinimumHosts()).isEqualTo(5);
        assertThat(o.failurePercentageRequestVolume()).isEqualTo(50);
        assertThat(o.enforcingSuccessRate()).isEqualTo(100);
        assertThat(o.enforcingFailurePercentage()).isZero();
        assertThat(o.enforcingConsecutiveGatewayFailure()).isZero();
    }

    @Test
    void optionsReportEveryProblem() {
        assertThatThrownBy(() -> OutlierDetectionOptions.builder().consecutive5xx(-1).maxEjectionPercent(140)
                .baseEjectionTime(Duration.ofSeconds(60)).maxEjectionTime(Duration.ofSeconds(30))
                .interval(Duration.ZERO).enforcingSuccessRate(-1).build())
                .hasMessageContaining("consecutive_5xx: -1 (expected: 0..1000)")
                .hasMessageContaining("max_ejection_percent: 140 (expected: 0..100)")
                .hasMessageContaining("max_ejection_time: 30s (expected: >= base_ejection_time 1m)")
                .hasMessageContaining("interval: 0 (expected: > 0)")
                .hasMessageContaining("enforcing_success_rate: -1 (expected: 0..100)");
    }

    @Test
    void aConsecutiveThresholdOfZeroTurnsThatDetectorOff() {
        OutlierDetector d = detector(OutlierDetectionOptions.builder().consecutive5xx(0)
                .consecutiveGatewayFailure(0).enforcingConsecutiveGatewayFailure(100).maxEjectionPercent(100)
                .build(), 10);
        for (int i = 0; i < 50; i++) {
            d.record("e1", Outcome.http5xx(503));
        }
        assertThat(d.isEjected("e1")).isFalse();
    }

    @Test
    void minimumHostsOfZeroLetsTheStatisticsRunOnAnyCount() {
        OutlierDetectionOptions o = OutlierDetectionOptions.builder().successRateMinimumHosts(0)
                .failurePercentageMinimumHosts(0).build();
        assertThat(o.successRateMinimumHosts()).isZero();
        assertThat(o.failurePercentageMinimumHosts()).isZero();
    }

    @Test
    void consecutive5xxEjectsAndASuccessResetsTheRun() {
        OutlierDetector d = detector(OutlierDetectionOptions.defaults(), 10);
        repeat(d, "e1", Outcome.http5xx(500), 4);
        d.record("e1", Outcome.SUCCESS);
        repeat(d, "e1", Outcome.ofStatus(500), 4);
        assertThat(d.ejected()).isEmpty();
        assertThat(d.snapshot().get("e1").consecutive5xx()).isEqualTo(4);
        d.record("e1", Outcome.ofStatus(404)); // a 4xx is a success for outlier detection
        repeat(d, "e1", Outcome.http5xx(500), 5);
        assertThat(d.ejected()).containsExactly("e1");
        assertThat(d.isEjected("e1")).isTrue();
        assertThat(published).containsExactly(Set.of("e1"));
        OutlierSnapshot s = d.snapshot().get("e1");
        assertThat(s.lastEjectionReason()).contains(EjectionReason.CONSECUTIVE_5XX);
        assertThat(s.consecutive5xx()).as("counter resets when the detector fires").isZero();
        assertThat(s.remaining()).isEqualTo(BASE);
        assertThat(s.describe()).isEqualTo("ejected for 30s more (consecutive_5xx, 1 time)");
        assertThat(ejections("consecutive_5xx")).isEqualTo(1);
        assertThat(registry.get(OutlierDetector.EJECTED).gauge().value()).isEqualTo(1);
    }

    @Test
    void gatewayFailuresCountOnlyWhenEnforcedAndOnly502To504() {
        OutlierDetectionOptions o = OutlierDetectionOptions.builder().enforcingConsecutiveGatewayFailure(100)
                .consecutive5xx(100).build();
        OutlierDetector d = detector(o, 10);
        for (int s : new int[] {502, 503, 500, 504, 502, 503, 504}) {
            d.record("e1", Outcome.http5xx(s));
        }
        assertThat(d.ejected()).as("the 500 broke the gateway run").isEmpty();
        d.record("e1", Outcome.http5xx(502));
        assertThat(d.ejected()).containsExactly("e1");
        assertThat(d.snapshot().get("e1").lastEjectionReason()).contains(EjectionReason.CONSECUTIVE_GATEWAY_FAILURE);
        // Default enforcing_consecutive_gateway_failure is 0: 503s still eject, through consecutive_5xx.
        OutlierDetector def = detector(OutlierDetectionOptions.defaults(), 10);
        repeat(def, "e2", Outcome.http5xx(503), 5);
        assertThat(def.snapshot().get("e2").lastEjectionReason()).contains(EjectionReason.CONSECUTIVE_5XX);
    }

    @Test
    void localOriginFailuresAre5xxUnlessSplit() {
        OutlierDetector notSplit = detector(OutlierDetectionOptions.defaults(), 10);
        repeat(notSplit, "e1", Outcome.LOCAL_ORIGIN_FAILURE, 5);
        assertThat(notSplit.snapshot().get("e1").lastEjectionReason()).contains(EjectionReason.CONSECUTIVE_5XX);

        OutlierDetector split = detector(OutlierDetectionOptions.builder().splitExternalLocalOriginErrors(true)
                .build(), 10);
        repeat(split, "e1", Outcome.LOCAL_ORIGIN_FAILURE, 4);
        split.record("e1", Outcome.http5xx(503)); // a response: the connection worked, the local run ends
        repeat(split, "e1", Outcome.LOCAL_ORIGIN_FAILURE, 4);
        assertThat(split.ejected()).isEmpty();
        assertThat(split.snapshot().get("e1").consecutive5xx()).as("local errors do not count as 5xx").isEqualTo(1);
        split.record("e1", Outcome.LOCAL_ORIGIN_FAILURE);
        assertThat(split.snapshot().get("e1").lastEjectionReason())
                .contains(EjectionReason.CONSECUTIVE_LOCAL_ORIGIN_FAILURE);
    }

    @Test
    void ejectionTimeGrowsWithEachEjectionAndIsCapped() {
        OutlierDetectionOptions o = OutlierDetectionOptions.builder().maxEjectionTime(Duration.ofSeconds(100))
                .build();
        OutlierDetector d = detector(o, 10);
        long[] expectedSeconds = {30, 60, 90, 100, 100};
        for (int i = 0; i < expectedSeconds.length; i++) {
            repeat(d, "e1", Outcome.http5xx(500), 5);
            OutlierSnapshot s = d.snapshot().get("e1");
            assertThat(s.ejected()).isTrue();
            assertThat(s.remaining()).as("ejection %d", i + 1).isEqualTo(Duration.ofSeconds(expectedSeconds[i]));
            assertThat(s.ejectedUntilNanos())
                    .isEqualTo(scheduler.ticker().nanoTime() + Duration.ofSeconds(expectedSeconds[i]).toNanos());
            assertThat(s.timesEjected()).isEqualTo(i + 1);
            scheduler.advance(Duration.ofSeconds(expectedSeconds[i]));
            assertThat(d.isEjected("e1")).isFalse();
        }
        assertThat(d.snapshot().get("e1").ejectionMultiplier()).isEqualTo(4);
    }

    @Test
    void returnsExactlyWhenTheEjectionEnds() {
        OutlierDetector d = detector(OutlierDetectionOptions.defaults(), 10);
        scheduler.advance(Duration.ofMillis(1234));
        repeat(d, "e3", Outcome.http5xx(500), 5);
        scheduler.advance(BASE.minusNanos(1));
        assertThat(d.ejected()).containsExactly("e3");
        scheduler.advance(Duration.ofNanos(1));
        assertThat(d.ejected()).isEmpty();
        assertThat(published).containsExactly(Set.of("e3"), Set.of());
        assertThat(d.snapshot().get("e3").describe()).isEqualTo("in service (last ejected for consecutive_5xx, 1 time)");
        assertThat(registry.get(OutlierDetector.EJECTED).gauge().value()).isZero();
    }

    @Test
    void maxEjectionPercentAlwaysAllowsOneEjection() {
        // 3 endpoints at 10 %: one host is 33 % > 10 %, but Envoy always lets the first ejection through.
        OutlierDetector d = detector(OutlierDetectionOptions.defaults(), 3);
        repeat(d, "e1", Outcome.http5xx(500), 5);
        repeat(d, "e2", Outcome.http5xx(500), 5);
        assertThat(d.ejected()).containsExactly("e1");
        assertThat(registry.get(OutlierDetector.EJECTIONS_OVERFLOW).counter().count()).isEqualTo(1);
        scheduler.advance(BASE);
        assertThat(d.ejected()).isEmpty();
        repeat(d, "e2", Outcome.http5xx(500), 5); // a fresh run is needed: the counter reset at the refusal
        assertThat(d.ejected()).containsExactly("e2");
    }

    @Test
    void maxEjectionPercentCapsLargerClusters() {
        OutlierDetector d = detector(OutlierDetectionOptions.builder().maxEjectionPercent(20).build(), 10);
        for (String id : List.of("e1", "e2", "e3", "e4")) {
            repeat(d, id, Outcome.http5xx(500), 5);
        }
        assertThat(d.ejected()).containsExactlyInAnyOrder("e1", "e2");
        OutlierDetector zero = detector(OutlierDetectionOptions.builder().maxEjectionPercent(0).build(), 10);
        repeat(zero, "e1", Outcome.http5xx(500), 5);
        repeat(zero, "e2", Outcome.http5xx(500), 5);
        assertThat(zero.ejected()).as("even 0 percent allows one").containsExactly("e1");
    }

    @Test
    void multiplierDecaysWhileTheEndpointStaysInService() {
        OutlierDetector d = detector(OutlierDetectionOptions.defaults(), 10);
        // Three back-to-back ejections: multiplier 3, the last one lasts 90 s.
        for (int i = 1; i <= 3; i++) {
            repeat(d, "e1", Outcome.http5xx(500), 5);
            scheduler.advance(BASE.multipliedBy(i));
        }
        assertThat(d.snapshot().get("e1").ejectionMultiplier()).isEqualTo(3);
        // In service for two full sweep intervals: 3 → 1 (the first sweep after return may see a partial one).
        scheduler.advance(INTERVAL.multipliedBy(2));
        int m = d.snapshot().get("e1").ejectionMultiplier();
        assertThat(m).isBetween(1, 2);
        scheduler.advance(INTERVAL);
        assertThat(d.snapshot().get("e1").ejectionMultiplier()).isEqualTo(m - 1);
        int before = d.snapshot().get("e1").ejectionMultiplier();
        repeat(d, "e1", Outcome.http5xx(500), 5);
        assertThat(d.snapshot().get("e1").remaining()).isEqualTo(BASE.multipliedBy(before + 1));
        // Fully forgiven after enough quiet intervals.
        scheduler.advance(Duration.ofMinutes(10));
        assertThat(d.snapshot().get("e1").ejectionMultiplier()).isZero();
        repeat(d, "e1", Outcome.http5xx(500), 5);
        assertThat(d.snapshot().get("e1").remaining()).isEqualTo(BASE);
    }

    @Test
    void noDecayWhileEjected() {
        OutlierDetector d = detector(OutlierDetectionOptions.builder().baseEjectionTime(Duration.ofSeconds(60))
                .maxEjectionTime(Duration.ofSeconds(600)).build(), 10);
        repeat(d, "e1", Outcome.http5xx(500), 5);
        scheduler.advance(Duration.ofSeconds(59));
        assertThat(d.snapshot().get("e1").ejectionMultiplier()).isEqualTo(1);
    }

    /** Records {@code requests} outcomes with {@code successPercent} % successes, interleaved (no long runs). */
    private static void traffic(OutlierDetector d, String id, int requests, double successPercent) {
        long successes = Math.round(requests * successPercent / 100);
        for (int i = 0; i < requests; i++) {
            // Bresenham-style spreading keeps failures apart.
            boolean ok = (i + 1) * successes / requests > i * successes / requests;
            d.record(id, ok ? Outcome.SUCCESS : Outcome.http5xx(500));
        }
    }

    private static OutlierDetectionOptions statisticalOnly() {
        return OutlierDetectionOptions.builder().consecutive5xx(0).maxEjectionPercent(100).build();
    }

    @Test
    void successRateEjectsTheHostBelowMeanMinusFactorStdev() {
        // Class Javadoc example: 100, 100, 99, 98, 60 → mean 91.4, stdev 15.72, threshold 61.5.
        OutlierDetector d = detector(statisticalOnly(), 5);
        double[] rates = {100, 100, 99, 98, 60};
        for (int i = 0; i < 5; i++) {
            traffic(d, "e" + (i + 1), 100, rates[i]);
        }
        assertThat(d.ejected()).as("statistical detectors wait for the sweep").isEmpty();
        scheduler.advance(INTERVAL);
        assertThat(d.ejected()).containsExactly("e5");
        assertThat(d.snapshot().get("e5").lastEjectionReason()).contains(EjectionReason.SUCCESS_RATE);
        assertThat(d.snapshot().get("e5").lastSuccessRate()).isEqualTo(60.0);
        assertThat(ejections("success_rate")).isEqualTo(1);
    }

    @Test
    void successRateLeavesAnEvenSpreadAlone() {
        // 100, 95, 90, 85, 80 → mean 90, stdev 7.07, threshold 76.6: nobody is below.
        OutlierDetector d = detector(statisticalOnly(), 5);
        double[] rates = {100, 95, 90, 85, 80};
        for (int i = 0; i < 5; i++) {
            traffic(d, "e" + (i + 1), 200, rates[i]);
        }
        scheduler.advance(INTERVAL);
        assertThat(d.ejected()).isEmpty();
    }

    @Test
    void successRateNeedsEnoughHostsWithEnoughRequests() {
        OutlierDetector d = detector(statisticalOnly(), 5);
        double[] rates = {100, 100, 99, 98, 60};
        for (int i = 0; i < 5; i++) {
            traffic(d, "e" + (i + 1), i == 0 ? 99 : 100, rates[i]); // e1 below request_volume: 4 hosts qualify
        }
        scheduler.advance(INTERVAL);
        assertThat(d.ejected()).isEmpty();
        // Counts are per interval: the next interval starts from zero.
        for (int i = 1; i < 5; i++) {
            traffic(d, "e" + (i + 1), 50, rates[i]);
        }
        scheduler.advance(INTERVAL);
        assertThat(d.ejected()).isEmpty();
        assertThat(d.snapshot().get("e5").lastIntervalRequests()).isEqualTo(50);
    }

    @Test
    void failurePercentageEjectsHostsAtOrAboveTheThreshold() {
        OutlierDetectionOptions o = OutlierDetectionOptions.builder().consecutive5xx(0)
                .maxEjectionPercent(100).enforcingSuccessRate(0).enforcingFailurePercentage(100).build();
        OutlierDetector d = detector(o, 6);
        double[] rates = {100, 100, 100, 15, 20, 10}; // failure 0, 0, 0, 85, 80, 90 %
        for (int i = 0; i < 6; i++) {
            traffic(d, "e" + (i + 1), 60, rates[i]);
        }
        scheduler.advance(INTERVAL);
        assertThat(d.ejected()).containsExactlyInAnyOrder("e4", "e6");
        assertThat(d.snapshot().get("e6").lastEjectionReason()).contains(EjectionReason.FAILURE_PERCENTAGE);
        assertThat(ejections("failure_percentage")).isEqualTo(2);

        // Only 4 hosts with >= 50 requests: below failure_percentage_minimum_hosts.
        OutlierDetector few = detector(o, 6);
        for (int i = 0; i < 6; i++) {
            traffic(few, "e" + (i + 1), i < 4 ? 60 : 40, i == 0 ? 0 : 100);
        }
        scheduler.advance(INTERVAL);
        assertThat(few.ejected()).isEmpty();
    }

    @Test
    void enforcingPercentIsAProbability() {
        OutlierDetectionOptions o = OutlierDetectionOptions.builder().enforcingConsecutive5xx(0).build();
        OutlierDetector off = detector(o, 10);
        repeat(off, "e1", Outcome.http5xx(500), 50);
        assertThat(off.ejected()).isEmpty();
        OutlierDetectionOptions half = OutlierDetectionOptions.builder().enforcingConsecutive5xx(50)
                .maxEjectionPercent(100).build();
        long seed = Seeds.seed(42L);
        OutlierDetector d = detector(half, 200, seed);
        for (int i = 1; i <= 200; i++) {
            repeat(d, "e" + i, Outcome.http5xx(500), 5);
        }
        assertThat(d.ejected().size()).as(Seeds.describe(seed, "about half of 200 detections enforced"))
                .isBetween(70, 130);
    }

    @Test
    void endpointSetChangesKeepStateAndDropRemovedEjections() {
        OutlierDetector d = detector(OutlierDetectionOptions.defaults(), 10);
        repeat(d, "e1", Outcome.http5xx(500), 5);
        repeat(d, "e2", Outcome.http5xx(500), 3);
        d.setEndpoints(Set.of("e2", "e3", "e11"));
        assertThat(d.ejected()).isEmpty();
        assertThat(published).containsExactly(Set.of("e1"), Set.of());
        assertThat(d.snapshot().keySet()).containsExactly("e11", "e2", "e3");
        assertThat(d.snapshot().get("e2").consecutive5xx()).isEqualTo(3);
        d.record("gone", Outcome.http5xx(500)); // unknown ids are ignored
        scheduler.advance(BASE.multipliedBy(2)); // the cancelled return timer does not fire a stale change
        assertThat(published).hasSize(2);
        d.close();
        assertThat(scheduler.pending()).isZero();
        assertThat(registry.find(OutlierDetector.EJECTED).gauge()).as("gauge unregistered on close").isNull();
    }

    /**
     * Many threads record random outcomes for a shared cluster. Invariants: never more ejected than
     * max(1, 10 %) allows, the last published set equals {@link OutlierDetector#ejected()}, and the gauge agrees.
     */
    @Test
    void concurrentRecordsKeepTheInvariants() throws Exception {
        long seed = Seeds.seed(20261206L);
        OutlierDetector d = detector(OutlierDetectionOptions.defaults(), 30);
        List<Thread> threads = new ArrayList<>();
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        for (int t = 0; t < 6; t++) {
            long threadSeed = seed + t;
            threads.add(new Thread(() -> {
                SplittableRandom r = new SplittableRandom(threadSeed);
                try {
                    for (int i = 0; i < 50_000; i++) {
                        String id = "e" + (1 + r.nextInt(30));
                        int k = r.nextInt(10);
                        d.record(id, k < 6 ? Outcome.SUCCESS : k < 9 ? Outcome.http5xx(503)
                                : Outcome.LOCAL_ORIGIN_FAILURE);
                    }
                } catch (Throwable e) {
                    errors.add(e);
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        assertThat(errors).as(Seeds.describe(seed, "errors in recording threads")).isEmpty();
        assertThat(d.ejected().size()).as(Seeds.describe(seed, "ejected of 30 (max 10 percent, at least 1)"))
                .isBetween(1, 3);
        assertThat(published.get(published.size() - 1)).as(Seeds.describe(seed, "last published set"))
                .isEqualTo(d.ejected());
        assertThat(registry.get(OutlierDetector.EJECTED).gauge().value()).isEqualTo(d.ejected().size());
    }
}
