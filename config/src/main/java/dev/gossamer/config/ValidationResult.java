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
 * @param sidecarSource where each value of the sidecar document was written (empty positions when none)
 * @param meshSource    where each value of the mesh document was written (empty positions when none)
 */
public record ValidationResult(DocumentKind kind, Optional<SidecarConfig> sidecar, Optional<MeshConfig> mesh,
                               List<ConfigProblem> problems, SourceMap sidecarSource, SourceMap meshSource) {

    /** A result without positions. */
    public ValidationResult(DocumentKind kind, Optional<SidecarConfig> sidecar, Optional<MeshConfig> mesh,
                            List<ConfigProblem> problems) {
        this(kind, sidecar, mesh, problems, SourceMap.empty("-"), SourceMap.empty("-"));
    }

    public ValidationResult {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(sidecar, "sidecar");
        Objects.requireNonNull(mesh, "mesh");
        problems = problems.stream().sorted(ConfigProblem.BY_POSITION).toList();
        Objects.requireNonNull(sidecarSource, "sidecarSource");
        Objects.requireNonNull(meshSource, "meshSource");
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
