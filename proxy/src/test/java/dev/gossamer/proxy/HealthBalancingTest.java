package dev.gossamer.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gossamer.balancer.BalancingPolicy;
import dev.gossamer.balancer.Endpoint;
import dev.gossamer.balancer.PickContext;
import dev.gossamer.balancer.SlowStart;
import dev.gossamer.common.FakeScheduler;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Panic threshold and slow start, as the data plane applies them when it builds pickers; on a fake clock. */
class HealthBalancingTest extends ProxyTestBase {

    private static final Endpoint A = Endpoint.of("127.0.0.1", 10001);
    private static final Endpoint B = Endpoint.of("127.0.0.1", 10002);
    private static final Endpoint C = Endpoint.of("127.0.0.1", 10003);
    private static final Endpoint D = Endpoint.of("127.0.0.1", 10004);

    private static ClusterSpec rr(List<Endpoint> eps, int panic, SlowStart slowStart) {
        return ClusterSpec.of("c", eps, BalancingPolicy.roundRobin()).withHealthBalancing(panic, slowStart);
    }

    private static Map<String, Integer> spread(ClusterState cs, int picks) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < picks; i++) {
            counts.merge(cs.picker().pick(PickContext.empty()).endpoint().id(), 1, Integer::sum);
        }
        return counts;
    }

    @Test
    void panicModeSpreadsOverAllEndpointsWhenTooFewAreHealthyAndCountsIt() {
        DataPlane p = plane(options(), new FakeScheduler());
        p.apply(List.of(route("r", RouteMatch.ANY, "c")), List.of(rr(List.of(A, B, C, D), 50, null)));
        ClusterState cs = p.cluster("c");

        p.setEndpointFilter("c", e -> e != D);      // 3 of 4 healthy: 75% >= 50%, no panic
        assertThat(cs.picker().endpoints()).containsExactly(A, B, C);
        assertThat(cs.panic()).isFalse();

        p.setEndpointFilter("c", e -> e == A);      // 1 of 4 healthy: 25% < 50%, panic
        assertThat(cs.picker().endpoints()).containsExactly(A, B, C, D);
        assertThat(cs.panic()).isTrue();
        assertThat(spread(cs, 400)).containsOnlyKeys(A.id(), B.id(), C.id(), D.id());
        assertThat(registry.counter("gossamer.panic.entered", "cluster", "c").count()).isEqualTo(1.0);
        assertThat(p.clusters().get(0).panic()).isTrue();

        p.setEndpointFilter("c", e -> e != A);      // back to 3 of 4
        assertThat(cs.panic()).isFalse();
        assertThat(cs.picker().endpoints()).containsExactly(B, C, D);
    }

    @Test
    void panicThresholdZeroNeverPanics() {
        DataPlane p = plane(options(), new FakeScheduler());
        p.apply(List.of(route("r", RouteMatch.ANY, "c")), List.of(rr(List.of(A, B, C, D), 0, null)));
        p.setEndpointFilter("c", e -> e == A);
        assertThat(p.cluster("c").picker().endpoints()).containsExactly(A);
        assertThat(p.cluster("c").panic()).isFalse();
    }

    @Test
    void recoveredEndpointRampsUpOverTheSlowStartWindow() {
        FakeScheduler clock = new FakeScheduler();
        DataPlane p = plane(options(), clock);
        SlowStart ramp = new SlowStart(Duration.ofSeconds(10), 10);
        p.apply(List.of(route("r", RouteMatch.ANY, "c")), List.of(rr(List.of(A, B, C), 0, ramp)));
        ClusterState cs = p.cluster("c");
        // The initial endpoints do not ramp.
        assertThat(spread(cs, 300)).containsEntry(A.id(), 100).containsEntry(B.id(), 100).containsEntry(C.id(), 100);

        p.setEndpointFilter("c", e -> e != C);       // C ejected
        assertThat(spread(cs, 300)).doesNotContainKey(C.id());
        p.setEndpointFilter("c", e -> true);         // C back: starts at 10% of its weight
        assertThat(weights(cs)).containsEntry(C.id(), 10).containsEntry(A.id(), 100);
        Map<String, Integer> early = spread(cs, 210);
        assertThat(early.get(C.id())).isEqualTo(10);  // one smooth-RR cycle of 100 + 100 + 10

        clock.advance(Duration.ofSeconds(5));          // half the window: 50%
        assertThat(weights(cs)).containsEntry(C.id(), 50);
        clock.advance(Duration.ofSeconds(5));          // window over: full weight, timer stops
        assertThat(weights(cs).get(C.id())).isEqualTo(weights(cs).get(A.id()));
        assertThat(clock.pending()).isZero();
    }

    @Test
    void slowStartAppliesToEndpointsAddedLater() {
        FakeScheduler clock = new FakeScheduler();
        DataPlane p = plane(options(), clock);
        p.apply(List.of(route("r", RouteMatch.ANY, "c")),
                List.of(rr(null, 50, new SlowStart(Duration.ofSeconds(30), 10))));
        p.setEndpoints("c", List.of(A, B));
        p.setEndpoints("c", List.of(A, B, D));
        assertThat(weights(p.cluster("c"))).containsEntry(D.id(), 10).containsEntry(A.id(), 100);
        clock.advance(Duration.ofSeconds(30));
        assertThat(Set.copyOf(weights(p.cluster("c")).values())).hasSize(1);
    }

    private static Map<String, Integer> weights(ClusterState cs) {
        Map<String, Integer> w = new HashMap<>();
        cs.picker().endpoints().forEach(e -> w.put(e.id(), e.weight()));
        return w;
    }
}
