package dev.gossamer.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import dev.gossamer.config.testing.Schemas;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/** Keeps the shipped JSON Schemas, the examples and the loader in agreement. */
class SchemaAgreementTest {

    private static final Path EXAMPLES = Path.of("..", "examples");

    @Test
    void examplesValidateAgainstTheSchemas() throws IOException {
        assertThat(Schemas.validate(DocumentKind.SIDECAR, Files.readString(EXAMPLES.resolve("sidecar.yaml")))).isEmpty();
        assertThat(Schemas.validate(DocumentKind.MESH, Files.readString(EXAMPLES.resolve("mesh.yaml")))).isEmpty();
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
            JsonNode schema = Schemas.schemaJson(kind);
            Map<String, Set<String>> fromSchema = new TreeMap<>();
            walk(schema, schema, "", fromSchema, 0);
            Map<String, Set<String>> fromLoader = new TreeMap<>();
            ConfigLoader.knownKeys(kind).forEach((path, keys) -> fromLoader.put(path, new TreeSet<>(keys)));
            assertThat(fromSchema).as(kind + " schema vs loader key tables").isEqualTo(fromLoader);
        }
    }

    // ---- helpers ----

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
