package dev.gossamer.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Passive outlier detection ({@code clusters[i].outlier_detection}), with Envoy's field names and defaults.
 * An ejected endpoint leaves the pickers for {@code baseEjectionTime × times ejected} (capped at
 * {@code maxEjectionTime}); at most {@code maxEjectionPercent} of a cluster is ejected at once. A
 * {@code consecutive_*} threshold of 0 disables that detector. Enforcing values are the percent chance that a
 * detected outlier is really ejected.
 *
 * @param consecutive5xx                  0..1000
 * @param consecutiveGatewayFailure       0..1000 (502, 503, 504)
 * @param consecutiveLocalOriginFailure   0..1000 (connect failures, resets, timeouts)
 * @param interval                        time between ejection sweeps, > 0
 * @param baseEjectionTime                > 0
 * @param maxEjectionTime                 >= baseEjectionTime
 * @param maxEjectionPercent              0..100
 * @param successRateMinimumHosts         hosts with enough volume needed for success-rate detection, >= 0
 * @param successRateRequestVolume        requests per interval a host needs to be counted, >= 1
 * @param successRateStdevFactor          ejection below mean - (factor / 1000) * stdev, >= 0
 * @param failurePercentageThreshold      0..100
 * @param failurePercentageMinimumHosts   >= 0
 * @param failurePercentageRequestVolume  >= 1
 * @param enforcingSuccessRate            0..100
 * @param enforcingFailurePercentage      0..100
 */
public record OutlierDetectionConfig(
        int consecutive5xx,
        int consecutiveGatewayFailure,
        int consecutiveLocalOriginFailure,
        Duration interval,
        Duration baseEjectionTime,
        Duration maxEjectionTime,
        double maxEjectionPercent,
        int successRateMinimumHosts,
        int successRateRequestVolume,
        int successRateStdevFactor,
        double failurePercentageThreshold,
        int failurePercentageMinimumHosts,
        int failurePercentageRequestVolume,
        double enforcingSuccessRate,
        double enforcingFailurePercentage) {

    /** Envoy's consecutive_5xx default. */
    public static final int DEFAULT_CONSECUTIVE_5XX = 5;
    /** Envoy's consecutive_gateway_failure default. */
    public static final int DEFAULT_CONSECUTIVE_GATEWAY_FAILURE = 5;
    /** Envoy's consecutive_local_origin_failure default. */
    public static final int DEFAULT_CONSECUTIVE_LOCAL_ORIGIN_FAILURE = 5;
    /** Envoy's interval default. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
    /** Envoy's base_ejection_time default. */
    public static final Duration DEFAULT_BASE_EJECTION_TIME = Duration.ofSeconds(30);
    /** Envoy's max_ejection_time default. */
    public static final Duration DEFAULT_MAX_EJECTION_TIME = Duration.ofSeconds(300);
    /** Envoy's max_ejection_percent default. */
    public static final double DEFAULT_MAX_EJECTION_PERCENT = 10;
    /** Envoy's success_rate_minimum_hosts default. */
    public static final int DEFAULT_SUCCESS_RATE_MINIMUM_HOSTS = 5;
    /** Envoy's success_rate_request_volume default. */
    public static final int DEFAULT_SUCCESS_RATE_REQUEST_VOLUME = 100;
    /** Envoy's success_rate_stdev_factor default (1.9 standard deviations). */
    public static final int DEFAULT_SUCCESS_RATE_STDEV_FACTOR = 1900;
    /** Envoy's failure_percentage_threshold default. */
    public static final double DEFAULT_FAILURE_PERCENTAGE_THRESHOLD = 85;
    /** Envoy's failure_percentage_minimum_hosts default. */
    public static final int DEFAULT_FAILURE_PERCENTAGE_MINIMUM_HOSTS = 5;
    /** Envoy's failure_percentage_request_volume default. */
    public static final int DEFAULT_FAILURE_PERCENTAGE_REQUEST_VOLUME = 50;
    /** Envoy's enforcing_success_rate default. */
    public static final double DEFAULT_ENFORCING_SUCCESS_RATE = 100;
    /** Envoy's enforcing_failure_percentage default: detected, not enforced, until an operator opts in. */
    public static final double DEFAULT_ENFORCING_FAILURE_PERCENTAGE = 0;

    /** Every value at Envoy's default: what {@code outlier_detection: {}} gives. */
    public static final OutlierDetectionConfig DEFAULT = new OutlierDetectionConfig(DEFAULT_CONSECUTIVE_5XX,
            DEFAULT_CONSECUTIVE_GATEWAY_FAILURE, DEFAULT_CONSECUTIVE_LOCAL_ORIGIN_FAILURE, DEFAULT_INTERVAL,
            DEFAULT_BASE_EJECTION_TIME, DEFAULT_MAX_EJECTION_TIME, DEFAULT_MAX_EJECTION_PERCENT,
            DEFAULT_SUCCESS_RATE_MINIMUM_HOSTS, DEFAULT_SUCCESS_RATE_REQUEST_VOLUME, DEFAULT_SUCCESS_RATE_STDEV_FACTOR,
            DEFAULT_FAILURE_PERCENTAGE_THRESHOLD, DEFAULT_FAILURE_PERCENTAGE_MINIMUM_HOSTS,
            DEFAULT_FAILURE_PERCENTAGE_REQUEST_VOLUME, DEFAULT_ENFORCING_SUCCESS_RATE,
            DEFAULT_ENFORCING_FAILURE_PERCENTAGE);

    public OutlierDetectionConfig {
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(baseEjectionTime, "baseEjectionTime");
        Objects.requireNonNull(maxEjectionTime, "maxEjectionTime");
    }
}
