package dev.gossamer.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * An active health check ({@code health_check:} of a service in sidecar.yaml or of a cluster in mesh.yaml):
 * either an HTTP GET of {@code path} whose status must fall in {@code expectedStatuses}, or a TCP connect.
 *
 * <p>An endpoint becomes unhealthy after {@code unhealthyThreshold} consecutive failures and healthy again after
 * {@code healthyThreshold} consecutive successes. Each wait between probes is {@code interval} plus a random
 * extra of up to {@code jitterPercent} of it, so many sidecars do not probe in lockstep.
 *
 * @param protocol           HTTP or TCP ({@code http: PATH} or {@code tcp: true}; exactly one)
 * @param path               the HTTP path, starting with {@code /}; {@code ""} for TCP
 * @param expectedStatuses   inclusive status ranges that count as healthy (HTTP only)
 * @param interval           time between probes, > 0
 * @param timeout            probe timeout, > 0 and <= interval
 * @param jitterPercent      0..100
 * @param unhealthyThreshold 1..100
 * @param healthyThreshold   1..100
 */
public record HealthCheckConfig(
        Protocol protocol,
        String path,
        List<StatusRange> expectedStatuses,
        Duration interval,
        Duration timeout,
        double jitterPercent,
        int unhealthyThreshold,
        int healthyThreshold) {

    /** How the check probes. */
    public enum Protocol { HTTP, TCP }

    /**
     * An inclusive range of HTTP statuses, written {@code 200} or {@code "200-399"}.
     *
     * @param from 100..599
     * @param to   from..599
     */
    public record StatusRange(int from, int to) {
        /** True if {@code status} is in the range. */
        public boolean contains(int status) {
            return status >= from && status <= to;
        }
    }

    /** Envoy's default: only 200 is healthy. */
    public static final List<StatusRange> DEFAULT_EXPECTED_STATUSES = List.of(new StatusRange(200, 200));
    /** A dead endpoint is found within about three intervals; passive outlier detection reacts faster. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);
    /** A healthy local service answers a health probe well within a second. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);
    /** Spreads the probes of many sidecars (Envoy's default is 0, which lets them synchronise). */
    public static final double DEFAULT_JITTER_PERCENT = 10;
    /** Kubernetes' failureThreshold: one lost probe is not an outage. */
    public static final int DEFAULT_UNHEALTHY_THRESHOLD = 3;
    /** Two good probes in a row before taking traffic again, so a flapping instance is not re-added at once. */
    public static final int DEFAULT_HEALTHY_THRESHOLD = 2;

    public HealthCheckConfig {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(path, "path");
        expectedStatuses = List.copyOf(expectedStatuses);
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(timeout, "timeout");
    }

    /** True if {@code status} counts as healthy. */
    public boolean isExpected(int status) {
        for (StatusRange r : expectedStatuses) {
            if (r.contains(status)) {
                return true;
            }
        }
        return false;
    }
}
