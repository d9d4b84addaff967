package dev.gossamer.membership;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gossamer.common.testing.Seeds;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Lifeguard behaviour: nacks, local health, and suspicion timeouts that shrink with confirmations. */
class LifeguardTest {

    private static final long FIXED_DEFAULT = 7_919L;

    private static long seed() {
        return Seeds.seed(FIXED_DEFAULT);
    }

    @Test
    void helpersNackSoAHealthyProberKeepsFullHealthWhenTheTargetDies() {
        long seed = seed();
        SimCluster c = new SimCluster(seed, MembershipOptions.lan());
        c.startAll(8);
        assertThat(c.runUntil(c::converged, Duration.ofSeconds(30), Duration.ofMillis(100))).as(c.describe())
                .isNotNegative();
        c.crash("n7");
        c.runUntil(() -> c.allSee("n7", MemberState.DEAD), Duration.ofSeconds(60), Duration.ofMillis(100));
        for (SwimNode n : c.nodes.values()) {
            assertThat(n.localHealth())
                    .as(Seeds.describe(seed, "nacks arrived, so %s blames the target".formatted(n.id())))
                    .isZero();
        }
    }

    @Test
    void anIsolatedNodeLosesHealthStretchesItsTimersAndRefutesAfterwards() {
        long seed = seed();
        SimCluster c = new SimCluster(seed, MembershipOptions.lan());
        c.startAll(10);
        assertThat(c.runUntil(c::converged, Duration.ofSeconds(30), Duration.ofMillis(100))).as(c.describe())
                .isNotNegative();
        SwimNode lonely = c.nodes.get("n3");
        c.net.partition(List.of(SimCluster.address("n3")));
        c.run(Duration.ofSeconds(4));
        assertThat(lonely.localHealth()).as(Seeds.describe(seed, "missed acks and nacks")).isPositive();
        long probesBefore = lonely.stats().probes();
        c.run(Duration.ofSeconds(10));
        long isolatedProbes = lonely.stats().probes() - probesBefore;
        assertThat(isolatedProbes)
                .as(Seeds.describe(seed, "probe interval stretched (10 s at 1 s would be 10 probes)"))
                .isLessThan(7);
        c.net.heal();
        assertThat(c.runUntil(c::converged, Duration.ofSeconds(120), Duration.ofMillis(100)))
                .as("rejoins after the partition; %s", c.describe()).isNotNegative();
        assertThat(lonely.stats().refutations()).as(c.describe()).isPositive();
        // from health 7 the interval is 8 s and each success lowers it by one: 8+7+…+2 = 35 s
        c.run(Duration.ofSeconds(60));
        assertThat(lonely.localHealth()).as(Seeds.describe(seed, "health recovers with successful probes"))
                .isZero();
    }

    @Test
    void suspicionTimeoutFollowsTheConfiguredBounds() {
        long seed = seed();
        // n = 10: min = 4 × max(1, log10 10) × 1 s = 4 s, max = 24 s; k = 2 confirmations
        SimCluster c = new SimCluster(seed, MembershipOptions.lan());
        c.startAll(10);
        assertThat(c.runUntil(c::converged, Duration.ofSeconds(30), Duration.ofMillis(100))).as(c.describe())
                .isNotNegative();
        c.events.clear();
        c.crash("n4");
        c.runUntil(() -> c.allSee("n4", MemberState.DEAD), Duration.ofSeconds(60), Duration.ofMillis(10));
        long firstSuspect = c.eventsOf(MembershipEvent.Type.SUSPECTED).get(0).nanos();
        long firstDead = c.eventsOf(MembershipEvent.Type.FAILED).get(0).nanos();
        assertThat(firstDead - firstSuspect).as(Seeds.describe(seed, "suspect to dead within [min, max]"))
                .isBetween(Duration.ofSeconds(4).toNanos(), Duration.ofSeconds(24).toNanos());
    }
}
