package dev.gossamer.health;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How one cluster's endpoints are actively checked: an HTTP GET of {@link #path()} whose status must fall in
 * {@link #expectedStatuses()}, or a plain TCP connect. Field names follow Envoy's {@code health_check}.
 *
 * <p>Every probe has a {@link #timeout()}; a probe without a result by then is a failure. The next probe
 * starts {@link #interval()} plus a random jitter of up to {@link #jitterPercent()} % of the interval after the
 * previous one finished (Envoy's {@code interval_jitter_percent}), so probes from many sidecars spread out.
 * A target flips to unhealthy after {@link #unhealthyThreshold()} consecutive failures and back after
 * {@link #healthyThreshold()} consecutive successes, so one lost probe does not flap routing.
 *
 * <p>Build with {@link #http(String)} or {@link #tcp()}; every argument is validated at once and all problems
 * are reported in one {@link IllegalArgumentException}. Immutable and thread-safe.
 *
 * @param protocol           HTTP or TCP
 * @param path               HTTP path starting with {@code /}; {@code null} for TCP (Envoy: {@code http_health_check.path})
 * @param hostHeader         Host header for HTTP probes, or {@code null} for the target's {@code host:port}
 *                           (Envoy: {@code http_health_check.host})
 * @param expectedStatuses   accepted statuses (Envoy: {@code expected_statuses}); ignored for TCP
 * @param interval           time between probes (Envoy: {@code interval})
 * @param timeout            time a probe may take (Envoy: {@code timeout})
 * @param jitterPercent      0..100, random extra wait per interval (Envoy: {@code interval_jitter_percent})
 * @param unhealthyThreshold consecutive failures to mark a healthy target unhealthy (Envoy: {@code unhealthy_threshold})
 * @param healthyThreshold   consecutive successes to mark an unhealthy target healthy (Envoy: {@code healthy_threshold})
 */
public record HealthCheckOptions(
        Protocol protocol,
        String path,
        String hostHeader,
        List<StatusRange> expectedStatuses,
        Duration interval,
        Duration timeout,
        int jitterPercent,
        int unhealthyThreshold,
        int healthyThreshold) {

    /** What a probe does. */
    public enum Protocol { HTTP, TCP }

    /** Envoy's default: only 200 proves the check endpoint is healthy (a redirect may be a login page). */
        public static final List<StatusRange> DEFAULT_EXPECTED_STATUSES = List.of(new StatusRange(200, 200));
    /** Envoy requires an interval; 5 s is the common choice (Kubernetes probes default to 10 s). */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);
    /** Generous for a LAN health endpoint, short enough to notice a hung process within one interval. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);
    /** Enough to spread probes from many sidecars that started together. */
    public static final int DEFAULT_JITTER_PERCENT = 10;
    /** Three failures in a row at 5 s: an outage is noticed within ~15 s, one lost packet is not. */
    public static final int DEFAULT_UNHEALTHY_THRESHOLD = 3;
    /** Two successes in a row before traffic returns: a crash-looping process is not re-admitted on one 200. */
    public static final int DEFAULT_HEALTHY_THRESHOLD = 2;

    public HealthCheckOptions {
        List<String> problems = new ArrayList<>();
        if (protocol == null) {
            problems.add("protocol: null (expected: HTTP or TCP)");
        } else if (protocol == Protocol.HTTP) {
            if (path == null || !path.startsWith("/")) {
                problems.add("path: " + quote(path) + " (expected: starts with /)");
            }
        } else {
            if (path != null) {
                problems.add("path: " + quote(path) + " (expected: absent for tcp checks)");
            }
            if (hostHeader != null) {
                problems.add("host: " + quote(hostHeader) + " (expected: absent for tcp checks)");
            }
        }
        if (hostHeader != null && hostHeader.isBlank()) {
            problems.add("host: " + quote(hostHeader) + " (expected: non-blank or absent)");
        }
        if (expectedStatuses == null || expectedStatuses.isEmpty()) {
            problems.add("expected_statuses: " + expectedStatuses + " (expected: at least one range)");
        } else if (expectedStatuses.stream().anyMatch(Objects::isNull)) {
            problems.add("expected_statuses: " + expectedStatuses + " (expected: no null entries)");
        }
        checkPositive(problems, "interval", interval);
        checkPositive(problems, "timeout", timeout);
        if (jitterPercent < 0 || jitterPercent > 100) {
            problems.add("interval_jitter_percent: " + jitterPercent + " (expected: 0..100)");
        }
        if (unhealthyThreshold < 1) {
            problems.add("unhealthy_threshold: " + unhealthyThreshold + " (expected: > 0)");
        }
        if (healthyThreshold < 1) {
            problems.add("healthy_threshold: " + healthyThreshold + " (expected: > 0)");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        expectedStatuses = List.copyOf(expectedStatuses);
    }

    /** An HTTP check of {@code path} with every other field at its default. */
    public static Builder http(String path) {
        return new Builder(Protocol.HTTP, path);
    }

    /** A TCP connect check with every other field at its default. */
    public static Builder tcp() {
        return new Builder(Protocol.TCP, null);
    }

    /** A builder starting from these options. */
    public Builder toBuilder() {
        return new Builder(protocol, path).hostHeader(hostHeader).expectedStatuses(expectedStatuses)
                .interval(interval).timeout(timeout).jitterPercent(jitterPercent)
                .unhealthyThreshold(unhealthyThreshold).healthyThreshold(healthyThreshold);
    }

    /** Whether an HTTP status passes this check. */
    public boolean accepts(int status) {
        for (StatusRange r : expectedStatuses) {
            if (r.contains(status)) {
                return true;
            }
        }
        return false;
    }

    private static void checkPositive(List<String> problems, String name, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            problems.add(name + ": " + d + " (expected: > 0)");
        }
    }

    private static String quote(String s) {
        return s == null ? "null" : "\"" + s + "\"";
    }

    /** Fluent builder; {@link #build()} validates. Not thread-safe. */
    public static final class Builder {
        private final Protocol protocol;
        private final String path;
        private String hostHeader;
        private List<StatusRange> expectedStatuses = DEFAULT_EXPECTED_STATUSES;
        private Duration interval = DEFAULT_INTERVAL;
        private Duration timeout = DEFAULT_TIMEOUT;
        private int jitterPercent = DEFAULT_JITTER_PERCENT;
        private int unhealthyThreshold = DEFAULT_UNHEALTHY_THRESHOLD;
        private int healthyThreshold = DEFAULT_HEALTHY_THRESHOLD;

        private Builder(Protocol protocol, String path) {
            this.protocol = protocol;
            this.path = path;
        }

        public Builder hostHeader(String hostHeader) {
            this.hostHeader = hostHeader;
            return this;
        }

        public Builder expectedStatuses(List<StatusRange> expectedStatuses) {
            this.expectedStatuses = expectedStatuses;
            return this;
        }

        public Builder expectedStatuses(StatusRange... expectedStatuses) {
            this.expectedStatuses = List.of(expectedStatuses);
            return this;
        }

        public Builder interval(Duration interval) {
            this.interval = interval;
            return this;
        }

        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        public Builder jitterPercent(int jitterPercent) {
            this.jitterPercent = jitterPercent;
            return this;
        }

        public Builder unhealthyThreshold(int unhealthyThreshold) {
            this.unhealthyThreshold = unhealthyThreshold;
            return this;
        }

        public Builder healthyThreshold(int healthyThreshold) {
            this.healthyThreshold = healthyThreshold;
            return this;
        }

        public HealthCheckOptions build() {
            return new HealthCheckOptions(protocol, path, hostHeader, expectedStatuses, interval, timeout,
                    jitterPercent, unhealthyThreshold, healthyThreshold);
        }
    }
}
