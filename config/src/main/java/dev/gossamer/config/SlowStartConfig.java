package dev.gossamer.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Slow start ({@code clusters[i].slow_start}): a new endpoint's weight ramps linearly from
 * {@code minWeightPercent} of its weight to its full weight over {@code window}, as in Envoy.
 *
 * @param window           ramp duration, > 0 (required when slow_start is given)
 * @param minWeightPercent starting weight in percent of the full weight, 0..100
 */
public record SlowStartConfig(Duration window, double minWeightPercent) {

    /** Envoy's min_weight_percent default: new endpoints still take some traffic. */
    public static final double DEFAULT_MIN_WEIGHT_PERCENT = 10;

    public SlowStartConfig {
        Objects.requireNonNull(window, "window");
    }
}
