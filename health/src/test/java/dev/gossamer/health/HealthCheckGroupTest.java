package dev.gossamer.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gossamer.common.FakeScheduler;
import dev.gossamer.common.RandomSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HealthCheckGroupTest {

    private static final HealthTarget A = HealthTarget.parse("10.0.0.1:80");
    private static final HealthTarget B = HealthTarget.parse("10.0.0.2:80");
    private static final HealthTarget C = HealthTarget.parse("10.0.0.3:80");
    private static final Duration INTERVAL = Duration.ofSeconds(5);

    private final FakeScheduler scheduler = new FakeScheduler();
    private final List<String> events = new ArrayList<>();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    /** Answers every probe at once: healthy unless the target is in {@code failing}. */
    private Set<HealthTarget> failing = Set.of();
    private final List<HealthTarget> probed = new ArrayList<>();

    private HealthCheckGroup group() {
        HealthCheckOptions o = HealthCheckOptions.http("/h").interval(INTERVAL).jitterPercent(0)
                .unhealthyThreshold(1).healthyThreshold(1).build();
        Prober prober = (t, timeout) -> {
            probed.add(t);
            return io.vertx.core.Future.succeededFuture(failing.contains(t)
                    ? ProbeResult.failed(ProbeResult.Failure.STATUS, "status 500") : ProbeResult.passed("200"));
        };
        return HealthCheckGroup.builder("orders", o, prober, scheduler).random(RandomSource.seeded(7))
                .meterRegistry(registry).listener((t, f, to, r) -> events.add(t + " " + f + "->" + to)).build();
    }

    @Test
    void followsTargetSetChangesWithoutRestartingTheOthers() {
        HealthCheckGroup g = group();
        g.setTargets(Set.of(A, B));
        scheduler.runDue();
        assertThat(g.healthyTargets()).containsExactlyInAnyOrder(A, B);
        scheduler.advance(INTERVAL.multipliedBy(2));
        long probesOfA = g.snapshot().get(A).probes();
        assertThat(probesOfA).isEqualTo(3);

        g.setTargets(Set.of(A, C));
        assertThat(g.state(C)).isEqualTo(HealthState.UNKNOWN);
        assertThat(g.state(B)).isNull();
        scheduler.runDue();
        assertThat(g.state(C)).isEqualTo(HealthState.HEALTHY);
        // A kept its counters and its schedule: the change did not probe it again.
        assertThat(g.snapshot().get(A).probes()).isEqualTo(probesOfA);
        int bProbes = (int) probed.stream().filter(B::equals).count();
        scheduler.advance(INTERVAL.multipliedBy(3));
        assertThat(probed.stream().filter(B::equals).count()).as("removed target no longer probed")
                .isEqualTo(bProbes);
        assertThat(g.snapshot().get(A).probes()).isEqualTo(probesOfA + 3);
        assertThat(g.targets()).containsExactlyInAnyOrder(A, C);
    }

    @Test
    void reportsChangesAndCountsUnhealthyTargets() {
        HealthCheckGroup g = group();
        g.setTargets(Set.of(A, B));
        scheduler.runDue();
        failing = Set.of(B);
        scheduler.advance(INTERVAL);
        assertThat(g.healthyTargets()).containsExactly(A);
        assertThat(events).contains("10.0.0.2:80 HEALTHY->UNHEALTHY");
        assertThat(registry.get(HealthMeters.UNHEALTHY).tag("cluster", "orders").gauge().value()).isEqualTo(1.0);
        assertThat(registry.get(HealthMeters.PROBE_FAILURES).tag("reason", "status").counter().count())
                .isEqualTo(1.0);
        g.close();
        assertThat(scheduler.pending()).isZero();
        assertThat(registry.find(HealthMeters.UNHEALTHY).gauge()).isNull();
        g.setTargets(Set.of(C));
        assertThat(g.targets()).isEmpty();
    }
}
