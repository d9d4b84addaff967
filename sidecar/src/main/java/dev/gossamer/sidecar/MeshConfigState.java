package dev.gossamer.sidecar;

import dev.gossamer.config.ConfigProblem;
import dev.gossamer.config.MeshConfig;
import java.util.HexFormat;
import java.util.List;

/**
 * What {@code GET /admin/config} shows: the applied mesh config and the last rejected one. Immutable; the sidecar
 * swaps a new value in on every apply or rejection.
 *
 * @param version        1 for the first applied config, +1 on every apply that changed it; 0 before any
 * @param digest         SHA-256 of the applied YAML, hex
 * @param source         where it came from (a file path)
 * @param appliedAtMillis wall-clock time of the apply
 * @param yaml           the applied text
 * @param mesh           the applied model; null before any
 * @param lastError      problems of the last rejected text; empty when the last attempt applied
 * @param lastErrorAtMillis wall-clock time of that rejection, 0 when none
 */
record MeshConfigState(long version, String digest, String source, long appliedAtMillis, String yaml, MeshConfig mesh,
                       List<ConfigProblem> lastError, long lastErrorAtMillis) {

    static final MeshConfigState NONE = new MeshConfigState(0, "", "", 0, "", null, List.of(), 0);

    MeshConfigState {
        lastError = List.copyOf(lastError);
    }

    boolean applied() {
        return mesh != null;
    }

    MeshConfigState withApplied(byte[] sha256, String newSource, long atMillis, String newYaml, MeshConfig newMesh) {
        return new MeshConfigState(version + 1, HexFormat.of().formatHex(sha256), newSource, atMillis, newYaml,
                newMesh, List.of(), 0);
    }

    /** The same, applied as the control plane's committed {@code committedVersion}. */
    MeshConfigState withApplied(long committedVersion, byte[] sha256, String newSource, long atMillis, String newYaml,
                                MeshConfig newMesh) {
        return new MeshConfigState(committedVersion, HexFormat.of().formatHex(sha256), newSource, atMillis, newYaml,
                newMesh, List.of(), 0);
    }

    MeshConfigState withError(List<ConfigProblem> problems, long atMillis) {
        return new MeshConfigState(version, digest, source, appliedAtMillis, yaml, mesh, problems, atMillis);
    }
}
