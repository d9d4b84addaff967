package dev.gossamer.config;

import static dev.gossamer.config.Yaml.mesh;
import static dev.gossamer.config.Yaml.sidecar;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** Every default the loader fills in, with the literal values the docs promise. */
class DefaultsTest {

    @Test
    void minimalSidecar() {
        SidecarConfig c = sidecar("node: {id: n1}\n");
        assertThat(c).isEqualTo(new SidecarConfig(new NodeConfig("n1", ""),
                new AdminConfig(new HostPort("127.0.0.1", 9901)),
                List.of(new ListenerConfig("outbound", new HostPort("127.0.0.1", 15001))),
                List.of(), Optional.empty(), Optional.empty(), new DrainConfig(Duration.ofSeconds(5)),
                new MetricsConfig(false)));
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
    void serviceAndHealthCheckDefaults() {
        SidecarConfig c = sidecar("node: {id: n1}\nservices: [{name: s, port: 80, health_check: {http: /h}},"
                + " {name: t, port: 81, health_check: {tcp: true}}]\n");
        ServiceConfig s = c.services().get(0);
        assertThat(s.weight()).isEqualTo(1);
        assertThat(s.tags()).isEmpty();
        assertThat(s.healthCheck()).contains(new HealthCheckConfig(HealthCheckConfig.Protocol.HTTP, "/h",
                List.of(new HealthCheckConfig.StatusRange(200, 200)), Duration.ofSeconds(5), Duration.ofSeconds(1),
                10, 3, 2));
        assertThat(c.services().get(1).healthCheck().orElseThrow().protocol())
                .isEqualTo(HealthCheckConfig.Protocol.TCP);
        assertThat(c.services().get(1).healthCheck().orElseThrow().path()).isEmpty();
    }

    @Test
    void membershipDefaultsAreMemberlistsLanProfile() {
        MembershipConfig m = sidecar("node: {id: n1}\nmembership: {}\n").membership().orElseThrow();
        assertThat(m).isEqualTo(new MembershipConfig(new HostPort("0.0.0.0", 7946), Optional.empty(), List.of(),
                MembershipProfile.LAN, "default", List.of(), Duration.ofSeconds(1), Duration.ofMillis(500), 3, 4, 6,
                Duration.ofMillis(200), 3, 4, Duration.ofSeconds(30), 8, Duration.ofSeconds(30)));
    }

    @Test
    void minimalMesh() {
        MeshConfig m = mesh("routes: [{name: r, cluster: c}]\nclusters: [{name: c}]\n");
        assertThat(m.routes()).containsExactly(new RouteConfig("r", Optional.empty(), RouteMatch.ANY, "c",
                Duration.ofSeconds(15), new RetryConfig(1, Set.of(RetryConfig.RetryOn.CONNECT_FAILURE,
                RetryConfig.RetryOn.RESET), Duration.ZERO, 20, 3, false)));
        assertThat(m.clusters()).containsExactly(new ClusterConfig("c", Optional.empty(), ClusterConfig.Protocol.HTTP1,
                new BalancerConfig.RoundRobin(), Duration.ofSeconds(5), 1024, Optional.empty(), Optional.empty(), 50,
                Optional.empty()));
        assertThat(RouteMatch.ANY.path()).isEqualTo("/");
        assertThat(RouteMatch.ANY.pathKind()).isEqualTo(RouteMatch.PathKind.PREFIX);
    }

    @Test
    void emptyRetriesMatchAndOutlierDetectionTakeEnvoysDefaults() {
        MeshConfig m = mesh("routes: [{name: r, cluster: c, retries: {}, match: {}}]\n"
                + "clusters: [{name: c, outlier_detection: {}, slow_start: {window: 10s}}]\n");
        assertThat(m.routes().get(0).retries()).isEqualTo(RetryConfig.DEFAULT);
        assertThat(m.routes().get(0).match()).isEqualTo(RouteMatch.ANY);
        ClusterConfig c = m.clusters().get(0);
        assertThat(c.outlierDetection()).contains(new OutlierDetectionConfig(5, 5, 5, Duration.ofSeconds(10),
                Duration.ofSeconds(30), Duration.ofSeconds(300), 10, 5, 100, 1900, 85, 5, 50, 100, 0));
        assertThat(c.outlierDetection()).contains(OutlierDetectionConfig.DEFAULT);
        assertThat(c.slowStart()).contains(new SlowStartConfig(Duration.ofSeconds(10), 10));
    }

    @Test
    void balancerDefaults() {
        MeshConfig m = mesh("""
                clusters:
                  - {name: a, balancer: {}}
                  - {name: b, balancer: {policy: least_request}}
                  - {name: c, balancer: {policy: consistent_hash, hash_on: {source_ip: true}}}
                  - {name: d, balancer: {policy: random}}
                """);
        assertThat(m.clusters()).extracting(ClusterConfig::balancer).containsExactly(
                new BalancerConfig.RoundRobin(),
                new BalancerConfig.LeastRequest(2),
                new BalancerConfig.ConsistentHash(BalancerConfig.ConsistentHash.Algorithm.MAGLEV, 65537, 1024,
                        OptionalDouble.empty(), new HashOn(HashOn.Kind.SOURCE_IP, "")),
                new BalancerConfig.Random());
    }
}
