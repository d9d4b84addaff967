package dev.gossamer.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gossamer.config.ConfigLoader;
import dev.gossamer.config.ConfigValidator;
import dev.gossamer.config.DocumentKind;
import dev.gossamer.config.testing.Schemas;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Keeps the shipped JSON Schemas and the whole validator (the loader and the modules' rules, as {@code gossamer
 * validate} runs them) in agreement about what is invalid. The key tables are compared in the config module.
 */
class SchemaRulesAgreementTest {

    static List<Object[]> invalidDocuments() {
        String c = "clusters:\n  - name: c\n";
        return List.of(
                new Object[] {DocumentKind.MESH, c + "    colour: blue\n"},
                new Object[] {DocumentKind.MESH, c + "    outlier_detection: {max_ejection_percent: 140}\n"},
                new Object[] {DocumentKind.MESH, c + "    balancer: {policy: round_robin, table_size: 65537}\n"},
                new Object[] {DocumentKind.MESH, c + "    balancer: {table_size: 65537}\n"},
                new Object[] {DocumentKind.MESH, c + "    balancer: {policy: roundrobin}\n"},
                new Object[] {DocumentKind.MESH, c + "    balancer: {policy: consistent_hash}\n"},
                new Object[] {DocumentKind.MESH, c + "    balancer: {policy: consistent_hash, algorithm: ring, "
                        + "table_size: 65537, hash_on: {path: true}}\n"},
                new Object[] {DocumentKind.MESH, c + "    balancer: {policy: consistent_hash, hash_on: {path: true, "
                        + "header: x}}\n"},
                new Object[] {DocumentKind.MESH, c + "    balancer: {policy: consistent_hash, hash_on: {path: true},"
                        + " bounded_load: 0.5}\n"},
                new Object[] {DocumentKind.MESH, c + "    balancer: {policy: random, choice_count: 2}\n"},
                new Object[] {DocumentKind.MESH, c + "    endpoints: []\n"},
                new Object[] {DocumentKind.MESH, c + "    endpoints: [localhost]\n"},
                new Object[] {DocumentKind.MESH, c + "    endpoints: [{weight: 1}]\n"},
                new Object[] {DocumentKind.MESH, c + "    connect_timeout: 5\n"},
                new Object[] {DocumentKind.MESH, c + "    connect_timeout: 5 seconds\n"},
                new Object[] {DocumentKind.MESH, c + "    protocol: http3\n"},
                new Object[] {DocumentKind.MESH, c + "    health_check: {http: /h, tcp: true}\n"},
                new Object[] {DocumentKind.MESH, c + "    health_check: {interval: 1s}\n"},
                new Object[] {DocumentKind.MESH, c + "    health_check: {tcp: true, expected_statuses: [200]}\n"},
                new Object[] {DocumentKind.MESH, c + "    health_check: {http: /h, expected_statuses: [99]}\n"},
                new Object[] {DocumentKind.MESH, c + "    panic_threshold: 50 percent\n"},
                new Object[] {DocumentKind.MESH, c + "    slow_start: {min_weight_percent: 5}\n"},
                new Object[] {DocumentKind.MESH, c + "    max_connections_per_endpoint: 0\n"},
                new Object[] {DocumentKind.MESH, c + "    circuit_breakers: {max_requests: 0}\n"},
                new Object[] {DocumentKind.MESH, c + "    circuit_breakers: {max_request: 5}\n"},
                new Object[] {DocumentKind.SIDECAR, "node: {id: n}\nlisteners: [{name: a, address: 127.0.0.1:1, "
                        + "request_headers_timeout: 10}]\n"},
                new Object[] {DocumentKind.SIDECAR, "node: {id: n}\nlisteners: [{name: a, address: 127.0.0.1:1, "
                        + "max_connections: 0}]\n"},
                new Object[] {DocumentKind.MESH, "clusters:\n  - name: bad name\n"},
                new Object[] {DocumentKind.MESH, "clusters:\n  - endpoints: [a:1]\n"},
                new Object[] {DocumentKind.MESH, c + "routes: [{name: r}]\n"},
                new Object[] {DocumentKind.MESH, c + "routes: [{name: r, cluster: c, match: {path: /a, "
                        + "path_prefix: /}}]\n"},
                new Object[] {DocumentKind.MESH, c + "routes: [{name: r, cluster: c, match: {path_prefix: a}}]\n"},
                new Object[] {DocumentKind.MESH, c + "routes: [{name: r, cluster: c, match: {methods: [get]}}]\n"},
                new Object[] {DocumentKind.MESH, c + "routes: [{name: r, cluster: c, match: {headers: "
                        + "[{name: x}]}}]\n"},
                new Object[] {DocumentKind.MESH, c + "routes: [{name: r, cluster: c, retries: {retry_on: [5xxx]}}]\n"},
                new Object[] {DocumentKind.MESH, c + "routes: [{name: r, cluster: c, retries: {attempts: 11}}]\n"},
                new Object[] {DocumentKind.MESH, c + "routes: [{name: r, cluster: c, timout: 1s}]\n"},
                new Object[] {DocumentKind.MESH, "routes: {}\n"},
                new Object[] {DocumentKind.SIDECAR, "admin: {}\n"},
                new Object[] {DocumentKind.SIDECAR, "node: {zone: a}\n"},
                new Object[] {DocumentKind.SIDECAR, "node: {id: n, name: x}\n"},
                new Object[] {DocumentKind.SIDECAR, "node: {id: n}\nadmin: {address: localhost}\n"},
                new Object[] {DocumentKind.SIDECAR, "node: {id: n}\nlisteners: [{name: a}]\n"},
                new Object[] {DocumentKind.SIDECAR, "node: {id: n}\nservices: [{name: s, port: \"80\"}]\n"},
                new Object[] {DocumentKind.SIDECAR, "node: {id: n}\nservices: [{name: s, port: 70000}]\n"},
                new Object[] {DocumentKind.SIDECAR, "node: {id: n}\nservices: [{name: s}]\n"},
                new Object[] {DocumentKind.SIDECAR, "node: {id: n}\nservices: [{name: s, port: 1, "
                        + "health_check: {http: /h, jitter: abc}}]\n"},
                new Object[] {DocumentKind.SIDECAR, "node: {id: n}\nmembership: {profile: lann}\n"},
                new Object[] {DocumentKind.SIDECAR, "node: {id: n}\nmembership: {keys: [MDEyMzQ1Njc4OQ==]}\n"},
                new Object[] {DocumentKind.SIDECAR, "node: {id: n}\nmembership: {gossip_nodes: 0}\n"},
                new Object[] {DocumentKind.SIDECAR, "node: {id: n}\nmembership: {probe_interval: fast}\n"},
                new Object[] {DocumentKind.SIDECAR, "node: {id: n}\nmetrics: {per_endpoint: yes}\n"},
                new Object[] {DocumentKind.SIDECAR, "node: {id: n}\ndrain: 5s\n"},
                new Object[] {DocumentKind.SIDECAR, "node: {id: n}\nmesh_config: \"\"\n"},
                // Ports beyond 65535, and port 0 where another node must be reached (issue 12).
                new Object[] {DocumentKind.SIDECAR, "node: {id: n}\nadmin: {address: 127.0.0.1:99999}\n"},
                new Object[] {DocumentKind.SIDECAR, "node: {id: n}\nlisteners: [{name: a, address: 0.0.0.0:65536}]\n"},
                new Object[] {DocumentKind.SIDECAR, "node: {id: n}\nmembership: {seeds: [10.0.0.1:0]}\n"},
                new Object[] {DocumentKind.SIDECAR, "node: {id: n}\nmembership: {advertise: 10.0.0.1:70000}\n"},
                new Object[] {DocumentKind.MESH, "clusters:\n  - name: c\n    endpoints: [127.0.0.1:99999]\n"},
                new Object[] {DocumentKind.MESH, "clusters:\n  - name: c\n    endpoints: [127.0.0.1:0]\n"},
                // The mesh document does not substitute ${VAR}: its schema refuses one as the loader does.
                new Object[] {DocumentKind.MESH, "clusters:\n  - name: c\n    endpoints: [\"${HOST}:80\"]\n"},
                // A substitution is still a value of the key's syntax: text around it must fit.
                new Object[] {DocumentKind.SIDECAR, "node: {id: n}\nservices: [{name: s, port: \"80\"}]\n"},
                new Object[] {DocumentKind.SIDECAR, "node: {id: n}\naccess_log: {format: xml}\n"});
    }

