package dev.gossamer.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gossamer.common.FakeScheduler;
import dev.gossamer.common.RandomSource;
import dev.gossamer.common.testing.Seeds;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ActiveHealthCheckerTest {

    private static final HealthTarget TARGET = new HealthTarget("10.0.0.1", 8080);
    private static final Duration INTERVAL = Duration.ofSeconds(5);
    private static final Duration TIMEOUT = Duration.ofSeconds(1);

    private final FakeScheduler scheduler = new FakeScheduler();
    private final ScriptedProber prober = new ScriptedProber();
    private final List<String> events = new ArrayList<>();

    private ActiveHealthChecker checker(HealthCheckOptions options) {
        return ActiveHealthChecker.builder(TARGET, options, prober, scheduler)
                .random(RandomSource.seeded(1))
                .listener((t, from, to, reason) -> events.add(from + "->" + to))
                .build();
    }

    private static HealthCheckOptions noJitter() {
        return HealthCheckOptions.http("/h").interval(INTERVAL).timeout(TIMEOUT).jitterPercent(0).build();
    }

    /** Runs the scheduler up to the next pending task (the next probe) and answers it. */
    private void nextProbe(boolean ok) {
        int before = prober.count();
        long due = scheduler.pendingDueTimes().get(0);
        scheduler.advance(Duration.ofNanos(due - scheduler.ticker().nanoTime()));
        assertThat(prober.count()).as("a probe started").isEqualTo(before + 1);
        prober.complete(ok);
    }

    @Test
    void firstProbeRunsAtOnceAndDecidesAlone() {
        ActiveHealthChecker c = checker(noJitter());
        assertThat(c.state()).isEqualTo(HealthState.UNKNOWN);
        assertThat(c.state().routable()).isFalse();
        c.start();
        scheduler.runDue();
        assertThat(prober.count()).isEqualTo(1);
        assertThat(prober.last().timeout()).isEqualTo(TIMEOUT);
        prober.complete(true);
        assertThat(c.state()).isEqualTo(HealthState.HEALTHY);
        assertThat(events).containsExactly("UNKNOWN->HEALTHY");
    }

    @Test
    void firstFailureMarksUnhealthyAtOnce() {
        ActiveHealthChecker c = checker(noJitter());
        c.start();
        nextProbe(false);
        assertThat(c.state()).isEqualTo(HealthState.UNHEALTHY);
        assertThat(events).containsExactly("UNKNOWN->UNHEALTHY");
    }

    @Test
    void thresholdsPreventFlapping() {
        // The class Javadoc's example: ✓ ✗ ✗ ✓ ✗ ✗ ✗ ✓ ✓ with unhealthy 3 / healthy 2.
        ActiveHealthChecker c = checker(noJitter());
        c.start();
        boolean[] results = {true, false, false, true, false, false, false, true, true};
        HealthState[] expected = {HealthState.HEALTHY, HealthState.HEALTHY, HealthState.HEALTHY,
                HealthState.HEALTHY, HealthState.HEALTHY, HealthState.HEALTHY, HealthState.UNHEALTHY,
                HealthState.UNHEALTHY, HealthState.HEALTHY};
        for (int i = 0; i < results.length; i++) {
            nextProbe(results[i]);
            assertThat(c.state()).as("after result %d", i + 1).isEqualTo(expected[i]);
        }
        assertThat(events).containsExactly("UNKNOWN->HEALTHY", "HEALTHY->UNHEALTHY", "UNHEALTHY->HEALTHY");
        ActiveHealthChecker.Snapshot s = c.snapshot();
        assertThat(s.probes()).isEqualTo(9);
        assertThat(s.failuresByReason().get(ProbeResult.Failure.STATUS)).isEqualTo(5);
        assertThat(s.consecutiveSuccesses()).isEqualTo(2);
    }

    @Test
    void nextProbeStartsOneIntervalAfterThePreviousFinished() {
        ActiveHealthChecker c = checker(noJitter());
        c.start();
        scheduler.runDue();
        scheduler.advance(Duration.ofMillis(300)); // the probe takes 300 ms
        prober.complete(true);
        long finished = scheduler.ticker().nanoTime();
        assertThat(scheduler.pendingDueTimes()).containsExactly(finished + INTERVAL.toNanos());
        assertThat(c.snapshot().probes()).isEqualTo(1);
    }

    @Test
    void aProbeWithoutResultTimesOutAndALateResultIsIgnored() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ActiveHealthChecker c = ActiveHealthChecker.builder(TARGET, noJitter(), prober, scheduler)
                .meterRegistry(registry, "orders").listener((t, f, to, r) -> events.add(f + "->" + to + " " + r))
                .build();
        c.start();
        scheduler.runDue();
        ScriptedProber.Call hung = prober.last();
        scheduler.advance(TIMEOUT.minusMillis(1));
        assertThat(c.state()).isEqualTo(HealthState.UNKNOWN);
        scheduler.advance(Duration.ofMillis(1));
        assertThat(c.state()).isEqualTo(HealthState.UNHEALTHY);
        assertThat(events).singleElement().asString().contains("timeout");
        hung.promise().complete(ProbeResult.passed("status 200")); // too late
        assertThat(c.state()).isEqualTo(HealthState.UNHEALTHY);
        assertThat(c.snapshot().failuresByReason().get(ProbeResult.Failure.TIMEOUT)).isEqualTo(1);
        assertThat(registry.get(HealthMeters.PROBES).tag("cluster", "orders").counter().count()).isEqualTo(1);
        assertThat(registry.get(HealthMeters.PROBE_FAILURES).tag("reason", "timeout").counter().count())
                .isEqualTo(1);
        assertThat(registry.get(HealthMeters.PROBE_FAILURES).tag("reason", "status").counter().count())
                .isZero();
        // The schedule goes on after a timeout.
        assertThat(scheduler.pendingDueTimes()).containsExactly(scheduler.ticker().nanoTime() + INTERVAL.toNanos());
    }

    @Test
    void aFailedFutureCountsAsConnectFailure() {
        ActiveHealthChecker c = checker(noJitter());
        c.start();
        scheduler.runDue();
        prober.last().promise().fail(new IllegalStateException("boom"));
        assertThat(c.state()).isEqualTo(HealthState.UNHEALTHY);
        assertThat(c.snapshot().lastResult().failure()).isEqualTo(ProbeResult.Failure.CONNECT);
    }

    @Test
    void stopCancelsTimersAndIgnoresTheProbeInFlight() {
        ActiveHealthChecker c = checker(noJitter());
        c.start();
        nextProbe(true);
        scheduler.advance(INTERVAL);
        assertThat(prober.count()).isEqualTo(2);
        c.stop();
        assertThat(scheduler.pending()).isZero();
        prober.complete(false);
        scheduler.advance(INTERVAL.multipliedBy(10));
        assertThat(prober.count()).isEqualTo(2);
        assertThat(c.state()).isEqualTo(HealthState.HEALTHY);
        c.start(); // a stopped checker stays stopped
        assertThat(scheduler.pending()).isZero();
    }

    /**
     * Property: for random thresholds, jitter and result sequences (passes, failures, timeouts), the state
     * follows the reference rules, every transition is reported once, and each wait between probes lies in
     * [interval, interval × (1 + jitter%)].
     */
    @Test
    void followsTheThresholdRulesForRandomSequences() {
        long masterSeed = Seeds.seed(20261206L);
        SplittableRandom master = new SplittableRandom(masterSeed);
        for (int run = 0; run < 300; run++) {
            long seed = master.nextLong();
            checkOneSequence(masterSeed, run, seed);
        }
    }

    private void checkOneSequence(long masterSeed, int run, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int unhealthy = 1 + r.nextInt(4);
        int healthy = 1 + r.nextInt(4);
        int jitter = r.nextInt(3) * 10;
        HealthCheckOptions o = HealthCheckOptions.http("/h").interval(INTERVAL).timeout(TIMEOUT)
                .jitterPercent(jitter).unhealthyThreshold(unhealthy).healthyThreshold(healthy).build();
        FakeScheduler s = new FakeScheduler();
        ScriptedProber p = new ScriptedProber();
        List<String> got = new ArrayList<>();
        ActiveHealthChecker c = ActiveHealthChecker.builder(TARGET, o, p, s).random(RandomSource.seeded(seed))
                .listener((t, from, to, reason) -> got.add(from + "->" + to)).build();
        c.start();
        s.runDue();
        List<String> want = new ArrayList<>();
        HealthState model = HealthState.UNKNOWN;
        int ok = 0;
        int bad = 0;
        String desc = Seeds.describe(masterSeed, "run " + run + " (its seed " + seed + ") unhealthy=" + unhealthy
                + " healthy=" + healthy + " jitter=" + jitter);
        for (int i = 0; i < 40; i++) {
            int kind = r.nextInt(3); // 0 pass, 1 fail, 2 timeout
            assertThat(p.count()).as(desc).isEqualTo(i + 1);
            if (kind == 2) {
                s.advance(TIMEOUT);
            } else {
                s.advance(Duration.ofMillis(r.nextInt(900)));
                p.last().promise().complete(kind == 0 ? ProbeResult.passed("ok")
                        : ProbeResult.failed(ProbeResult.Failure.CONNECT, "refused"));
            }
            HealthState before = model;
            if (kind == 0) {
                ok++;
                bad = 0;
                if (model == HealthState.UNKNOWN || (model == HealthState.UNHEALTHY && ok >= healthy)) {
                    model = HealthState.HEALTHY;
                }
            } else {
                bad++;
                ok = 0;
                if (model == HealthState.UNKNOWN || (model == HealthState.HEALTHY && bad >= unhealthy)) {
                    model = HealthState.UNHEALTHY;
                }
            }
            if (before != model) {
                want.add(before + "->" + model);
            }
            assertThat(c.state()).as(desc + " step " + i).isEqualTo(model);
            long wait = s.pendingDueTimes().get(0) - s.ticker().nanoTime();
            assertThat(wait).as(desc + " wait at step " + i)
                    .isBetween(INTERVAL.toNanos(), INTERVAL.toNanos() + INTERVAL.toNanos() / 100 * jitter);
            s.advance(Duration.ofNanos(wait));
        }
        assertThat(got).as(desc).isEqualTo(want);
    }
}
