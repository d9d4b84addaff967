package dev.gossamer.config;

import java.util.Objects;

/**
 * The identity of this node ({@code node:} in sidecar.yaml).
 *
 * @param id   unique in the mesh; letters, digits, {@code . _ -}, at most 128 characters (required)
 * @param zone locality zone, or {@code ""} when unknown ({@link #DEFAULT_ZONE})
 */
public record NodeConfig(String id, String zone) {

    /** No zone: zone-aware choices treat the node as being nowhere in particular. */
    public static final String DEFAULT_ZONE = "";

    public NodeConfig {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(zone, "zone");
    }
}
