package dev.gossamer.membership;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Lifeguard behaviour: nacks, local health, and suspicion timeouts that shrink with confirmations. */
class LifeguardTest {

    private static long seed() {
        return new java.util.SplittableRandom().nextLong();
    }

    @Test
    void helpersNackSoAHealthyProberKeepsFullHealthWhenTheTargetDies() {
        long seed = seed();
        SimCluster c = new SimCluster(seed, MembershipOptions.lan());
        c.startAll(8);
        assertThat(c.runUntil(c::converged, Duration.ofSeconds(30), Duration.ofMillis(100))).isNotNegative();
        c.crash("n7");
        c.runUntil(() -> c.allSee("n7", MemberState.DEAD), Duration.ofSeconds(60), Duration.ofMillis(100));
        for (SwimNode n : c.nodes.values()) {
            assertThat(n.localHealth()).as("nacks arrived, so %s blames the target; seed=%d", n.id(), seed)
                    .isZero();
        }
    }

    @Test
    void anIsolatedNodeLosesHealthStretchesItsTimersAndRefutesAfterwards() {
        long seed = seed();
        SimCluster c = new SimCluster(seed, MembershipOptions.lan());
        c.startAll(10);
        assertThat(c.runUntil(c::converged, Duration.ofSeconds(30), Duration.ofMillis(100))).isNotNegative();
        SwimNode lonely = c.nodes.get("n3");
        c.net.partition(List.of(SimCluster.address("n3")));
        c.run(Duration.ofSeconds(4));
        assertThat(lonely.localHealth()).as("missed acks and nacks; seed=%d", seed).isPositive();
        long probesBefore = lonely.stats().probes();
        c.run(Duration.ofSeconds(10));
        long isolatedProbes = lonely.stats().probes() - probesBefore;
        assertThat(isolatedProbes).as("probe interval stretched (10 s at 1 s would be 10 probes); seed=%d", seed)
                .isLessThan(7);
        c.net.heal();
        assertThat(c.runUntil(c::converged, Duration.ofSeconds(120), Duration.ofMillis(100)))
                .as("rejoins after the partition; %s", c.describe()).isNotNegative();
        assertThat(lonely.stats().refutations()).isPositive();
        // from health 7 the interval is 8 s and each success lowers it by one: 8+7+…+2 = 35 s
        c.run(Duration.ofSeconds(60));
        assertThat(lonely.localHealth()).as("health recovers with successful probes; seed=%d", seed).isZero();
    }

    @Test
    void suspicionTimeoutFollowsTheConfiguredBounds() {
        long seed = seed();
        // n = 10: min = 4 × max(1, log10 10) × 1 s = 4 s, max = 24 s; k = 2 confirmations
        SimCluster c = new SimCluster(seed, MembershipOptions.lan());
        c.startAll(10);
        assertThat(c.runUntil(c::converged, Duration.ofSeconds(30), Duration.ofMillis(100))).isNotNegative();
        c.events.clear();
        c.crash("n4");
        c.runUntil(() -> c.allSee("n4", MemberState.DEAD), Duration.ofSeconds(60), Duration.ofMillis(10));
        long firstSuspect = c.eventsOf(MembershipEvent.Type.SUSPECTED).get(0).nanos();
        long firstDead = c.eventsOf(MembershipEvent.Type.FAILED).get(0).nanos();
        assertThat(firstDead - firstSuspect).as("seed=%d", seed)
                .isBetween(Duration.ofSeconds(4).toNanos(), Duration.ofSeconds(24).toNanos());
    }
}