    /**
     * Documents both accept: the {@code ${VAR}} / {@code ${VAR:-default}} substitutions the sidecar loader performs
     * (in every kind of value: names, integers, booleans, durations, percentages, enums, addresses, keys), and the
     * edges of the port range.
     */
    static List<String[]> validSidecarDocuments() {
        return List.of(
                new String[] {"node: {id: \"${NODE_ID}\", zone: \"${ZONE:-eu-1}\"}\n"},
                new String[] {"node: {id: n}\nadmin: {address: \"127.0.0.1:${ADMIN_PORT:-9901}\"}\n"},
                new String[] {"node: {id: n}\nadmin: {address: \"${ADMIN}\"}\n"},
                new String[] {"node: {id: n}\nadmin: {address: 127.0.0.1:65535}\n"},
                new String[] {"node: {id: n}\nlisteners: [{name: out, address: 127.0.0.1:0}]\n"},
                new String[] {"node: {id: n}\nservices: [{name: s, port: \"${PORT}\", weight: \"${W:-10}\"}]\n"},
                new String[] {"node: {id: n}\nservices: [{name: s, port: 80, health_check: {http: /h, interval: "
                        + "\"${HC_INTERVAL:-5s}\", jitter: \"${JITTER:-10%}\", healthy_threshold: \"${HT:-2}\"}}]\n"},
                new String[] {"node: {id: n}\nmembership: {address: \"0.0.0.0:${GOSSIP_PORT:-7946}\", profile: "
                        + "\"${PROFILE:-lan}\", seeds: [\"${SEED}\", 10.0.0.2:7946], keys: [\"${GOSSIP_KEY}\"], "
                        + "gossip_nodes: \"${GN:-3}\", probe_interval: \"${PI}\"}\n"},
                new String[] {"node: {id: n}\nmetrics: {per_endpoint: \"${PER_ENDPOINT:-false}\"}\n"},
                new String[] {"node: {id: n}\naccess_log: {format: \"${ACCESS_LOG:-json}\", path: \"${LOG_DIR}/a.log\"}\n"},
                new String[] {"node: {id: n}\ndrain: {timeout: \"${DRAIN:-20s}\"}\n"});
    }

