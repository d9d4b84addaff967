package dev.gossamer.config;

import static dev.gossamer.config.Yaml.mesh;
import static dev.gossamer.config.Yaml.meshProblems;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Set;

import org.junit.jupiter.api.Test;

class MeshLoaderTest {

    private static final String CLUSTER = "clusters:\n  - name: orders\n";



    @Test
    void unknownKeysGetADidYouMeanHintOrTheListOfKeys() {
        String yaml = CLUSTER + "    outlier_detectoin: {}\n    colour: blue\n";
        assertThat(meshProblems(yaml)).containsExactly(
                "mesh.yaml:3:5: clusters[0].outlier_detectoin: unknown key (did you mean 'outlier_detection'?)",
                "mesh.yaml:4:5: clusters[0].colour: unknown key (expected one of: name, endpoints, protocol, "
                        + "balancer, connect_timeout, max_connections_per_endpoint, health_check, outlier_detection, "
                        + "panic_threshold, slow_start, circuit_breakers)");
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
    void retryOnTakesEnvoysGrpcStatusNames() {
        MeshConfig m = mesh("""
                routes:
                  - {name: r, cluster: c, timeout: 0s, idle_timeout: 10m,
                     retries: {retry_on: [unavailable, cancelled, deadline_exceeded, resource_exhausted, reset]}}
                clusters:
                  - {name: c, endpoints: ["127.0.0.1:50051"], protocol: http2}
                """);
        assertThat(m.routes().get(0).retries().retryOn()).contains(Set.of(RetryConfig.RetryOn.UNAVAILABLE,
                RetryConfig.RetryOn.CANCELLED, RetryConfig.RetryOn.DEADLINE_EXCEEDED,
                RetryConfig.RetryOn.RESOURCE_EXHAUSTED, RetryConfig.RetryOn.RESET));
        assertThat(m.routes().get(0).idleTimeout()).contains(Duration.ofMinutes(10));
        assertThat(meshProblems("""
                routes: [{name: r, cluster: c, retries: {retry_on: [unavailible]}}]
                clusters: [{name: c, endpoints: ["127.0.0.1:50051"]}]
                """)).singleElement().asString().contains("unavailable");
    }

    @Test
    void aGrpcHealthCheckNamesAServiceOrTheWholeServer() {
        MeshConfig m = mesh("""
                routes: [{name: r, cluster: c}]
                clusters:
                  - {name: c, endpoints: ["127.0.0.1:50051"], protocol: http2, health_check: {grpc: orders.Orders}}
                  - {name: d, endpoints: ["127.0.0.1:50052"], protocol: http2, health_check: {grpc: "", interval: 2s}}
                """);
        assertThat(m.cluster("c").orElseThrow().healthCheck()).contains(HealthCheckConfig.grpc("orders.Orders"));
        assertThat(m.cluster("d").orElseThrow().healthCheck().orElseThrow().protocol())
                .isEqualTo(HealthCheckConfig.Protocol.GRPC);
        assertThat(m.cluster("d").orElseThrow().healthCheck().orElseThrow().path()).isEmpty();
        assertThat(meshProblems("""
                routes: [{name: r, cluster: c}]
                clusters:
                  - {name: c, endpoints: ["127.0.0.1:1"], health_check: {grpc: x, expected_statuses: [200]}}
                  - {name: d, endpoints: ["127.0.0.1:2"], health_check: {http: /h, grpc: x}}
                """)).containsExactly(
                "mesh.yaml:3:86: clusters[0].health_check.expected_statuses: not valid for a grpc check (expected: "
                        + "only with 'http')",
                "mesh.yaml:4:74: clusters[1].health_check.grpc: both 'http' and 'grpc' given (expected: exactly one "
                        + "of 'http: /path', 'tcp: true' or 'grpc: SERVICE')");
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
        assertThat(r.match()).isEqualTo(new RouteMatchConfig(Optional.of("orders"), RouteMatchConfig.PathKind.EXACT, "/exact",
                List.of(new HeaderMatchConfig("x-user", HeaderMatchConfig.Kind.EXACT, "7")), List.of("GET")));
        assertThat(r.timeout()).contains(Duration.ofSeconds(90));
        assertThat(r.retries()).isEqualTo(new RetryConfig(OptionalInt.of(3),
                Optional.of(Set.of(RetryConfig.RetryOn._5XX)), Optional.of(Duration.ofMillis(1500)),
                OptionalDouble.of(25), OptionalInt.of(1), Optional.of(true)));
        ClusterConfig c = m.cluster("c").orElseThrow();
        assertThat(c.endpoints()).contains(List.of(
                new EndpointConfig(new HostPort("::1", 8080), 1, ""),
                new EndpointConfig(new HostPort("host.example", 81), 5, "z1")));
        assertThat(c.protocol()).isEqualTo(ClusterConfig.Protocol.HTTP2);
        assertThat(c.balancer()).isEqualTo(new BalancerConfig.ConsistentHash(
                BalancerConfig.ConsistentHash.Algorithm.RING, OptionalInt.empty(), OptionalInt.of(2048),
                OptionalDouble.of(1.25), new HashOnConfig(HashOnConfig.Kind.COOKIE, "session")));
        assertThat(c.slowStart()).isEmpty();
        ClusterConfig d = m.cluster("d").orElseThrow();
        assertThat(d.endpoints()).isEmpty();
        assertThat(d.balancer()).isEqualTo(new BalancerConfig.LeastRequest(OptionalInt.of(3)));
        assertThat(d.slowStart()).contains(new SlowStartConfig(Duration.ofSeconds(45), OptionalDouble.empty()));
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
        assertThat(m.clusters().get(1).outlierDetection().orElseThrow().consecutive5xx()).hasValue(3);
    }
}
