package dev.gossamer.config;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Graceful drain ({@code drain:} in sidecar.yaml) as the user wrote it: on shutdown the sidecar stops accepting, lets
 * in-flight requests finish for at most {@code timeout}, then closes.
 *
 * @param timeout longest wait for in-flight requests; empty: the data plane's default ({@code DataPlaneOptions})
 */
public record DrainConfig(Optional<Duration> timeout) {

    /** The drain config used when {@code drain:} is absent. */
    public static final DrainConfig DEFAULT = new DrainConfig(Optional.empty());

    public DrainConfig {
        Objects.requireNonNull(timeout, "timeout");
    }
}
