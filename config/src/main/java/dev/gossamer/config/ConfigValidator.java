package dev.gossamer.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

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
    private final ConfigRules rules;

    /** A validator of what the loader checks alone (syntax, types, keys, references). */
    public ConfigValidator(ConfigLoader loader) {
        this(loader, ConfigRules.NONE);
    }

    /**
     * A validator that also runs {@code rules} (the modules' rules, handed in by the sidecar) on what was read, so
     * what validates is what a sidecar can build and apply.
     */
    public ConfigValidator(ConfigLoader loader, ConfigRules rules) {
        this.loader = Objects.requireNonNull(loader, "loader");
        this.rules = Objects.requireNonNull(rules, "rules");
    }

    /**
     * Validates mesh text for a node with {@code listenerNames} (null: unknown, routes are not checked against
     * listeners): what a hot reload runs.
     */
    public ValidationResult validateMesh(String sourceName, String text, Set<String> listenerNames) {
        Doc doc = ConfigLoader.meshDoc(sourceName);
        MeshConfig mesh = ConfigLoader.mesh(doc, text, listenerNames);
        List<ConfigProblem> problems = withRules(doc.problems, mesh == null ? List.of()
                : rules.mesh(mesh, doc.sourceMap(), listenerNames));
        return new ValidationResult(DocumentKind.MESH, Optional.empty(),
                problems.isEmpty() ? Optional.ofNullable(mesh) : Optional.empty(), problems,
                SourceMap.empty(sourceName), doc.sourceMap());
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
                return validateMesh(sourceName, text, null);
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
        List<ConfigProblem> problems = withRules(doc.problems, sidecar == null ? List.of()
                : rules.sidecar(sidecar, doc.sourceMap()));
        boolean sidecarOk = problems.isEmpty();
        Optional<MeshConfig> mesh = Optional.empty();
        SourceMap meshSource = SourceMap.empty("-");
        Optional<String> unreadable = sidecar == null ? Optional.empty()
                : sidecar.meshConfig().flatMap(ConfigValidator::unreadable);
        if (unreadable.isPresent()) {
            // Reported where the user named the file, not at line 1 of a file that is not there.
            problems.add(doc.sourceMap().problem("mesh_config", "\"" + sidecar.meshConfig().get() + "\": "
                    + unreadable.get()));
        } else if (sidecar != null && sidecar.meshConfig().isPresent()) {
            // Even a sidecar file with problems has its mesh file checked: the user wants every problem at once.
            Path file = sidecar.meshConfig().get();
            Doc meshDoc = ConfigLoader.meshDoc(file.toString());
            String meshText = YamlText.read(file, meshDoc);
            ValidationResult m = meshText == null
                    ? new ValidationResult(DocumentKind.MESH, Optional.empty(), Optional.empty(), meshDoc.problems)
                    : validateMesh(file.toString(), meshText, sidecar.listenerNames());
            problems.addAll(m.problems());
            mesh = m.mesh();
            meshSource = m.meshSource();
        }
        Optional<SidecarConfig> ok = sidecarOk ? Optional.ofNullable(sidecar) : Optional.empty();
        return new ValidationResult(DocumentKind.SIDECAR, ok, mesh, problems, doc.sourceMap(), meshSource);
    }

    /**
     * The loader's problems and the rules' problems, without the rules' echoes of what the loader already refused:
     * a refused value was replaced by a fallback, so a rule about it, about anything inside it, or about the whole
     * document (a broken reference the loader named) would only say the same thing again.
     */
    private static List<ConfigProblem> withRules(List<ConfigProblem> loaded, List<ConfigProblem> fromRules) {
        List<ConfigProblem> out = new ArrayList<>(loaded);
        for (ConfigProblem r : fromRules) {
            boolean echo = !loaded.isEmpty() && r.path().equals(ConfigProblem.ROOT);
            for (ConfigProblem l : loaded) {
                echo |= related(l.path(), r.path());
            }
            if (!echo) {
                out.add(r);
            }
        }
        return out;
    }

    private static boolean related(String a, String b) {
        return a.equals(b) || b.startsWith(a + ".") || b.startsWith(a + "[") || a.startsWith(b + ".")
                || a.startsWith(b + "[");
    }

    /**
     * Why {@code file} cannot be a mesh document, checked before reading it (the sidecar's watcher says the same in
     * the same words), or empty when it is a regular file within {@link ConfigLoader#MAX_DOCUMENT_BYTES}.
     */
    static Optional<String> unreadable(Path file) {
        try {
            if (!Files.exists(file)) {
                return Optional.of("no such file (expected: an existing YAML file; a relative path is resolved "
                        + "against the sidecar file's directory)");
            }
            if (Files.isDirectory(file)) {
                return Optional.of("a directory (expected: a YAML file)");
            }
            long size = Files.size(file);
            if (size > ConfigLoader.MAX_DOCUMENT_BYTES) {
                return Optional.of(size + " bytes (expected: at most " + ConfigLoader.MAX_DOCUMENT_BYTES
                        + " bytes, 4 MiB)");
            }
            if (!Files.isReadable(file)) {
                return Optional.of("permission denied (expected: a file this process may read)");
            }
            return Optional.empty();
        } catch (java.io.IOException | SecurityException e) {
            return Optional.of("cannot read: " + e.getMessage() + " (expected: a readable YAML file)");
        }
    }

    private static String quoted(List<String> keys) {
        return String.join("/", keys.stream().map(k -> "'" + k + "'").toList());
    }
}
