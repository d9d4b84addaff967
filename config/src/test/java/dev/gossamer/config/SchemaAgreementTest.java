package dev.gossamer.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.schema.CoreSchema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

/** Keeps the shipped JSON Schemas, the examples and the loader in agreement. */
class SchemaAgreementTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path EXAMPLES = Path.of("..", "examples");

    @Test
    void examplesValidateAgainstTheSchemas() throws IOException {
        assertThat(validate(DocumentKind.SIDECAR, Files.readString(EXAMPLES.resolve("sidecar.yaml")))).isEmpty();
        assertThat(validate(DocumentKind.MESH, Files.readString(EXAMPLES.resolve("mesh.yaml")))).isEmpty();
    }

    @Test
    void examplesLoadWithoutProblems() {
        ConfigLoader loader = new ConfigLoader(Map.<String, String>of()::get);
        assertThat(loader.loadSidecar(EXAMPLES.resolve("sidecar.yaml")).problems()).isEmpty();
        assertThat(loader.loadMesh(EXAMPLES.resolve("mesh.yaml"), Set.of("outbound")).problems()).isEmpty();
    }

    @Test
    void examplesPointEditorsAtTheSchemas() throws IOException {
        assertThat(Files.readAllLines(EXAMPLES.resolve("sidecar.yaml")).get(0)).isEqualTo(
                "# yaml-language-server: $schema=../config/src/main/resources/schema/sidecar.schema.json");
        assertThat(Files.readAllLines(EXAMPLES.resolve("mesh.yaml")).get(0)).isEqualTo(
                "# yaml-language-server: $schema=../config/src/main/resources/schema/mesh.schema.json");
    }

    @Test
    void schemaPropertiesAreExactlyTheLoadersKnownKeys() throws IOException {
        for (DocumentKind kind : List.of(DocumentKind.SIDECAR, DocumentKind.MESH)) {
            JsonNode schema = schemaJson(kind);
            Map<String, Set<String>> fromSchema = new TreeMap<>();
            walk(schema, schema, "", fromSchema, 0);
            Map<String, Set<String>> fromLoader = new TreeMap<>();
            ConfigLoader.knownKeys(kind).forEach((path, keys) -> fromLoader.put(path, new TreeSet<>(keys)));
            assertThat(fromSchema).as(kind + " schema vs loader key tables").isEqualTo(fromLoader);
        }
    }

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
                new Object[] {DocumentKind.SIDECAR, "node: {id: n}\nmesh_config: \"\"\n"});
    }

    @ParameterizedTest
    @MethodSource("invalidDocuments")
    void invalidDocumentsAreRejectedByBothTheSchemaAndTheLoader(DocumentKind kind, String yaml) throws IOException {
        ConfigLoader loader = new ConfigLoader(Map.<String, String>of()::get);
        ConfigResult<?> loaded = kind == DocumentKind.SIDECAR ? loader.loadSidecar("doc.yaml", yaml)
                : loader.loadMesh("doc.yaml", yaml);
        assertThat(loaded.problems()).as("loader problems for:\n%s", yaml).isNotEmpty();
        assertThat(validate(kind, yaml)).as("schema messages for:\n%s", yaml).isNotEmpty();
    }

    // ---- helpers ----

    private static List<String> validate(DocumentKind kind, String yaml) throws IOException {
        Object data = new Load(LoadSettings.builder().setSchema(new CoreSchema()).build()).loadFromString(yaml);
        JsonNode json = JSON.valueToTree(data);
        JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(schemaJson(kind));
        List<String> out = new ArrayList<>();
        for (ValidationMessage m : schema.validate(json)) {
            out.add(m.getMessage());
        }
        return out;
    }

    private static JsonNode schemaJson(DocumentKind kind) throws IOException {
        String name = "/schema/" + (kind == DocumentKind.SIDECAR ? "sidecar" : "mesh") + ".schema.json";
        try (InputStream in = SchemaAgreementTest.class.getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return JSON.readTree(in);
        }
    }

    /**
     * Collects the property names of every object schema by path pattern ({@code []} for list items), following
     * local $refs and the branches of oneOf/anyOf/allOf, not the conditional if/then/else constraints.
     */
    private static void walk(JsonNode root, JsonNode node, String path, Map<String, Set<String>> out, int depth) {
        assertThat(depth).as("schema nesting at %s", path).isLessThan(40);
        if (node == null || !node.isObject()) {
            return;
        }
        if (node.has("$ref")) {
            String ref = node.get("$ref").asText();
            assertThat(ref).startsWith("#/$defs/");
            walk(root, root.get("$defs").get(ref.substring("#/$defs/".length())), path, out, depth + 1);
        }
        if (node.has("properties")) {
            Set<String> keys = out.computeIfAbsent(path, p -> new TreeSet<>());
            Iterator<Map.Entry<String, JsonNode>> it = node.get("properties").fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                keys.add(e.getKey());
                walk(root, e.getValue(), path.isEmpty() ? e.getKey() : path + "." + e.getKey(), out, depth + 1);
            }
        }
        if (node.has("items")) {
            walk(root, node.get("items"), path + "[]", out, depth + 1);
        }
        for (String combinator : List.of("oneOf", "anyOf", "allOf")) {
            if (node.has(combinator)) {
                for (JsonNode branch : node.get(combinator)) {
                    walk(root, branch, path, out, depth + 1);
                }
            }
        }
    }
}
