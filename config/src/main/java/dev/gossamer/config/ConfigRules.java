package dev.gossamer.config;

import java.util.List;
import java.util.Set;

/**
 * Rules checked after loading by whoever owns them: the modules' options, which the config module cannot see. The
 * sidecar hands its phase one in ({@code Plans.RULES}), so {@link ConfigValidator} reports a module's rule at the key
 * the user wrote, together with every problem the loader found, in one pass.
 *
 * <p>Implementations are pure and thread-safe; they receive what the loader read (with fallbacks in place of values
 * it refused) and report each broken rule through the {@link SourceMap}.
 */
public interface ConfigRules {

    /** No rules beyond the loader's. */
    ConfigRules NONE = new ConfigRules() {
        @Override
        public List<ConfigProblem> sidecar(SidecarConfig sidecar, SourceMap at) {
            return List.of();
        }

        @Override
        public List<ConfigProblem> mesh(MeshConfig mesh, SourceMap at, Set<String> listenerNames) {
            return List.of();
        }
    };

    /** The broken rules of a bootstrap document. */
    List<ConfigProblem> sidecar(SidecarConfig sidecar, SourceMap at);

    /**
     * The broken rules of a mesh document for a node with {@code listenerNames}, or null when they are unknown
     * (a mesh file validated on its own).
     */
    List<ConfigProblem> mesh(MeshConfig mesh, SourceMap at, Set<String> listenerNames);
}
