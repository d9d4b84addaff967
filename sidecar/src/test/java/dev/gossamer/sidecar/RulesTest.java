package dev.gossamer.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gossamer.config.ConfigLoader;
import dev.gossamer.config.ConfigProblem;
import dev.gossamer.config.ConfigValidator;
import dev.gossamer.config.SidecarConfig;
import dev.gossamer.membership.MembershipOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The modules' rules reported by the validator at the key the user wrote, together with every problem the loader
 * finds, in one pass: phase one ({@link Plans#RULES}) as {@code gossamer validate} and {@code gossamer run} use it.
 */
class RulesTest {

    private static final ConfigLoader LOADER = new ConfigLoader(Map.<String, String>of()::get);
    private static final ConfigValidator VALIDATOR = new ConfigValidator(LOADER, Plans.RULES);

    static List<String> meshProblems(String yaml) {
        return VALIDATOR.validate("mesh.yaml", yaml).problems().stream().map(ConfigProblem::toString).toList();
    }

    static List<String> sidecarProblems(String yaml) {
        return VALIDATOR.validate("sidecar.yaml", yaml).problems().stream().map(ConfigProblem::toString).toList();
    }

    static SidecarConfig sidecar(String yaml) {
        return LOADER.loadSidecar("sidecar.yaml", yaml).value();
    }

    @Test
    void outOfRangePercentIsReportedAtTheValueWithItsPath() {
        String yaml = """
                routes:
                  - {name: r, cluster: a}
                clusters:
                  - name: a
                  - name: b
                    outlier_detection:
                      max_ejection_percent: 140
                """;
        assertThat(meshProblems(yaml)).containsExactly(
                "mesh.yaml:7:29: clusters[1].outlier_detection.max_ejection_percent: 140 (expected: 0..100)");
    }

    @Test
    void circuitBreakersAndListenerLimitsAreReportedAtTheValueTheUserWrote() {
        assertThat(meshProblems("""
                clusters:
                  - name: a
                    circuit_breakers:
                      max_requests: 0
                      max_retries: 2000000
                """)).containsExactly(
                "mesh.yaml:4:21: clusters[0].circuit_breakers.max_requests: 0 (expected: 1..1000000)",
                "mesh.yaml:5:20: clusters[0].circuit_breakers.max_retries: 2000000 (expected: 0..1000000)");
        assertThat(sidecarProblems("""
                node: {id: n}
                listeners:
                  - {name: a, address: 127.0.0.1:1, request_headers_timeout: 11m, max_connections: 0}
                """)).containsExactly(
                "sidecar.yaml:3:62: listeners[0].request_headers_timeout: 11m (expected: <= 10m, or 0 for none)",
                "sidecar.yaml:3:84: listeners[0].max_connections: 0 (expected: 1..1000000)");
    }

    @Test
    void collectsEveryProblemAtOnce() {
        String yaml = """
                routes:
                  - name: r1
                    cluster: ordrs
                    timeout: 5
                    retries: {attempts: 11}
                clusters:
                  - name: orders
                    balancer: {policy: round_robin, table_size: 7}
                    panic_threshold: 101%
                """;
        assertThat(meshProblems(yaml)).containsExactly(
                "mesh.yaml:3:14: routes[0].cluster: \"ordrs\" (expected: the name of a cluster in this document: "
                        + "orders; did you mean 'orders'?)",
                "mesh.yaml:4:14: routes[0].timeout: 5 (expected: a duration with a unit, like 250ms, 5s, 1.5s, "
                        + "1m30s, 1h, or 0)",
                "mesh.yaml:5:25: routes[0].retries.attempts: 11 (expected: 0..10 retries after the first try)",
                "mesh.yaml:8:49: clusters[0].balancer.table_size: not valid with policy round_robin "
                        + "(expected: only with policy consistent_hash with algorithm maglev)",
                "mesh.yaml:9:22: clusters[0].panic_threshold: 101 (expected: 0..100)");
    }

    @Test
    void healthCheckAndOutlierCrossFieldChecks() {
        String yaml = """
                clusters:
                  - name: a
                    health_check: {interval: 1s, timeout: 2s}
                    outlier_detection: {base_ejection_time: 1m, max_ejection_time: 30s, interval: 0}
                  - name: b
                    health_check: {http: /h, tcp: true, expected_statuses: [99, "400-300", 204]}
                """;
        assertThat(meshProblems(yaml)).containsExactly(
                "mesh.yaml:3:19: clusters[0].health_check.http: missing (expected: exactly one of 'http: /path', "
                        + "'tcp: true' or 'grpc: SERVICE')",
                "mesh.yaml:3:43: clusters[0].health_check.timeout: 2s (expected: <= interval 1s)",
                "mesh.yaml:4:68: clusters[0].outlier_detection.max_ejection_time: 30s (expected: >= "
                        + "base_ejection_time 1m)",
                "mesh.yaml:4:83: clusters[0].outlier_detection.interval: 0 (expected: > 0)",
                "mesh.yaml:6:35: clusters[1].health_check.tcp: both 'http' and 'tcp' given (expected: exactly one "
                        + "of 'http: /path', 'tcp: true' or 'grpc: SERVICE')",
                "mesh.yaml:6:61: clusters[1].health_check.expected_statuses[0]: 99 (expected: 100..599)",
                "mesh.yaml:6:65: clusters[1].health_check.expected_statuses[1]: \"400-300\" (expected: a status "
                        + "100..599 or a range like \"200-399\")");
    }

    @Test
    void policyOptionsMustFitThePolicy() {
        String yaml = """
                clusters:
                  - name: a
                    balancer: {policy: random, hash_on: {header: x}, choice_count: 3}
                  - name: b
                    balancer: {policy: consistent_hash, algorithm: ring, table_size: 65537, hash_on: {path: true}}
                  - name: c
                    balancer: {policy: consistent_hash, min_ring_size: 10, hash_on: {header: x, cookie: y}}
                  - name: d
                    balancer: {policy: consistent_hash, table_size: 65536}
                  - name: e
                    balancer: {policy: least_request, bounded_load: 1.5, choice_count: 1}
                  - name: f
                    balancer: {policy: roundrobin}
                """;
        assertThat(meshProblems(yaml)).containsExactly(
                "mesh.yaml:3:41: clusters[0].balancer.hash_on: not valid with policy random (expected: only with "
                        + "policy consistent_hash)",
                "mesh.yaml:3:68: clusters[0].balancer.choice_count: not valid with policy random (expected: only "
                        + "with policy least_request)",
                "mesh.yaml:5:70: clusters[1].balancer.table_size: not valid with policy consistent_hash with "
                        + "algorithm ring (expected: only with policy consistent_hash with algorithm maglev)",
                "mesh.yaml:7:56: clusters[2].balancer.min_ring_size: not valid with policy consistent_hash with "
                        + "algorithm maglev (expected: only with policy consistent_hash with algorithm ring)",
                "mesh.yaml:7:89: clusters[2].balancer.hash_on.cookie: both 'header' and 'cookie' given (expected: "
                        + "exactly one of 'header', 'cookie', 'query_parameter', 'source_ip' or 'path')",
                "mesh.yaml:9:15: clusters[3].balancer.hash_on: missing (expected: what to hash: {header: NAME}, "
                        + "{cookie: NAME}, {query_parameter: NAME}, {source_ip: true} or {path: true})",
                "mesh.yaml:9:53: clusters[3].balancer.table_size: 65536 (expected: a prime in 3..5000011, like 65537 or 131071)",
                "mesh.yaml:11:53: clusters[4].balancer.bounded_load: not valid with policy least_request "
                        + "(expected: only with policy consistent_hash)",
                "mesh.yaml:11:72: clusters[4].balancer.choice_count: 1 (expected: 2..100)",
                "mesh.yaml:13:24: clusters[5].balancer.policy: \"roundrobin\" (expected: one of round_robin, "
                        + "random, least_request, consistent_hash; did you mean 'round_robin'?)");
    }

    @Test
    void wrongTypesNameTheExpectedType() {
        String yaml = """
                routes: {name: r}
                clusters:
                  - name: [a]
                    max_connections_per_endpoint: lots
                    endpoints: 127.0.0.1:80
                    slow_start: {window: 30s, min_weight_percent: true}
                  - 42
                """;
        assertThat(meshProblems(yaml)).containsExactly(
                "mesh.yaml:1:9: routes: a mapping (expected: a list)",
                "mesh.yaml:3:11: clusters[0].name: a list (expected: a cluster name)",
                "mesh.yaml:4:35: clusters[0].max_connections_per_endpoint: \"lots\" (expected: an integer)",
                "mesh.yaml:5:16: clusters[0].endpoints: \"127.0.0.1:80\" (expected: a list)",
                "mesh.yaml:6:51: clusters[0].slow_start.min_weight_percent: true (expected: a percentage, like 10 "
                        + "or 10%)",
                "mesh.yaml:7:5: clusters[1]: 42 (expected: a mapping)");
    }

    @Test
    void collectsEveryProblemOfABadBootstrap() {
        String yaml = """
                node: {zne: a}
                admin: {address: "localhost:99999"}
                listeners:
                  - {name: inbound, address: 127.0.0.1:0}
                  - {name: inbound, address: ":80"}
                services:
                  - {name: orders, port: "8080", weight: 0}
                  - {name: x, health_check: {http: healthz, timeout: 10s, jitter: 10.5%}}
                membership:
                  keys: [abc, MDEyMzQ1Njc4OQ==, 42]
                  profile: lann
                  probe_timeout: 2s
                  seeds: [a:0]
                drain: {timeout: -1s}
                metrics: {per_endpoint: yes}
                """;
        assertThat(sidecarProblems(yaml)).containsExactly(
                "sidecar.yaml:1:7: node.id: missing (expected: a node id)",
                "sidecar.yaml:1:8: node.zne: unknown key (did you mean 'zone'?)",
                "sidecar.yaml:2:18: admin.address: \"localhost:99999\" (expected: port 0..65535)",
                "sidecar.yaml:5:12: listeners[1].name: \"inbound\" (expected: a unique listener name; first defined "
                        + "at sidecar.yaml:4:12)",
                "sidecar.yaml:5:30: listeners[1].address: \":80\" (expected: host:port, like 127.0.0.1:15001 or "
                        + "[::1]:15001)",
                "sidecar.yaml:7:26: services[0].port: \"8080\" (expected: an integer 1..65535)",
                "sidecar.yaml:7:42: services[0].weight: 0 (expected: 1..1000000)",
                "sidecar.yaml:8:5: services[1].port: missing (expected: an integer 1..65535)",
                "sidecar.yaml:8:36: services[1].health_check.http: \"healthz\" (expected: a path starting with '/', "
                        + "without spaces)",
                "sidecar.yaml:8:54: services[1].health_check.timeout: 10s (expected: <= interval 5s)",
                "sidecar.yaml:10:10: membership.keys[0]: a key of 2 bytes (expected: base64 of 16, 24 or 32 bytes "
                        + "(AES-128, AES-192, AES-256))",
                "sidecar.yaml:10:15: membership.keys[1]: a key of 10 bytes (expected: base64 of 16, 24 or 32 bytes "
                        + "(AES-128, AES-192, AES-256))",
                "sidecar.yaml:10:33: membership.keys[2]: a value that is not a string (expected: base64 of 16, 24 or 32 bytes (AES-128, "
                        + "AES-192, AES-256))",
                "sidecar.yaml:11:12: membership.profile: \"lann\" (expected: one of lan, wan, local; did you mean "
                        + "'lan'?)",
                "sidecar.yaml:12:18: membership.probe_timeout: 2s (expected: < probe_interval 1s)",
                "sidecar.yaml:13:11: membership.seeds[0]: \"a:0\" (expected: port 1..65535)",
                "sidecar.yaml:14:18: drain.timeout: \"-1s\" (expected: a duration with a unit, like 250ms, 5s, 1.5s, "
                        + "1m30s, 1h, or 0)",
                "sidecar.yaml:15:25: metrics.per_endpoint: \"yes\" (expected: true or false)");
    }

    @Test
    void membershipTakesTheProfilesValuesForAbsentKeys() {
        MembershipOptions wan = Plans.membershipOptions(sidecar("node: {id: n}\nmembership: {profile: wan, "
                + "gossip_nodes: 9}\n").membership().orElseThrow());
        assertThat(wan.probeInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(wan.probeTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(wan.suspicionMult()).isEqualTo(6);
        assertThat(wan.gossipNodes()).isEqualTo(9);
        MembershipOptions local = Plans.membershipOptions(sidecar("node: {id: n}\nmembership: {profile: local}\n")
                .membership().orElseThrow());
        assertThat(local.probeTimeout()).isEqualTo(Duration.ofMillis(200));
        assertThat(local.indirectChecks()).isEqualTo(1);
        assertThat(local.gossipInterval()).isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void theIssuesExamplesAreRejectedWithTheirPositionOrAccepted() {
        // Accepted by `validate`, refused by `run`, before: now one answer, from the module that owns the rule.
        assertThat(meshProblems("clusters: [{name: c, outlier_detection: {consecutive_5xx: 0, "
                + "failure_percentage_minimum_hosts: 0}}]\n")).isEmpty();
        assertThat(meshProblems("clusters: [{name: c}]\nroutes: [{name: r, cluster: c, match: {authority: \"*\"}}]\n"))
                .isEmpty();
        assertThat(sidecarProblems("node: {id: n}\nmembership: {push_pull_interval: 0}\n")).isEmpty();
        assertThat(sidecarProblems("node: {id: n}\nmembership: {probe_interval: 1s, probe_timeout: 1s}\n"))
                .containsExactly("sidecar.yaml:2:49: membership.probe_timeout: 1s (expected: < probe_interval 1s)");
    }
}
