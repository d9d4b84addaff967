package dev.gossamer.health;

import dev.gossamer.common.OptionRules;
import java.time.Duration;

/**
 * Passive outlier detection for one cluster, with Envoy's {@code outlier_detection} field names and defaults.
 *
 * <p>Consecutive-error detectors run inline on every {@link OutlierDetector#record}: {@code consecutive_5xx}
 * 5xx responses (or, unless {@code split_external_local_origin_errors}, connect failures too), or
 * {@code consecutive_gateway_failure} 502/503/504s, or — when split — {@code consecutive_local_origin_failure}
 * connect failures eject an endpoint. Every {@code interval} a sweep evaluates the statistical detectors
 * (success rate, failure percentage) on the counts of the interval that just ended, and decays the ejection
 * multiplier of endpoints that stayed in service.
 *
 * <p>Each {@code enforcing_*} field is the percent chance that a detection actually ejects (Envoy's way to
 * disable a detector, 0, or ramp it up). As in Envoy, gateway-failure and failure-percentage detection are
 * off by default (enforcing 0) while consecutive-5xx, local-origin and success-rate are on (100).
 *
 * <p>A {@code consecutive_*} threshold of 0 turns that detector off; {@code *_minimum_hosts} of 0 lets the statistics
 * run over however many hosts qualify.
 *
 * <p>Build with {@link #builder()}; every argument is validated at once, and every broken rule is reported as an
 * {@link dev.gossamer.common.OptionProblem} named by its YAML key (an
 * {@link dev.gossamer.common.InvalidOptionsException}). These options own every default and range of
 * {@code outlier_detection}; the config loader only reads the values. Immutable and thread-safe.
 *
 * @param successRateStdevFactor Envoy's integer factor: the ejection threshold is
 *                               {@code mean − (factor / 1000) × stdev}, so 1900 means 1.9 standard deviations
 */
