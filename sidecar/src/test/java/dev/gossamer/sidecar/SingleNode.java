package dev.gossamer.sidecar;

import dev.gossamer.config.ConfigLoader;
import dev.gossamer.config.ConfigResult;
import dev.gossamer.config.SidecarConfig;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One sidecar in-process, configured by real YAML files written to a directory: the admin API and the listener
 * {@code outbound} on port 0, the mesh config from {@code mesh.yaml} beside it, one event loop.
 */
final class SingleNode {

    private SingleNode() {
    }

    /** Writes {@code sidecar.yaml} and {@code mesh.yaml} into {@code dir} and starts the sidecar on {@code vertx}. */
    static Sidecar start(Vertx vertx, Path dir, String nodeId, String drainTimeout, String meshYaml)
            throws Exception {
        Files.writeString(dir.resolve("sidecar.yaml"), """
                node: {id: %s}
                admin: {address: 127.0.0.1:0}
                listeners:
                  - {name: outbound, address: 127.0.0.1:0}
                mesh_config: ./mesh.yaml
                drain: {timeout: %s}
                """.formatted(nodeId, drainTimeout));
        Files.writeString(dir.resolve("mesh.yaml"), meshYaml);
        ConfigResult<SidecarConfig> cfg = ConfigLoader.withSystemEnvironment().loadSidecar(dir.resolve("sidecar.yaml"));
        return Futures.await(Sidecar.start(vertx, cfg.value(), cfg.sourceMap(), Sidecar.Runtime.system(1)));
    }
}
