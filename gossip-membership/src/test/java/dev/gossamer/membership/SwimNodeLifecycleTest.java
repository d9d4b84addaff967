package dev.gossamer.membership;

import dev.gossamer.common.ErrorReports;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gossamer.common.FakeScheduler;
import dev.gossamer.common.RandomSource;
import dev.gossamer.common.Scheduler;
import dev.gossamer.common.Ticker;
import dev.gossamer.common.testing.Seeds;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Timers of one {@link SwimNode} end with it, push-pull 0 disables the periodic sync, and a throwing listener is
 * logged at a bounded rate without disturbing the protocol. Seeded simulations on a fake clock.
 */
class SwimNodeLifecycleTest {

    private static final long FIXED_DEFAULT = 0x5eed_0001L;

    /**
     * The node's view of the shared scheduler: counts its tasks that are scheduled and have neither run nor been
     * cancelled, so a test sees exactly this node's pending work among the network's and the other nodes'.
     */
    static final class TrackingScheduler implements Scheduler {
        private final Scheduler inner;
        private final Map<Object, Runnable> pending = new LinkedHashMap<>();

        TrackingScheduler(Scheduler inner) {
            this.inner = inner;
        }

        @Override
        public Cancellable schedule(Duration delay, Runnable task) {
            Object key = new Object();
            pending.put(key, task);
            Cancellable c = inner.schedule(delay, () -> {
                pending.remove(key);
                task.run();
            });
            return () -> {
                pending.remove(key);
                return c.cancel();
            };
        }

        @Override
        public Ticker ticker() {
            return inner.ticker();
        }

        int pending() {
            return pending.size();
        }
    }

    private record Cluster(long seed, FakeScheduler clock, SimulatedNetwork net, List<SwimNode> nodes,
                           List<TrackingScheduler> timers) {
    }

