package dev.gossamer.config;

import static dev.gossamer.config.Yaml.mesh;
import static dev.gossamer.config.Yaml.meshProblems;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;

import org.junit.jupiter.api.Test;

class MeshLoaderTest {

    private static final String CLUSTER = "clusters:\n  - name: orders\n";

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
                "mesh.yaml:5:25: routes[0].retries.attempts: 11 (expected: 0..10)",
                "mesh.yaml:8:49: clusters[0].balancer.table_size: not valid with policy round_robin "
                        + "(expected: only with policy consistent_hash with algorithm maglev)",
                "mesh.yaml:9:22: clusters[0].panic_threshold: 101% (expected: 0..100)");
    }

    @Test
    void unknownKeysGetADidYouMeanHintOrTheListOfKeys() {
        String yaml = CLUSTER + "    outlier_detectoin: {}\n    colour: blue\n";
        assertThat(meshProblems(yaml)).containsExactly(
                "mesh.yaml:3:5: clusters[0].outlier_detectoin: unknown key (did you mean 'outlier_detection'?)",
                "mesh.yaml:4:5: clusters[0].colour: unknown key (expected one of: name, endpoints, protocol, "
                        + "balancer, connect_timeout, max_connections_per_endpoint, health_check, outlier_detection, "
                        + "panic_threshold, slow_start)");
    }

    @Test
    void duplicateKeysAndNamesPointAtTheFirstDefinition() {
        String yaml = """
                clusters:
                  - name: a
                    name: b
                  - name: a
                routes:
                  - {name: r, cluster: a}
                  - {name: r, cluster: a}
                """;
        assertThat(meshProblems(yaml)).containsExactly(
                "mesh.yaml:3:5: clusters[0].name: duplicate key (first at mesh.yaml:2:5)",
                "mesh.yaml:4:11: clusters[1].name: \"a\" (expected: a unique cluster name; first defined at "
                        + "mesh.yaml:2:11)",
                "mesh.yaml:7:12: routes[1].name: \"r\" (expected: a unique route name; first defined at "
                        + "mesh.yaml:6:12)");
    }

    @Test
    void missingRequiredKeysAreReportedAtTheMapping() {
        assertThat(meshProblems("routes:\n  - {timeout: 1s}\n")).containsExactly(
                "mesh.yaml:2:5: routes[0].cluster: missing (expected: the name of a cluster)",
                "mesh.yaml:2:5: routes[0].name: missing (expected: a route name)");
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
                "mesh.yaml:4:35: clusters[0].max_connections_per_endpoint: \"lots\" (expected: an integer "
                        + "1..1000000)",
                "mesh.yaml:5:16: clusters[0].endpoints: \"127.0.0.1:80\" (expected: a list)",
                "mesh.yaml:6:51: clusters[0].slow_start.min_weight_percent: true (expected: a percentage 0..100, "
                        + "like 10 or 10%)",
                "mesh.yaml:7:5: clusters[1]: 42 (expected: a mapping)");
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
                "mesh.yaml:9:53: clusters[3].balancer.table_size: 65536 (expected: a prime, like 65537 or 131071)",
                "mesh.yaml:11:53: clusters[4].balancer.bounded_load: not valid with policy least_request "
                        + "(expected: only with policy consistent_hash)",
                "mesh.yaml:11:72: clusters[4].balancer.choice_count: 1 (expected: 2..100)",
                "mesh.yaml:13:24: clusters[5].balancer.policy: \"roundrobin\" (expected: one of round_robin, "
                        + "random, least_request, consistent_hash; did you mean 'round_robin'?)");
    }

    @Test
    void matchProblems() {
        String yaml = CLUSTER + """
                routes:
                  - name: r
                    cluster: orders
                    match:
                      authority: "orders service"
                      path_prefix: api
                      path_regex: "[a-"
                      headers: [{name: x-a}, {name: x-b, regex: "(", exact: "1"}, {name: "x y", present: false}]
                      methods: [GET, get]
                  - name: r2
                    cluster: orders
                    match: {path_regex: "/v[0-9"}
                """;
        assertThat(meshProblems(yaml)).containsExactly(
                "mesh.yaml:7:18: routes[0].match.authority: \"orders service\" (expected: a host, host:port, "
                        + "*.suffix or *, like orders or orders.default.svc:8080)",
                "mesh.yaml:8:20: routes[0].match.path_prefix: \"api\" (expected: a path starting with '/', "
                        + "without spaces)",
                "mesh.yaml:9:19: routes[0].match.path_regex: both 'path_prefix' and 'path_regex' given (expected: "
                        + "at most one of path_prefix, path, path_regex)",
                "mesh.yaml:10:17: routes[0].match.headers[0].exact: missing (expected: exactly one of 'exact', "
                        + "'regex' or 'present')",
                "mesh.yaml:10:49: routes[0].match.headers[1].regex: both 'exact' and 'regex' given (expected: "
                        + "exactly one of 'exact', 'regex' or 'present')",
                "mesh.yaml:10:74: routes[0].match.headers[2].name: \"x y\" (expected: an HTTP header name (token "
                        + "characters))",
                "mesh.yaml:10:90: routes[0].match.headers[2].present: false (expected: true, or omit the key)",
                "mesh.yaml:11:22: routes[0].match.methods[1]: \"get\" (expected: one of GET, HEAD, POST, PUT, "
                        + "DELETE, PATCH, OPTIONS, CONNECT, TRACE; did you mean 'GET'?)",
                "mesh.yaml:14:25: routes[1].match.path_regex: \"/v[0-9\" (expected: a valid regular expression: "
                        + "Unclosed character class near index 5)");
    }

    @Test
    void endpointProblems() {
        String yaml = """
                clusters:
                  - name: a
                    endpoints: [127.0.0.1:0, "[::1]:80", "[::1]:80", 300.0.0.1:80, {address: h:1, weight: 0}, "[zz]:1"]
                  - name: b
                    endpoints: []
                  - name: c
                    endpoints: [{weight: 2}, no-port, "a b:80"]
                """;
        assertThat(meshProblems(yaml)).containsExactly(
                "mesh.yaml:3:17: clusters[0].endpoints[0]: \"127.0.0.1:0\" (expected: port 1..65535)",
                "mesh.yaml:3:42: clusters[0].endpoints[2]: \"[::1]:80\" (expected: a unique endpoint; first listed "
                        + "at mesh.yaml:3:30)",
                "mesh.yaml:3:54: clusters[0].endpoints[3]: \"300.0.0.1:80\" (expected: a valid IPv4 address or host "
                        + "name)",
                "mesh.yaml:3:91: clusters[0].endpoints[4].weight: 0 (expected: 1..1000000)",
                "mesh.yaml:3:95: clusters[0].endpoints[5]: \"[zz]:1\" (expected: a valid IPv6 literal inside [ ], "
                        + "like [::1]:15001)",
                "mesh.yaml:5:16: clusters[1].endpoints: [] (expected: at least one endpoint, or omit 'endpoints' "
                        + "to take them from membership)",
                "mesh.yaml:7:17: clusters[2].endpoints[0].address: missing (expected: host:port, like "
                        + "127.0.0.1:15001 or [::1]:15001)",
                "mesh.yaml:7:30: clusters[2].endpoints[1]: \"no-port\" (expected: host:port, like 127.0.0.1:15001 "
                        + "or [::1]:15001)",
                "mesh.yaml:7:39: clusters[2].endpoints[2]: \"a b:80\" (expected: a valid host name (letters, "
                        + "digits, '-', dot-separated labels))");
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
                "mesh.yaml:3:19: clusters[0].health_check.http: missing (expected: exactly one of 'http: /path' or "
                        + "'tcp: true')",
                "mesh.yaml:3:43: clusters[0].health_check.timeout: timeout 2s > interval 1s (expected: timeout <= "
                        + "interval)",
                "mesh.yaml:4:68: clusters[0].outlier_detection.max_ejection_time: max_ejection_time 30s < "
                        + "base_ejection_time 1m (expected: max_ejection_time >= base_ejection_time)",
                "mesh.yaml:4:83: clusters[0].outlier_detection.interval: 0 (expected: > 0)",
                "mesh.yaml:6:35: clusters[1].health_check.tcp: both 'http' and 'tcp' given (expected: exactly one "
                        + "of 'http: /path' or 'tcp: true')",
                "mesh.yaml:6:61: clusters[1].health_check.expected_statuses[0]: 99 (expected: 100..599)",
                "mesh.yaml:6:65: clusters[1].health_check.expected_statuses[1]: \"400-300\" (expected: a status "
                        + "100..599 or a range like \"200-399\")");
    }

    @Test
    void listenerReferencesAreCheckedOnlyWhenListenerNamesAreGiven() {
        String yaml = CLUSTER + "routes:\n  - {name: r, listener: outbund, cluster: orders}\n";
        assertThat(meshProblems(yaml)).isEmpty();
        assertThat(Yaml.LOADER.loadMesh("mesh.yaml", yaml, Set.of("outbound", "admin-ish")).problemsText())
                .isEqualTo("mesh.yaml:4:25: routes[0].listener: \"outbund\" (expected: a listener of the sidecar: "
                        + "admin-ish, outbound; did you mean 'outbound'?)");
    }

    @Test
    void routesNeedClustersToExist() {
        assertThat(meshProblems("routes:\n  - {name: r, cluster: x}\n")).containsExactly(
                "mesh.yaml:2:24: routes[0].cluster: \"x\" (expected: the name of a cluster in this document; there "
                        + "are none)");
    }

    @Test
    void yamlSyntaxErrorsHaveTheirPosition() {
        assertThat(meshProblems("clusters:\n  - name: a\n   bad: [1, 2\n")).hasSize(1)
                .first().asString().startsWith("mesh.yaml:3:").contains(": $: invalid YAML: ");
        assertThat(meshProblems("")).containsExactly("mesh.yaml:1:1: $: empty document (expected: a mapping)");
        assertThat(meshProblems("- a\n")).containsExactly("mesh.yaml:1:1: $: a list (expected: a mapping)");
        assertThat(meshProblems("a: 1\n---\nb: 2\n")).hasSize(1).first().asString()
                .contains("$: invalid YAML: ").contains("single document");
        assertThat(meshProblems("{1: x}\n")).containsExactly("mesh.yaml:1:2: $: 1 (expected: a string key)");
    }

    @Test
    void aliasBombsAreStoppedByTheAliasLimit() {
        StringBuilder yaml = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for (int i = 0; i < 8; i++) {
            yaml.append((char) ('b' + i)).append(": &").append((char) ('b' + i)).append(" [");
            String prev = String.valueOf((char) ('a' + i));
            yaml.append(String.join(", ", java.util.Collections.nCopies(10, "*" + prev))).append("]\n");
        }
        assertThat(meshProblems(yaml.toString())).hasSize(1).first().asString()
                .contains("$: invalid YAML: ").contains("aliases");
    }

    @Test
    void aliasesWithinTheLimitWork() {
        String yaml = """
                clusters:
                  - name: a
                    outlier_detection: &od {consecutive_5xx: 3}
                  - name: b
                    outlier_detection: *od
                """;
        MeshConfig m = mesh(yaml);
        assertThat(m.clusters().get(1).outlierDetection().orElseThrow().consecutive5xx()).isEqualTo(3);
    }

    @Test
    void documentsLargerThanTheLimitAreRejectedWithoutParsing() {
        String yaml = "# " + "x".repeat(ConfigLoader.MAX_DOCUMENT_BYTES) + "\n";
        assertThat(meshProblems(yaml)).containsExactly("mesh.yaml:1:1: $: " + yaml.length()
                + " characters (expected: at most 4194304)");
    }

    @Test
    void deepNestingIsAProblemNotACrash() {
        String yaml = "routes: " + "[".repeat(200_000) + "]".repeat(200_000) + "\n";
        assertThat(meshProblems(yaml)).hasSize(1);
    }

    @Test
    void loadsTheFullModel() {
        String yaml = """
                routes:
                  - name: r
                    listener: outbound
                    match: {authority: Orders, path: /exact, headers: [{name: X-User, exact: "7"}], methods: [GET]}
                    cluster: c
                    timeout: 1m30s
                    retries: {attempts: 3, retry_on: [5xx], per_try_timeout: 1.5s, budget_percent: 25%,
                              min_retry_concurrency: 1, retry_non_idempotent: true}
                clusters:
                  - name: c
                    endpoints: ["[::1]:8080", {address: host.example:81, weight: 5, zone: z1}]
                    protocol: http2
                    balancer: {policy: consistent_hash, algorithm: ring, min_ring_size: 2048,
                               hash_on: {cookie: session}, bounded_load: 1.25}
                  - name: d
                    balancer: {policy: least_request, choice_count: 3}
                    slow_start: {window: 45s}
                """;
        MeshConfig m = mesh(yaml);
        RouteConfig r = m.routes().get(0);
        assertThat(r.listener()).contains("outbound");
        assertThat(r.match()).isEqualTo(new RouteMatch(Optional.of("orders"), RouteMatch.PathKind.EXACT, "/exact",
                List.of(new HeaderMatch("x-user", HeaderMatch.Kind.EXACT, "7")), List.of("GET")));
        assertThat(r.timeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(r.retries()).isEqualTo(new RetryConfig(3, Set.of(RetryConfig.RetryOn._5XX),
                Duration.ofMillis(1500), 25, 1, true));
        ClusterConfig c = m.cluster("c").orElseThrow();
        assertThat(c.endpoints()).contains(List.of(
                new EndpointConfig(new HostPort("::1", 8080), 1, ""),
                new EndpointConfig(new HostPort("host.example", 81), 5, "z1")));
        assertThat(c.protocol()).isEqualTo(ClusterConfig.Protocol.HTTP2);
        assertThat(c.balancer()).isEqualTo(new BalancerConfig.ConsistentHash(
                BalancerConfig.ConsistentHash.Algorithm.RING, BalancerConfig.ConsistentHash.DEFAULT_TABLE_SIZE, 2048,
                OptionalDouble.of(1.25), new HashOn(HashOn.Kind.COOKIE, "session")));
        assertThat(c.slowStart()).isEmpty();
        ClusterConfig d = m.cluster("d").orElseThrow();
        assertThat(d.endpoints()).isEmpty();
        assertThat(d.balancer()).isEqualTo(new BalancerConfig.LeastRequest(3));
        assertThat(d.slowStart()).contains(new SlowStartConfig(Duration.ofSeconds(45), 10));
    }

    @Test
    void slowStartDoesNotFitConsistentHashing() {
        String yaml = """
                routes: []
                clusters:
                  - name: c
                    endpoints: [127.0.0.1:80]
                    balancer: {policy: consistent_hash, hash_on: {path: true}}
                    slow_start: {window: 30s}
                """;
        assertThat(meshProblems(yaml)).containsExactly(
                "mesh.yaml:6:17: clusters[0].slow_start: set on a consistent_hash cluster (expected: only with "
                        + "round_robin, random or least_request)");
    }
}
