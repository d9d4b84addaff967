package dev.gossamer.config;

import static dev.gossamer.config.Yaml.mesh;
import static dev.gossamer.config.Yaml.sidecar;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Set;

import org.junit.jupiter.api.Test;

/**
 * The defaults the loader fills in (sections only the sidecar knows), and that every tuning value a module owns
 * stays unset when not written (the module's defaults are checked in the sidecar's {@code BuiltDefaultsTest}).
 */
class DefaultsTest {

    @Test
    void minimalSidecar() {
        SidecarConfig c = sidecar("node: {id: n1}\n");
        assertThat(c).isEqualTo(new SidecarConfig(new NodeConfig("n1", ""),
                new AdminConfig(new HostPort("127.0.0.1", 9901)),
                List.of(new ListenerConfig("outbound", new HostPort("127.0.0.1", 15001))),
                List.of(), Optional.empty(), Optional.empty(), DrainConfig.DEFAULT, MetricsConfig.DEFAULT));
    }

    @Test
    void emptySectionsTakeTheirDefaults() {
        SidecarConfig c = sidecar("node: {id: n1}\nadmin: {}\ndrain: {}\nmetrics: {}\nlisteners: []\n");
        assertThat(c.admin()).isEqualTo(AdminConfig.DEFAULT);
        assertThat(c.drain()).isEqualTo(DrainConfig.DEFAULT);
        assertThat(c.metrics()).isEqualTo(MetricsConfig.DEFAULT);
        assertThat(c.listeners()).isEmpty();
    }

    @Test
    void serviceDefaultsAndAHealthCheckAsWritten() {
        SidecarConfig c = sidecar("node: {id: n1}\nservices: [{name: s, port: 80, health_check: {http: /h}},"
                + " {name: t, port: 81, health_check: {tcp: true}}]\n");
        ServiceConfig s = c.services().get(0);
        assertThat(s.weight()).isEqualTo(1);
        assertThat(s.tags()).isEmpty();
        // Unset tuning stays unset: the health module's HealthCheckOptions owns those defaults.
        assertThat(s.healthCheck()).contains(HealthCheckConfig.http("/h"));
        assertThat(c.services().get(1).healthCheck()).contains(HealthCheckConfig.tcp());
    }

    @Test
    void membershipKeepsOnlyWhatWasWritten() {
        MembershipConfig m = sidecar("node: {id: n1}\nmembership: {}\n").membership().orElseThrow();
        assertThat(m).isEqualTo(new MembershipConfig(new HostPort("0.0.0.0", 7946), Optional.empty(), List.of(),
                Optional.empty(), Optional.empty(), List.of(), Optional.empty(), Optional.empty(),
                OptionalInt.empty(), OptionalInt.empty(), OptionalInt.empty(), Optional.empty(), OptionalInt.empty(),
                OptionalInt.empty(), Optional.empty(), OptionalInt.empty(), Optional.empty()));
        MembershipConfig wan = sidecar("node: {id: n1}\nmembership: {profile: wan, gossip_nodes: 7}\n")
                .membership().orElseThrow();
        assertThat(wan.profile()).contains(MembershipProfile.WAN);
        assertThat(wan.gossipNodes()).hasValue(7);
        assertThat(wan.probeInterval()).isEmpty();
    }

    @Test
    void minimalMesh() {
        MeshConfig m = mesh("routes: [{name: r, cluster: c}]\nclusters: [{name: c}]\n");
        assertThat(m.routes()).containsExactly(new RouteConfig("r", Optional.empty(), RouteMatchConfig.ANY, "c",
                Optional.empty(), RetryConfig.UNSET, Optional.empty()));
        assertThat(m.clusters()).containsExactly(new ClusterConfig("c", Optional.empty(), ClusterConfig.Protocol.HTTP1,
                new BalancerConfig.RoundRobin(), Optional.empty(), OptionalInt.empty(), Optional.empty(),
                Optional.empty(), OptionalDouble.empty(), Optional.empty(), Optional.empty()));
        assertThat(RouteMatchConfig.ANY.path()).isEqualTo("/");
        assertThat(RouteMatchConfig.ANY.pathKind()).isEqualTo(RouteMatchConfig.PathKind.PREFIX);
    }

    @Test
    void emptySectionsKeepEveryTuningValueUnset() {
        MeshConfig m = mesh("routes: [{name: r, cluster: c, retries: {}, match: {}}]\n"
                + "clusters: [{name: c, outlier_detection: {}, slow_start: {window: 10s}}]\n");
        assertThat(m.routes().get(0).retries()).isEqualTo(RetryConfig.UNSET);
        assertThat(m.routes().get(0).match()).isEqualTo(RouteMatchConfig.ANY);
        ClusterConfig c = m.clusters().get(0);
        assertThat(c.outlierDetection()).contains(OutlierDetectionConfig.UNSET);
        assertThat(c.slowStart()).contains(new SlowStartConfig(Duration.ofSeconds(10), OptionalDouble.empty()));
    }

    @Test
    void balancerPolicyDefaultsAndUnsetTuning() {
        MeshConfig m = mesh("""
                clusters:
                  - {name: a, balancer: {}}
                  - {name: b, balancer: {policy: least_request}}
                  - {name: c, balancer: {policy: consistent_hash, hash_on: {source_ip: true}}}
                  - {name: d, balancer: {policy: random}}
                """);
        assertThat(m.clusters()).extracting(ClusterConfig::balancer).containsExactly(
                new BalancerConfig.RoundRobin(),
                new BalancerConfig.LeastRequest(OptionalInt.empty()),
                new BalancerConfig.ConsistentHash(BalancerConfig.ConsistentHash.Algorithm.MAGLEV, OptionalInt.empty(),
                        OptionalInt.empty(), OptionalDouble.empty(), new HashOnConfig(HashOnConfig.Kind.SOURCE_IP, "")),
                new BalancerConfig.Random());
    }
}