    private static Cluster cluster(long seed, MembershipOptions opts, int size) {
        FakeScheduler clock = new FakeScheduler();
        SimulatedNetwork net = new SimulatedNetwork(clock, RandomSource.seeded(seed));
        List<SwimNode> nodes = new ArrayList<>();
        List<TrackingScheduler> timers = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            SimulatedNetwork.Endpoint ep = net.endpoint("n" + i + ":1");
            TrackingScheduler t = new TrackingScheduler(ep);
            SwimNode n = new SwimNode(opts, new LocalMember("n" + i, "n" + i + ":1", Metadata.EMPTY), ep, t,
                    RandomSource.seeded(seed + i));
            n.start(i == 0 ? List.of() : List.of("n0:1"), ok -> { });
            nodes.add(n);
            timers.add(t);
        }
        return new Cluster(seed, clock, net, nodes, timers);
    }

    @Test
    void shutdownCancelsEveryTimerOfTheNodeEvenMidProbeAndMidSuspicion() {
        long seed = Seeds.seed(FIXED_DEFAULT);
        Cluster c = cluster(seed, MembershipOptions.lan(), 6);
        c.clock().advance(Duration.ofSeconds(20));
        c.net().crash("n5:1"); // probes of n5 time out, ping-reqs wait, suspicions run
        SwimNode n1 = c.nodes().get(1);
        // stop n1 while it has a suspicion of n5 running and a probe or ping-req deadline pending: 4 periodic
        // loops (probe, gossip, push-pull, reconnect) + 1 suspicion + at least 1 deadline
        for (int i = 0; i < 2_000 && (n1.count(MemberState.SUSPECT) == 0 || c.timers().get(1).pending() < 6); i++) {
            c.clock().advance(Duration.ofMillis(10));
        }
        assertThat(n1.count(MemberState.SUSPECT)).as(Seeds.describe(seed, "n1 suspects n5")).isEqualTo(1);
        assertThat(c.timers().get(1).pending())
                .as(Seeds.describe(seed, "periodic loops, a suspicion and a probe deadline")).isGreaterThanOrEqualTo(6);
        n1.shutdown();
        assertThat(c.timers().get(1).pending()).as(Seeds.describe(seed, "nothing of n1 left pending")).isZero();
        long sent = n1.stats().packetsSent();
        c.clock().advance(Duration.ofMinutes(5));
        assertThat(n1.stats().packetsSent()).as(Seeds.describe(seed, "n1 silent after shutdown")).isEqualTo(sent);
        assertThat(c.timers().get(1).pending()).isZero();
    }

    @Test
    void leaveRunsItsCallbackAndLeavesNoTimerBehind() {
        long seed = Seeds.seed(FIXED_DEFAULT);
        Cluster c = cluster(seed, MembershipOptions.lan(), 4);
        c.clock().advance(Duration.ofSeconds(20));
        boolean[] left = new boolean[1];
        c.nodes().get(2).leave(Duration.ofSeconds(1), () -> left[0] = true);
        c.clock().advance(Duration.ofMillis(999));
        assertThat(left[0]).as(Seeds.describe(seed, "still gossiping its leave")).isFalse();
        c.clock().advance(Duration.ofMillis(2));
        assertThat(left[0]).as(Seeds.describe(seed, "left after the timeout")).isTrue();
        assertThat(c.nodes().get(2).running()).isFalse();
        assertThat(c.timers().get(2).pending()).as(Seeds.describe(seed, "no timer of the leaver")).isZero();
        assertThat(c.nodes().get(0).member("n2").state()).as(Seeds.describe(seed, "others saw it leave"))
                .isEqualTo(MemberState.LEFT);
    }

    @Test
    void shutdownDuringLeaveStillRunsTheLeaveCallback() {
        long seed = Seeds.seed(FIXED_DEFAULT);
        Cluster c = cluster(seed, MembershipOptions.lan(), 3);
        c.clock().advance(Duration.ofSeconds(10));
        boolean[] left = new boolean[1];
        c.nodes().get(1).leave(Duration.ofSeconds(5), () -> left[0] = true);
        c.nodes().get(1).shutdown();
        assertThat(left[0]).isTrue();
        assertThat(c.timers().get(1).pending()).isZero();
    }

    @Test
    void pushPullIntervalZeroSchedulesNoPeriodicSyncButJoinsStillDoOne() {
        long seed = Seeds.seed(FIXED_DEFAULT);
        MembershipOptions off = MembershipOptions.lan().toBuilder().pushPullInterval(Duration.ZERO).build();
        Cluster c = cluster(seed, off, 5);
        c.clock().advance(Duration.ofMinutes(10));
        for (SwimNode n : c.nodes()) {
            assertThat(n.joined()).as(Seeds.describe(seed, n.id() + " joined")).isTrue();
            assertThat(n.count(MemberState.ALIVE)).as(Seeds.describe(seed, n.id() + " sees everyone")).isEqualTo(5);
        }
        assertThat(c.nodes().get(0).stats().pushPulls()).as(Seeds.describe(seed, "the seed never syncs")).isZero();
        for (SwimNode n : c.nodes().subList(1, 5)) {
            assertThat(n.stats().pushPulls()).as(Seeds.describe(seed, n.id() + ": its join only")).isEqualTo(1);
        }
        // the control: the same cluster with a 15 s interval syncs periodically
        MembershipOptions on = MembershipOptions.lan().toBuilder().pushPullInterval(Duration.ofSeconds(15)).build();
        Cluster d = cluster(seed, on, 5);
        d.clock().advance(Duration.ofMinutes(10));
        assertThat(d.nodes().get(0).stats().pushPulls()).as(Seeds.describe(seed, "control syncs")).isGreaterThan(10);
    }

    @Test
    void aThrowingListenerIsLoggedOncePerMinuteAndTheProtocolGoesOn() {
        long seed = Seeds.seed(FIXED_DEFAULT);
        FakeScheduler clock = new FakeScheduler();
        SimulatedNetwork net = new SimulatedNetwork(clock, RandomSource.seeded(seed));
        SimulatedNetwork.Endpoint ep = net.endpoint("n0:1");
        SwimNode n0 = new SwimNode(MembershipOptions.lan(), new LocalMember("n0", "n0:1", Metadata.EMPTY), ep, ep,
                RandomSource.seeded(seed));
        List<MembershipEvent> seen = new ArrayList<>();
        n0.addListener(e -> {
            throw new IllegalStateException("listener bug");
        });
        n0.addListener(seen::add);
        n0.start(List.of(), ok -> { });
        List<SwimNode> others = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            SimulatedNetwork.Endpoint e = net.endpoint("n" + i + ":1");
            SwimNode n = new SwimNode(MembershipOptions.lan(), new LocalMember("n" + i, "n" + i + ":1",
                    Metadata.EMPTY), e, e, RandomSource.seeded(seed + i));
            n.start(List.of("n0:1"), ok -> { });
            others.add(n);
        }
        clock.advance(Duration.ofSeconds(10));
        assertThat(seen).as(Seeds.describe(seed, "the next listener still hears every join, its own included"))
                .filteredOn(e -> e.type() == MembershipEvent.Type.JOINED).hasSize(6);
        assertThat(n0.count(MemberState.ALIVE)).as(Seeds.describe(seed, "the protocol went on")).isEqualTo(6);
        assertThat(n0.stats().dropped(DropReason.INTERNAL_ERROR)).isZero();
    }

    @Test
    void listenerErrorsAreRateLimitedPerSourceOnTheInjectedTicker() {
        FakeScheduler clock = new FakeScheduler();
        List<String> lines = new ArrayList<>();
        ErrorReports errors = new ErrorReports(clock.ticker(), "the protocol goes on", (line, e) -> lines.add(line));
        Object a = "listener-a";
        Object b = "listener-b";
        RuntimeException boom = new IllegalStateException("boom");
        for (int i = 0; i < 100; i++) {
            errors.report(a, "listener a", boom);
            clock.advance(Duration.ofMillis(100)); // 10 s in all
        }
        errors.report(b, "listener b", boom);
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).startsWith("listener a threw java.lang.IllegalStateException: boom");
        assertThat(lines.get(1)).startsWith("listener b threw");
        clock.advance(ErrorReports.INTERVAL);
        errors.report(a, "listener a", boom);
        assertThat(lines).hasSize(3);
        assertThat(lines.get(2)).contains("(99 more since the last report, not logged)");
        errors.report(a, "listener a", boom);
        assertThat(lines).hasSize(3);
    }
}
