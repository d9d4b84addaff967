package dev.gossamer.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Validates configuration files whatever their kind: what {@code gossamer validate FILE...} and the sidecar's
 * startup use. The kind is detected from the top-level keys ({@link DocumentKind}). A sidecar document that names
 * a {@code mesh_config} file has that file loaded and validated too (resolved against the sidecar file's
 * directory), including the check that every route's {@code listener} is one of the sidecar's listeners.
 *
 * <pre>{@code
 * ValidationResult r = new ConfigValidator(ConfigLoader.withSystemEnvironment()).validate(Path.of("sidecar.yaml"));
 * r.problems().forEach(System.err::println);   // sidecar.yaml:3:9: node.id: ... (expected: ...)
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class ConfigValidator {

    private final ConfigLoader loader;

    public ConfigValidator(ConfigLoader loader) {
        this.loader = Objects.requireNonNull(loader, "loader");
    }

    /** Validates one file of either kind. */
    public ValidationResult validate(Path file) {
        Doc probe = ConfigLoader.meshDoc(file.toString());
        String text = YamlText.read(file, probe);
        if (text == null) {
            return new ValidationResult(DocumentKind.UNKNOWN, Optional.empty(), Optional.empty(), probe.problems);
        }
        return validate(file.toString(), text, ConfigLoader.baseDir(file));
    }

    /**
     * Validates text of either kind; {@code sourceName} names it in problems. A sidecar document's relative
     * {@code mesh_config} is resolved against the current directory.
     */
    public ValidationResult validate(String sourceName, String text) {
        return validate(sourceName, text, null);
    }

    private ValidationResult validate(String sourceName, String text, Path baseDir) {
        Doc probe = ConfigLoader.meshDoc(sourceName);
        Node root = YamlText.compose(text, probe);
        if (root == null) {
            return new ValidationResult(DocumentKind.UNKNOWN, Optional.empty(), Optional.empty(), probe.problems);
        }
        DocumentKind kind = ConfigLoader.kind(root);
        switch (kind) {
            case MESH -> {
                ConfigResult<MeshConfig> mesh = ConfigLoader.result(probe, MeshParser.parse(probe, root, null));
                return new ValidationResult(kind, Optional.empty(), mesh.toOptional(), mesh.problems());
            }
            case SIDECAR -> {
                return sidecar(sourceName, text, baseDir);
            }
            default -> {
                probe.problem(root, ConfigProblem.ROOT, "cannot tell which document this is (expected: a sidecar "
                        + "document with top-level " + quoted(KnownKeys.SIDECAR_MARKERS) + ", or a mesh document "
                        + "with top-level " + quoted(KnownKeys.MESH_MARKERS) + ", not both)");
                return new ValidationResult(kind, Optional.empty(), Optional.empty(), probe.problems);
            }
        }
    }

    private ValidationResult sidecar(String sourceName, String text, Path baseDir) {
        Doc doc = loader.sidecarDoc(sourceName);
        SidecarConfig sidecar = ConfigLoader.sidecar(doc, text, baseDir);
        List<ConfigProblem> problems = new ArrayList<>(doc.problems);
        Optional<MeshConfig> mesh = Optional.empty();
        if (sidecar != null && sidecar.meshConfig().isPresent()) {
            // Even a sidecar file with problems has its mesh file checked: the user wants every problem at once.
            ConfigResult<MeshConfig> m = loader.loadMesh(sidecar.meshConfig().get(), sidecar.listenerNames());
            problems.addAll(m.problems());
            mesh = m.toOptional();
        }
        Optional<SidecarConfig> ok = doc.problems.isEmpty() ? Optional.ofNullable(sidecar) : Optional.empty();
        return new ValidationResult(DocumentKind.SIDECAR, ok, mesh, problems);
    }

    private static String quoted(List<String> keys) {
        return String.join("/", keys.stream().map(k -> "'" + k + "'").toList());
    }
}