    private static final Map<String, String> ENV = Map.of("NODE_ID", "n1", "ADMIN", "127.0.0.1:9902",
            "PORT", "8080", "SEED", "10.0.0.1:7946", "GOSSIP_KEY", "MDEyMzQ1Njc4OWFiY2RlZg==", "PI", "2s",
            "LOG_DIR", "/var/log", "MESH", "mesh.yaml");

    @ParameterizedTest
    @MethodSource("validSidecarDocuments")
    void substitutionsAndPortEdgesAreAcceptedByBothTheSchemaAndTheValidator(String yaml) throws IOException {
        ConfigValidator validator = new ConfigValidator(new ConfigLoader(ENV::get), Plans.RULES);
        assertThat(validator.validate("sidecar.yaml", yaml).problems()).as("validator problems for:\n%s", yaml)
                .isEmpty();
        assertThat(Schemas.validate(DocumentKind.SIDECAR, yaml)).as("schema messages for:\n%s", yaml).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("invalidDocuments")
    void invalidDocumentsAreRejectedByBothTheSchemaAndTheValidator(DocumentKind kind, String yaml) throws IOException {
        ConfigValidator validator = new ConfigValidator(new ConfigLoader(Map.<String, String>of()::get), Plans.RULES);
        assertThat(validator.validate("doc.yaml", yaml).problems()).as("validator problems for:\n%s", yaml)
                .isNotEmpty();
        assertThat(Schemas.validate(kind, yaml)).as("schema messages for:\n%s", yaml).isNotEmpty();
    }

    /**
     * Integer keys whose range a module owns, each in a document where it is valid: the schema's bounds must be
     * exactly the module's (the validator accepts the bounds and refuses one beyond each, as the schema does).
     */
    static List<Object[]> boundedKeys() {
        String c = "clusters:\n  - name: c\n    endpoints: [127.0.0.1:80]\n";
        String props = "/properties/clusters/items/properties";
        String hc = "/$defs/healthCheck/properties";
        String od = props + "/outlier_detection/properties/";
        String m = "/properties/membership/properties/";
        String node = "node: {id: n}\nmembership: {%s: %%s}\n";
        List<Object[]> rows = new java.util.ArrayList<>(List.of(
                new Object[] {DocumentKind.MESH, "/properties/routes/items/properties/retries/properties/attempts",
                        c + "routes: [{name: r, cluster: c, retries: {attempts: %s}}]\n"},
                new Object[] {DocumentKind.MESH,
                        "/properties/routes/items/properties/retries/properties/min_retry_concurrency",
                        c + "routes: [{name: r, cluster: c, retries: {min_retry_concurrency: %s}}]\n"},
                new Object[] {DocumentKind.MESH, props + "/balancer/properties/min_ring_size",
                        c + "    balancer: {policy: consistent_hash, algorithm: ring, hash_on: {path: true}, "
                                + "min_ring_size: %s}\n"},
                new Object[] {DocumentKind.MESH, props + "/balancer/properties/choice_count",
                        c + "    balancer: {policy: least_request, choice_count: %s}\n"},
                new Object[] {DocumentKind.MESH, props + "/max_connections_per_endpoint",
                        c + "    max_connections_per_endpoint: %s\n"},
                new Object[] {DocumentKind.MESH, hc + "/unhealthy_threshold",
                        c + "    health_check: {http: /h, unhealthy_threshold: %s}\n"},
                new Object[] {DocumentKind.MESH, hc + "/healthy_threshold",
                        c + "    health_check: {http: /h, healthy_threshold: %s}\n"}));
        for (String k : List.of("consecutive_5xx", "consecutive_gateway_failure", "consecutive_local_origin_failure",
                "success_rate_minimum_hosts", "success_rate_request_volume", "success_rate_stdev_factor",
                "failure_percentage_minimum_hosts", "failure_percentage_request_volume")) {
            rows.add(new Object[] {DocumentKind.MESH, od + k, c + "    outlier_detection: {" + k + ": %s}\n"});
        }
        for (String k : List.of("max_connections", "max_pending_requests", "max_requests", "max_retries")) {
            rows.add(new Object[] {DocumentKind.MESH, props + "/circuit_breakers/properties/" + k,
                    c + "    circuit_breakers: {" + k + ": %s}\n"});
        }
        rows.add(new Object[] {DocumentKind.SIDECAR, "/properties/listeners/items/properties/max_connections",
                "node: {id: n}\nlisteners: [{name: a, address: 127.0.0.1:1, max_connections: %s}]\n"});
        for (String k : List.of("indirect_checks", "suspicion_mult", "suspicion_max_timeout_mult", "gossip_nodes",
                "retransmit_mult", "awareness_max_multiplier")) {
            rows.add(new Object[] {DocumentKind.SIDECAR, m + k, node.formatted(k)});
        }
        return rows;
    }

    @ParameterizedTest
    @MethodSource("boundedKeys")
    void theSchemasBoundsAreTheModulesBounds(DocumentKind kind, String pointer, String template) throws IOException {
        com.fasterxml.jackson.databind.JsonNode key = Schemas.schemaJson(kind).at(pointer);
        assertThat(key.has("minimum") && key.has("maximum")).as(pointer).isTrue();
        long min = key.get("minimum").asLong();
        long max = key.get("maximum").asLong();
        ConfigValidator validator = new ConfigValidator(new ConfigLoader(Map.<String, String>of()::get), Plans.RULES);
        for (long v : new long[] {min, max}) {
            String yaml = template.formatted(v);
            assertThat(validator.validate("doc.yaml", yaml).problems()).as("validator on:\n%s", yaml).isEmpty();
            assertThat(Schemas.validate(kind, yaml)).as("schema on:\n%s", yaml).isEmpty();
        }
        for (long v : new long[] {min - 1, max + 1}) {
            String yaml = template.formatted(v);
            assertThat(validator.validate("doc.yaml", yaml).problems()).as("validator on:\n%s", yaml).isNotEmpty();
            assertThat(Schemas.validate(kind, yaml)).as("schema on:\n%s", yaml).isNotEmpty();
        }
    }
}
