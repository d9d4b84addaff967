package dev.gossamer.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What {@link ConfigValidator} found in a file (and, for a sidecar document, in its {@code mesh_config} file).
 * Immutable.
 *
 * @param kind     which document the file is
 * @param sidecar  the bootstrap config, when the file is a sidecar document without problems
 * @param mesh     the mesh config, when the file is a mesh document (or a sidecar document's mesh_config) without
 *                 problems
 * @param problems every problem of both files, sorted by file and position; empty means valid
 */
public record ValidationResult(DocumentKind kind, Optional<SidecarConfig> sidecar, Optional<MeshConfig> mesh,
                               List<ConfigProblem> problems) {

    public ValidationResult {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(sidecar, "sidecar");
        Objects.requireNonNull(mesh, "mesh");
        problems = problems.stream().sorted(ConfigProblem.BY_POSITION).toList();
    }

    /** True when there are no problems. */
    public boolean isOk() {
        return problems.isEmpty();
    }

    /** The problems one per line in {@code file:line:col: path: message} form; "" when ok. */
    public String problemsText() {
        return problems.stream().map(ConfigProblem::toString).collect(Collectors.joining("\n"));
    }
}
