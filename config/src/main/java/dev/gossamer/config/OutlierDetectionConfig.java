package dev.gossamer.config;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * Passive outlier detection ({@code clusters[i].outlier_detection}) as the user wrote it, with Envoy's field names.
 * Every field is optional: an empty one takes the health module's default ({@code OutlierDetectionOptions}, which
 * owns every default, range and its reason, so the two cannot drift). Like Envoy's wrapped fields, "unset" and
 * "set to the default" are different values here.
 *
 * <p>Percentages are kept as written (a number, or {@code "10%"}); the wiring rounds them to whole percent.
 */
public record OutlierDetectionConfig(
        OptionalInt consecutive5xx,
        OptionalInt consecutiveGatewayFailure,
        OptionalInt consecutiveLocalOriginFailure,
        Optional<Duration> interval,
        Optional<Duration> baseEjectionTime,
        Optional<Duration> maxEjectionTime,
        OptionalDouble maxEjectionPercent,
        OptionalInt successRateMinimumHosts,
        OptionalInt successRateRequestVolume,
        OptionalInt successRateStdevFactor,
        OptionalDouble failurePercentageThreshold,
        OptionalInt failurePercentageMinimumHosts,
        OptionalInt failurePercentageRequestVolume,
        OptionalDouble enforcingSuccessRate,
        OptionalDouble enforcingFailurePercentage) {

    /** {@code outlier_detection: {}}: detection on, every value at the module's default. */
    public static final OutlierDetectionConfig UNSET = new OutlierDetectionConfig(OptionalInt.empty(),
            OptionalInt.empty(), OptionalInt.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
            OptionalDouble.empty(), OptionalInt.empty(), OptionalInt.empty(), OptionalInt.empty(),
            OptionalDouble.empty(), OptionalInt.empty(), OptionalInt.empty(), OptionalDouble.empty(),
            OptionalDouble.empty());

    public OutlierDetectionConfig {
        Objects.requireNonNull(consecutive5xx, "consecutive5xx");
        Objects.requireNonNull(consecutiveGatewayFailure, "consecutiveGatewayFailure");
        Objects.requireNonNull(consecutiveLocalOriginFailure, "consecutiveLocalOriginFailure");
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(baseEjectionTime, "baseEjectionTime");
        Objects.requireNonNull(maxEjectionTime, "maxEjectionTime");
        Objects.requireNonNull(maxEjectionPercent, "maxEjectionPercent");
        Objects.requireNonNull(successRateMinimumHosts, "successRateMinimumHosts");
        Objects.requireNonNull(successRateRequestVolume, "successRateRequestVolume");
        Objects.requireNonNull(successRateStdevFactor, "successRateStdevFactor");
        Objects.requireNonNull(failurePercentageThreshold, "failurePercentageThreshold");
        Objects.requireNonNull(failurePercentageMinimumHosts, "failurePercentageMinimumHosts");
        Objects.requireNonNull(failurePercentageRequestVolume, "failurePercentageRequestVolume");
        Objects.requireNonNull(enforcingSuccessRate, "enforcingSuccessRate");
        Objects.requireNonNull(enforcingFailurePercentage, "enforcingFailurePercentage");
    }
}
