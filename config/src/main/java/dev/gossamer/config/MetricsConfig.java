package dev.gossamer.config;

/**
 * Metrics ({@code metrics:} in sidecar.yaml).
 *
 * @param perEndpoint also export per-endpoint series (default {@link #DEFAULT_PER_ENDPOINT})
 */
public record MetricsConfig(boolean perEndpoint) {

    /** Off: per-endpoint series multiply cardinality by the mesh size. */
    public static final boolean DEFAULT_PER_ENDPOINT = false;

    /** The metrics config used when {@code metrics:} is absent. */
    public static final MetricsConfig DEFAULT = new MetricsConfig(DEFAULT_PER_ENDPOINT);
}
