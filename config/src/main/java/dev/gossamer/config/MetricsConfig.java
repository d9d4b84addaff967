package dev.gossamer.config;

import java.util.Objects;
import java.util.Optional;

/**
 * Metrics ({@code metrics:} in sidecar.yaml) as the user wrote them.
 *
 * @param perEndpoint also export per-endpoint series; empty: the data plane's default ({@code DataPlaneOptions}: off)
 */
public record MetricsConfig(Optional<Boolean> perEndpoint) {

    /** The metrics config used when {@code metrics:} is absent. */
    public static final MetricsConfig DEFAULT = new MetricsConfig(Optional.empty());

    public MetricsConfig {
        Objects.requireNonNull(perEndpoint, "perEndpoint");
    }
}