public record OutlierDetectionOptions(
        int consecutive5xx,
        int consecutiveGatewayFailure,
        int consecutiveLocalOriginFailure,
        boolean splitExternalLocalOriginErrors,
        Duration interval,
        Duration baseEjectionTime,
        Duration maxEjectionTime,
        int maxEjectionPercent,
        int enforcingConsecutive5xx,
        int enforcingConsecutiveGatewayFailure,
        int enforcingConsecutiveLocalOriginFailure,
        int successRateMinimumHosts,
        int successRateRequestVolume,
        int successRateStdevFactor,
        int enforcingSuccessRate,
        int failurePercentageThreshold,
        int failurePercentageMinimumHosts,
        int failurePercentageRequestVolume,
        int enforcingFailurePercentage) {

    /** Envoy's default: five 5xx in a row is past bad luck for a host serving normally. */
    public static final int DEFAULT_CONSECUTIVE_5XX = 5;
    /** Envoy's default, same reasoning as consecutive_5xx. */
    public static final int DEFAULT_CONSECUTIVE_GATEWAY_FAILURE = 5;
    /** Envoy's default, same reasoning as consecutive_5xx. */
    public static final int DEFAULT_CONSECUTIVE_LOCAL_ORIGIN_FAILURE = 5;
    /** Envoy's default: connect failures count as 5xx (mapped to 503) unless split. */
    public static final boolean DEFAULT_SPLIT_EXTERNAL_LOCAL_ORIGIN_ERRORS = false;
    /** Envoy's default: statistics need enough requests per window to mean anything. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
    /** Envoy's default: long enough for a restart, short enough to retry a transient fault soon. */
    public static final Duration DEFAULT_BASE_EJECTION_TIME = Duration.ofSeconds(30);
    /** Envoy's default: a host that keeps failing is retried at least every 5 minutes. */
    public static final Duration DEFAULT_MAX_EJECTION_TIME = Duration.ofSeconds(300);
    /** Envoy's default: passive detection must never empty a cluster on its own. */
    public static final int DEFAULT_MAX_EJECTION_PERCENT = 10;
    /** Envoy's default: on. */
    public static final int DEFAULT_ENFORCING_CONSECUTIVE_5XX = 100;
    /** Envoy's default: off; 5xx already covers gateway failures. */
    public static final int DEFAULT_ENFORCING_CONSECUTIVE_GATEWAY_FAILURE = 0;
    /** Envoy's default: on. */
    public static final int DEFAULT_ENFORCING_CONSECUTIVE_LOCAL_ORIGIN_FAILURE = 100;
    /** Envoy's default: a mean and stdev over fewer hosts are noise. */
    public static final int DEFAULT_SUCCESS_RATE_MINIMUM_HOSTS = 5;
    /** Envoy's default: requests per interval before a host's success rate counts. */
    public static final int DEFAULT_SUCCESS_RATE_REQUEST_VOLUME = 100;
    /** Envoy's default: 1.9 standard deviations below the mean. */
    public static final int DEFAULT_SUCCESS_RATE_STDEV_FACTOR = 1900;
    /** Envoy's default: on. */
    public static final int DEFAULT_ENFORCING_SUCCESS_RATE = 100;
    /** Envoy's default: 85 % failing is broken whatever the others do. */
    public static final int DEFAULT_FAILURE_PERCENTAGE_THRESHOLD = 85;
    /** Envoy's default. */
    public static final int DEFAULT_FAILURE_PERCENTAGE_MINIMUM_HOSTS = 5;
    /** Envoy's default. */
    public static final int DEFAULT_FAILURE_PERCENTAGE_REQUEST_VOLUME = 50;
    /** Envoy's default: off. */
    public static final int DEFAULT_ENFORCING_FAILURE_PERCENTAGE = 0;

    /** A run longer than this is never "consecutive" in any useful sense; larger values are typos. */
    public static final int MAX_CONSECUTIVE = 1000;
    /** Far above any cluster; larger values are typos. */
    public static final int MAX_HOSTS = 1_000_000;
    /** Requests per interval; larger values would switch the statistics off in practice. */
    public static final int MAX_REQUEST_VOLUME = 1_000_000_000;
    /** 1000 standard deviations: beyond it success-rate detection can never fire. */
    public static final int MAX_STDEV_FACTOR = 1_000_000;

    public OutlierDetectionOptions {
        OptionRules r = new OptionRules();
        // 0 turns a consecutive detector off (Envoy's enforcing_* = 0 does the same; a threshold of 0 reads as
        // "never" to users, so that is what it means here rather than "eject on every error").
        r.range("consecutive_5xx", consecutive5xx, 0, MAX_CONSECUTIVE);
        r.range("consecutive_gateway_failure", consecutiveGatewayFailure, 0, MAX_CONSECUTIVE);
        r.range("consecutive_local_origin_failure", consecutiveLocalOriginFailure, 0, MAX_CONSECUTIVE);
        r.positive("interval", interval);
        r.positive("base_ejection_time", baseEjectionTime);
        r.positive("max_ejection_time", maxEjectionTime);
        if (baseEjectionTime != null && maxEjectionTime != null && maxEjectionTime.compareTo(baseEjectionTime) < 0) {
            r.add("max_ejection_time", OptionRules.format(maxEjectionTime) + " (expected: >= base_ejection_time "
                    + OptionRules.format(baseEjectionTime) + ")");
        }
        r.range("max_ejection_percent", maxEjectionPercent, 0, 100);
        r.range("enforcing_consecutive_5xx", enforcingConsecutive5xx, 0, 100);
        r.range("enforcing_consecutive_gateway_failure", enforcingConsecutiveGatewayFailure, 0, 100);
        r.range("enforcing_consecutive_local_origin_failure", enforcingConsecutiveLocalOriginFailure, 0, 100);
        // Minimum hosts 0: the statistics run over however many hosts qualify (Envoy accepts 0 too).
        r.range("success_rate_minimum_hosts", successRateMinimumHosts, 0, MAX_HOSTS);
        r.range("success_rate_request_volume", successRateRequestVolume, 1, MAX_REQUEST_VOLUME);
        r.range("success_rate_stdev_factor", successRateStdevFactor, 0, MAX_STDEV_FACTOR);
        r.range("enforcing_success_rate", enforcingSuccessRate, 0, 100);
        r.range("failure_percentage_threshold", failurePercentageThreshold, 0, 100);
        r.range("failure_percentage_minimum_hosts", failurePercentageMinimumHosts, 0, MAX_HOSTS);
        r.range("failure_percentage_request_volume", failurePercentageRequestVolume, 1, MAX_REQUEST_VOLUME);
        r.range("enforcing_failure_percentage", enforcingFailurePercentage, 0, 100);
        r.throwIfAny();
    }

    /** Envoy's defaults for every field. */
    public static OutlierDetectionOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The ejection threshold factor as a double: {@code success_rate_stdev_factor / 1000}. */
    public double stdevFactor() {
        return successRateStdevFactor / 1000.0;
    }

    /** Fluent builder starting at Envoy's defaults; {@link #build()} validates. Not thread-safe. */
    public static final class Builder {
        private int consecutive5xx = DEFAULT_CONSECUTIVE_5XX;
        private int consecutiveGatewayFailure = DEFAULT_CONSECUTIVE_GATEWAY_FAILURE;
        private int consecutiveLocalOriginFailure = DEFAULT_CONSECUTIVE_LOCAL_ORIGIN_FAILURE;
        private boolean splitExternalLocalOriginErrors = DEFAULT_SPLIT_EXTERNAL_LOCAL_ORIGIN_ERRORS;
        private Duration interval = DEFAULT_INTERVAL;
        private Duration baseEjectionTime = DEFAULT_BASE_EJECTION_TIME;
        private Duration maxEjectionTime = DEFAULT_MAX_EJECTION_TIME;
        private int maxEjectionPercent = DEFAULT_MAX_EJECTION_PERCENT;
        private int enforcingConsecutive5xx = DEFAULT_ENFORCING_CONSECUTIVE_5XX;
        private int enforcingConsecutiveGatewayFailure = DEFAULT_ENFORCING_CONSECUTIVE_GATEWAY_FAILURE;
        private int enforcingConsecutiveLocalOriginFailure = DEFAULT_ENFORCING_CONSECUTIVE_LOCAL_ORIGIN_FAILURE;
        private int successRateMinimumHosts = DEFAULT_SUCCESS_RATE_MINIMUM_HOSTS;
        private int successRateRequestVolume = DEFAULT_SUCCESS_RATE_REQUEST_VOLUME;
        private int successRateStdevFactor = DEFAULT_SUCCESS_RATE_STDEV_FACTOR;
        private int enforcingSuccessRate = DEFAULT_ENFORCING_SUCCESS_RATE;
        private int failurePercentageThreshold = DEFAULT_FAILURE_PERCENTAGE_THRESHOLD;
        private int failurePercentageMinimumHosts = DEFAULT_FAILURE_PERCENTAGE_MINIMUM_HOSTS;
        private int failurePercentageRequestVolume = DEFAULT_FAILURE_PERCENTAGE_REQUEST_VOLUME;
        private int enforcingFailurePercentage = DEFAULT_ENFORCING_FAILURE_PERCENTAGE;

        private Builder() {
        }

        public Builder consecutive5xx(int v) { consecutive5xx = v; return this; }

        public Builder consecutiveGatewayFailure(int v) { consecutiveGatewayFailure = v; return this; }

        public Builder consecutiveLocalOriginFailure(int v) { consecutiveLocalOriginFailure = v; return this; }

        public Builder splitExternalLocalOriginErrors(boolean v) { splitExternalLocalOriginErrors = v; return this; }

        public Builder interval(Duration v) { interval = v; return this; }

        public Builder baseEjectionTime(Duration v) { baseEjectionTime = v; return this; }

        public Builder maxEjectionTime(Duration v) { maxEjectionTime = v; return this; }

        public Builder maxEjectionPercent(int v) { maxEjectionPercent = v; return this; }

        public Builder enforcingConsecutive5xx(int v) { enforcingConsecutive5xx = v; return this; }

        public Builder enforcingConsecutiveGatewayFailure(int v) { enforcingConsecutiveGatewayFailure = v; return this; }

        public Builder enforcingConsecutiveLocalOriginFailure(int v) {
            enforcingConsecutiveLocalOriginFailure = v;
            return this;
        }

        public Builder successRateMinimumHosts(int v) { successRateMinimumHosts = v; return this; }

        public Builder successRateRequestVolume(int v) { successRateRequestVolume = v; return this; }

        public Builder successRateStdevFactor(int v) { successRateStdevFactor = v; return this; }

        public Builder enforcingSuccessRate(int v) { enforcingSuccessRate = v; return this; }

        public Builder failurePercentageThreshold(int v) { failurePercentageThreshold = v; return this; }

        public Builder failurePercentageMinimumHosts(int v) { failurePercentageMinimumHosts = v; return this; }

        public Builder failurePercentageRequestVolume(int v) { failurePercentageRequestVolume = v; return this; }

        public Builder enforcingFailurePercentage(int v) { enforcingFailurePercentage = v; return this; }

        public OutlierDetectionOptions build() {
            return new OutlierDetectionOptions(consecutive5xx, consecutiveGatewayFailure,
                    consecutiveLocalOriginFailure, splitExternalLocalOriginErrors, interval, baseEjectionTime,
                    maxEjectionTime, maxEjectionPercent, enforcingConsecutive5xx, enforcingConsecutiveGatewayFailure,
                    enforcingConsecutiveLocalOriginFailure, successRateMinimumHosts, successRateRequestVolume,
                    successRateStdevFactor, enforcingSuccessRate, failurePercentageThreshold,
                    failurePercentageMinimumHosts, failurePercentageRequestVolume, enforcingFailurePercentage);
        }
    }
}
