package dev.gossamer.config;

import java.util.List;
import java.util.Map;

/** Test helpers: load text and render problems as strings. */
final class Yaml {

    static final ConfigLoader LOADER = new ConfigLoader(Map.of("HOSTNAME", "web-7", "EMPTY", "")::get);

    private Yaml() {
    }

    static List<String> meshProblems(String yaml) {
        return LOADER.loadMesh("mesh.yaml", yaml).problems().stream().map(ConfigProblem::toString).toList();
    }

    static List<String> sidecarProblems(String yaml) {
        return LOADER.loadSidecar("sidecar.yaml", yaml).problems().stream().map(ConfigProblem::toString).toList();
    }

    static MeshConfig mesh(String yaml) {
        return LOADER.loadMesh("mesh.yaml", yaml).value();
    }

    static SidecarConfig sidecar(String yaml) {
        return LOADER.loadSidecar("sidecar.yaml", yaml).value();
    }
}
