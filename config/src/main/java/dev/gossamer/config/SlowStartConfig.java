package dev.gossamer.config;

import java.time.Duration;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * Slow start ({@code clusters[i].slow_start}): a new endpoint's weight ramps linearly from
 * {@code minWeightPercent} of its weight to its full weight over {@code window}, as in Envoy.
 *
 * @param window           ramp duration, > 0 (required when slow_start is given)
 * @param minWeightPercent starting weight in percent of the full weight as written; empty: the balancer's default
 *                         ({@code SlowStart})
 */
public record SlowStartConfig(Duration window, OptionalDouble minWeightPercent) {

    public SlowStartConfig {
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(minWeightPercent, "minWeightPercent");
    }
}
