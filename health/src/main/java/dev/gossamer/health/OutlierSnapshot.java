package dev.gossamer.health;

import java.time.Duration;
import java.util.Optional;

/**
 * One endpoint's outlier-detection state at the moment {@link OutlierDetector#snapshot()} was taken, for the
 * admin API.
 *
 * @param ejected                    whether the endpoint is out of rotation now
 * @param ejectionMultiplier         the decaying multiplier: the next ejection lasts
 *                                   {@code base_ejection_time × (multiplier + 1)}, capped
 * @param timesEjected               ejections since the endpoint joined (never decays; Envoy's {@code num_ejections})
 * @param ejectedUntilNanos          when the current ejection ends, in the detector's ticker nanos; 0 if not ejected
 * @param remaining                  time left in the current ejection at snapshot time; {@link Duration#ZERO} if
 *                                   not ejected. Render an absolute time as {@code wallNow + remaining}.
 * @param lastEjectionReason         why it was last ejected, if ever
 * @param lastSuccessRate            percent of successful requests in the last completed interval, or
 *                                   {@code NaN} when it had no requests
 * @param lastIntervalRequests       requests recorded in the last completed interval
 */
public record OutlierSnapshot(
        String endpointId,
        boolean ejected,
        int ejectionMultiplier,
        long timesEjected,
        long ejectedUntilNanos,
        Duration remaining,
        Optional<EjectionReason> lastEjectionReason,
        int consecutive5xx,
        int consecutiveGatewayFailures,
        int consecutiveLocalOriginFailures,
        double lastSuccessRate,
        long lastIntervalRequests) {

    /** A short human line, such as {@code "ejected for 27s more (consecutive_5xx, 2 times)"} or {@code "in service"}. */
    public String describe() {
        if (!ejected) {
            return "in service" + lastEjectionReason.map(r -> " (last ejected for " + r + ", " + timesEjected
                    + (timesEjected == 1 ? " time)" : " times)")).orElse("");
        }
        return "ejected for " + Math.max(0, (remaining.toMillis() + 999) / 1000) + "s more ("
                + lastEjectionReason.map(EjectionReason::envoyName).orElse("?") + ", " + timesEjected
                + (timesEjected == 1 ? " time)" : " times)");
    }
}
