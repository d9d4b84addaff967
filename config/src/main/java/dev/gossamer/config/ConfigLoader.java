package dev.gossamer.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

/**
 * Loads and validates {@code sidecar.yaml} and {@code mesh.yaml} into immutable records with every default
 * filled in. Loading never throws for bad input: the result is a {@link ConfigResult} holding the config or
 * <em>every</em> problem found (YAML syntax, wrong types, unknown keys with a "did you mean" hint, duplicate keys
 * and names, out-of-range values, broken references), each as {@code file:line:col: path: message}.
 *
 * <pre>{@code
 * ConfigLoader loader = ConfigLoader.withSystemEnvironment();
 * ConfigResult<MeshConfig> mesh = loader.loadMesh(Path.of("mesh.yaml"));
 * if (!mesh.isOk()) System.err.println(mesh.problemsText());
 * }</pre>
 *
 * <p>Only the bootstrap document substitutes {@code ${VAR}} and {@code ${VAR:-default}} in values (the mesh
 * document is shared by every node, so node-local variables have no place in it). Limits against hostile input:
 * {@link #MAX_DOCUMENT_BYTES} and {@link #MAX_COLLECTION_ALIASES}. To load both documents of a node together,
 * with the listener cross-check, use {@link ConfigValidator}.
 *
 * <p>Immutable and thread-safe (as long as the environment function is).
 */
public final class ConfigLoader {

    /** 4 MiB: a mesh of thousands of routes is far smaller; anything larger is a mistake or an attack. */
    public static final int MAX_DOCUMENT_BYTES = 4 * 1024 * 1024;

    /** Aliases of lists or mappings per document; no config needs many, and they power "billion laughs". */
    public static final int MAX_COLLECTION_ALIASES = 50;

    private final Function<String, String> environment;

    /**
     * A loader that substitutes bootstrap variables from {@code environment} (name to value, null when unset).
     * Tests pass a {@link Map}'s {@code get}.
     */
    public ConfigLoader(Function<String, String> environment) {
        this.environment = Objects.requireNonNull(environment, "environment");
    }

    /** A loader over the process environment. */
    public static ConfigLoader withSystemEnvironment() {
        return new ConfigLoader(System::getenv);
    }

    /** Loads a bootstrap file; a relative {@code mesh_config} is resolved against the file's directory. */
    public ConfigResult<SidecarConfig> loadSidecar(Path file) {
        Doc doc = sidecarDoc(file.toString());
        String text = YamlText.read(file, doc);
        SidecarConfig c = text == null ? null : sidecar(doc, text, baseDir(file));
        return result(doc, c);
    }

    /** Loads bootstrap text; {@code sourceName} names it in problems. {@code mesh_config} is kept as written. */
    public ConfigResult<SidecarConfig> loadSidecar(String sourceName, String text) {
        Doc doc = sidecarDoc(sourceName);
        return result(doc, sidecar(doc, text, null));
    }

    /** Loads a mesh file without the listener cross-reference check. */
    public ConfigResult<MeshConfig> loadMesh(Path file) {
        return loadMesh(file, null);
    }

    /**
     * Loads a mesh file; when {@code listenerNames} is not null, every route's {@code listener} must be one of
     * them (the sidecar passes its listeners; validating mesh.yaml alone passes null and skips the check).
     */
    public ConfigResult<MeshConfig> loadMesh(Path file, Set<String> listenerNames) {
        Doc doc = meshDoc(file.toString());
        String text = YamlText.read(file, doc);
        return result(doc, text == null ? null : mesh(doc, text, listenerNames));
    }

    /** Loads mesh text without the listener check; {@code sourceName} names it in problems. */
    public ConfigResult<MeshConfig> loadMesh(String sourceName, String text) {
        return loadMesh(sourceName, text, null);
    }

    /** Loads mesh text; see {@link #loadMesh(Path, Set)} for {@code listenerNames}. */
    public ConfigResult<MeshConfig> loadMesh(String sourceName, String text, Set<String> listenerNames) {
        Doc doc = meshDoc(sourceName);
        return result(doc, mesh(doc, text, listenerNames));
    }

    /**
     * Which document {@code text} is, by its top-level keys (see {@link DocumentKind}); {@link DocumentKind#UNKNOWN}
     * for text that is not a YAML mapping.
     */
    public static DocumentKind detect(String text) {
        Doc doc = new Doc("detect", null, KnownKeys.MESH);
        return kind(YamlText.compose(text, doc));
    }

    static DocumentKind kind(Node root) {
        if (!(root instanceof MappingNode m)) {
            return DocumentKind.UNKNOWN;
        }
        boolean sidecar = false;
        boolean mesh = false;
        for (NodeTuple t : m.getValue()) {
            if (t.getKeyNode() instanceof ScalarNode k) {
                sidecar |= KnownKeys.SIDECAR_MARKERS.contains(k.getValue());
                mesh |= KnownKeys.MESH_MARKERS.contains(k.getValue());
            }
        }
        return sidecar == mesh ? DocumentKind.UNKNOWN : sidecar ? DocumentKind.SIDECAR : DocumentKind.MESH;
    }

    // ---- package-private steps, shared with ConfigValidator ----

    Doc sidecarDoc(String source) {
        return new Doc(source, environment, KnownKeys.SIDECAR);
    }

    static Doc meshDoc(String source) {
        return new Doc(source, null, KnownKeys.MESH);
    }

    static SidecarConfig sidecar(Doc doc, String text, Path baseDir) {
        Node root = YamlText.compose(text, doc);
        return root == null ? null : SidecarParser.parse(doc, root, baseDir);
    }

    static MeshConfig mesh(Doc doc, String text, Set<String> listenerNames) {
        Node root = YamlText.compose(text, doc);
        return root == null ? null : MeshParser.parse(doc, root, listenerNames);
    }

    static Path baseDir(Path file) {
        Path parent = file.getParent();
        return parent == null ? Path.of("") : parent;
    }

    static <T> ConfigResult<T> result(Doc doc, T value) {
        if (!doc.problems.isEmpty() || value == null) {
            return ConfigResult.failed(doc.problems.isEmpty()
                    ? List.of(new ConfigProblem(doc.source, 1, 1, ConfigProblem.ROOT, "cannot load"))
                    : doc.problems);
        }
        return ConfigResult.ok(value, doc.sourceMap());
    }

    /** The known-key tables by path pattern, for the schema agreement test. */
    static Map<String, List<String>> knownKeys(DocumentKind kind) {
        return kind == DocumentKind.SIDECAR ? KnownKeys.SIDECAR : KnownKeys.MESH;
    }
}
