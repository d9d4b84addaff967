package dev.gossamer.health;

import java.util.Locale;

/**
 * Why {@link OutlierDetector} ejected an endpoint; {@link #envoyName()} is Envoy's name, used as the
 * {@code reason} tag of {@code gossamer_outlier_ejections_total} and in the admin API.
 */
public enum EjectionReason {
    CONSECUTIVE_5XX,
    CONSECUTIVE_GATEWAY_FAILURE,
    CONSECUTIVE_LOCAL_ORIGIN_FAILURE,
    SUCCESS_RATE,
    FAILURE_PERCENTAGE;

    /** {@code consecutive_5xx}, {@code success_rate}, … */
    public String envoyName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return envoyName();
    }
}
