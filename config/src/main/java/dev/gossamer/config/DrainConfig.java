package dev.gossamer.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Graceful drain ({@code drain:} in sidecar.yaml): on shutdown the sidecar stops accepting, lets in-flight
 * requests finish for at most {@code timeout}, then closes.
 *
 * @param timeout longest wait for in-flight requests, >= 0 (default {@link #DEFAULT_TIMEOUT})
 */
public record DrainConfig(Duration timeout) {

    /** Well inside Kubernetes' default 30 s terminationGracePeriodSeconds. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    /** The drain config used when {@code drain:} is absent. */
    public static final DrainConfig DEFAULT = new DrainConfig(DEFAULT_TIMEOUT);

    public DrainConfig {
        Objects.requireNonNull(timeout, "timeout");
    }
}
