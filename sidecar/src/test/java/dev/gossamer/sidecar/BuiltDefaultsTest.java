package dev.gossamer.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gossamer.common.RandomSource;
import dev.gossamer.config.ConfigLoader;
import dev.gossamer.config.ConfigResult;
import dev.gossamer.config.MeshConfig;
import dev.gossamer.config.SidecarConfig;
import dev.gossamer.health.HealthCheckOptions;
import dev.gossamer.health.OutlierDetectionOptions;
import dev.gossamer.health.StatusRange;
import dev.gossamer.membership.MembershipOptions;
import dev.gossamer.proxy.ClusterSpec;
import dev.gossamer.proxy.RetryOn;
import dev.gossamer.proxy.RouteSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The defaults a user gets for every key left out, with the literal values docs/configuration.md promises: what
 * phase one builds from the modules' own options (the config records keep only what was written).
 */
class BuiltDefaultsTest {

    private static final ConfigLoader LOADER = new ConfigLoader(Map.<String, String>of()::get);

    private static Plans.MeshPlan mesh(String yaml) {
        ConfigResult<MeshConfig> m = LOADER.loadMesh("mesh.yaml", yaml);
        return Plans.mesh(m.value(), m.sourceMap(), Set.of("outbound"), RandomSource.seeded(1)).value();
    }

    private static Plans.NodePlan node(String yaml) {
        ConfigResult<SidecarConfig> s = LOADER.loadSidecar("sidecar.yaml", yaml);
        return Plans.node(s.value(), s.sourceMap()).value();
    }

    @Test
    void aMinimalRouteAndClusterTakeEnvoysDefaults() {
        Plans.MeshPlan p = mesh("routes: [{name: r, cluster: c}]\nclusters: [{name: c, endpoints: [127.0.0.1:80]}]\n");
        RouteSpec r = p.table().routes().get(0);
        assertThat(r.listener()).isEqualTo("outbound");
        assertThat(r.timeout()).isEqualTo(Duration.ofSeconds(15));
        assertThat(r.idleTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(r.retries().attempts()).as("tries: one retry").isEqualTo(2);
        assertThat(r.retries().retryOn()).containsExactlyInAnyOrder(RetryOn.CONNECT_FAILURE, RetryOn.RESET);
        assertThat(r.retries().perTryTimeout()).isZero();
        assertThat(r.retries().budgetPercent()).isEqualTo(20);
        assertThat(r.retries().minRetryConcurrency()).isEqualTo(3);
        assertThat(r.retries().retryNonIdempotent()).isFalse();
        ClusterSpec c = p.table().clusters().get("c");
        assertThat(c.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.maxConnectionsPerEndpoint()).isEqualTo(1024);
        assertThat(c.panicThresholdPercent()).isEqualTo(50);
        assertThat(c.slowStart()).isNull();
        assertThat(c.breakers()).as("Envoy's circuit breakers, but max_retries above the budget")
                .isEqualTo(new dev.gossamer.proxy.CircuitBreakers(1024, 1024, 1024, 1024));
        assertThat(c.policy().name()).isEqualTo("round_robin");
        assertThat(p.clusters().get("c").any()).as("no health checks, no outlier detection").isFalse();
    }

    @Test
    void emptyHealthAndOutlierSectionsTakeTheModulesDefaults() {
        Plans.MeshPlan p = mesh("clusters: [{name: c, endpoints: [127.0.0.1:80], health_check: {http: /h},"
                + " outlier_detection: {}}]\n");
        HealthCheckOptions h = p.clusters().get("c").checks().orElseThrow();
        assertThat(h.interval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(h.timeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(h.jitterPercent()).isEqualTo(10);
        assertThat(h.unhealthyThreshold()).isEqualTo(3);
        assertThat(h.healthyThreshold()).isEqualTo(2);
        assertThat(h.expectedStatuses()).containsExactly(new StatusRange(200, 200));
        OutlierDetectionOptions o = p.clusters().get("c").outlier().orElseThrow();
        assertThat(List.of(o.consecutive5xx(), o.consecutiveGatewayFailure(), o.consecutiveLocalOriginFailure()))
                .containsExactly(5, 5, 5);
        assertThat(o.interval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(o.baseEjectionTime()).isEqualTo(Duration.ofSeconds(30));
        assertThat(o.maxEjectionTime()).isEqualTo(Duration.ofSeconds(300));
        assertThat(o.maxEjectionPercent()).isEqualTo(10);
        assertThat(o.successRateStdevFactor()).isEqualTo(1900);
        assertThat(o.enforcingFailurePercentage()).isZero();
        // Wiring choices, with their reasons in Plans: gateway failures eject, local-origin errors counted apart.
        assertThat(o.enforcingConsecutiveGatewayFailure()).isEqualTo(100);
        assertThat(o.splitExternalLocalOriginErrors()).isTrue();
    }

    @Test
    void membershipDefaultsAreMemberlistsLanProfile() {
        MembershipOptions m = node("node: {id: n}\nmembership: {}\n").membership().orElseThrow();
        assertThat(m.clusterName()).isEqualTo("default");
        assertThat(m.probeInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(m.probeTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(m.indirectChecks()).isEqualTo(3);
        assertThat(m.suspicionMult()).isEqualTo(4);
        assertThat(m.suspicionMaxTimeoutMult()).isEqualTo(6);
        assertThat(m.gossipInterval()).isEqualTo(Duration.ofMillis(200));
        assertThat(m.gossipNodes()).isEqualTo(3);
        assertThat(m.retransmitMult()).isEqualTo(4);
        assertThat(m.pushPullInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(m.awarenessMaxMultiplier()).isEqualTo(8);
        assertThat(m.deadNodeReclaimTime()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void circuitBreakersAndListenerLimitsAreWhatWasWrittenOverTheProxysDefaults() {
        Plans.MeshPlan p = mesh("clusters: [{name: c, endpoints: [127.0.0.1:80], circuit_breakers: "
                + "{max_requests: 7, max_retries: 0}}]\n");
        assertThat(p.table().clusters().get("c").breakers())
                .isEqualTo(new dev.gossamer.proxy.CircuitBreakers(1024, 1024, 7, 0));
        ConfigResult<SidecarConfig> s = LOADER.loadSidecar("sidecar.yaml", "node: {id: n}\nlisteners: "
                + "[{name: a, address: 127.0.0.1:0}, {name: b, address: 127.0.0.1:0, request_headers_timeout: 0, "
                + "max_connections: 5}]\n");
        assertThat(Plans.listeners(s.value().listeners())).containsExactly(
                new dev.gossamer.proxy.ListenerSpec("a", "127.0.0.1", 0, Duration.ofSeconds(10), 10_000),
                new dev.gossamer.proxy.ListenerSpec("b", "127.0.0.1", 0, Duration.ZERO, 5));
    }
}
