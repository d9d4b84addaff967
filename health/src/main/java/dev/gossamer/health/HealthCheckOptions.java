package dev.gossamer.health;

import dev.gossamer.common.OptionRules;
import java.time.Duration;
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
 * are reported in one {@link dev.gossamer.common.InvalidOptionsException}, each named by its YAML key
 * ({@code http}, {@code jitter}, {@code timeout}, ...). These options own every default and range of
 * {@code health_check}; the config loader only reads the values. Immutable and thread-safe.
 *
 * @param protocol           HTTP, TCP or GRPC (grpc's {@code grpc.health.v1.Health/Check} over HTTP/2 cleartext)
 * @param path               HTTP path starting with {@code /}; for GRPC the service name asked about ({@code ""}: the
 *                           server as a whole; Envoy: {@code grpc_health_check.service_name}); {@code null} for TCP
 *                           (Envoy: {@code http_health_check.path})
 * @param hostHeader         Host header (:authority) for HTTP and GRPC probes, or {@code null} for the target's
 *                           {@code host:port}
 *                           (Envoy: {@code http_health_check.host})
 * @param expectedStatuses   accepted statuses (Envoy: {@code expected_statuses}); ignored for TCP and GRPC (a GRPC
 *                           probe passes on grpc-status 0 with SERVING)
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
    public enum Protocol { HTTP, TCP, GRPC }

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
    /** A hundred probes in a row: beyond that a threshold only hides outages. */
    public static final int MAX_THRESHOLD = 100;

    public HealthCheckOptions {
        OptionRules r = new OptionRules();
        if (protocol == null) {
            r.add("protocol", "null (expected: HTTP, TCP or GRPC)");
        } else if (protocol == Protocol.HTTP) {
            r.check(path != null && path.startsWith("/"), "http", quote(path) + " (expected: a path starting with /)");
        } else if (protocol == Protocol.GRPC) {
            // grpc.health.v1: a service name is any string; "" asks about the server as a whole.
            r.check(path != null, "grpc", "null (expected: a service name, or \"\" for the whole server)");
        } else {
            r.check(path == null, "http", quote(path) + " (expected: absent for tcp checks)");
            r.check(hostHeader == null, "host", quote(hostHeader) + " (expected: absent for tcp checks)");
        }
        r.check(hostHeader == null || !hostHeader.isBlank(), "host", quote(hostHeader)
                + " (expected: non-blank or absent)");
        if (expectedStatuses == null || expectedStatuses.isEmpty()) {
            r.add("expected_statuses", expectedStatuses + " (expected: at least one range)");
        } else if (expectedStatuses.stream().anyMatch(Objects::isNull)) {
            r.add("expected_statuses", expectedStatuses + " (expected: no null entries)");
        }
        r.positive("interval", interval);
        r.positive("timeout", timeout);
        // A probe still running when the next one is due would overlap it and double the load on a slow target.
        if (interval != null && timeout != null && timeout.compareTo(interval) > 0) {
            r.add("timeout", OptionRules.format(timeout) + " (expected: <= interval " + OptionRules.format(interval)
                    + ")");
        }
        r.range("jitter", jitterPercent, 0, 100);
        r.range("unhealthy_threshold", unhealthyThreshold, 1, MAX_THRESHOLD);
        r.range("healthy_threshold", healthyThreshold, 1, MAX_THRESHOLD);
        r.throwIfAny();
        expectedStatuses = List.copyOf(expectedStatuses);
    }

    /** An HTTP check of {@code path} with every other field at its default. */
    public static Builder http(String path) {
        return new Builder(Protocol.HTTP, path);
    }

    /**
     * A gRPC health check ({@code grpc.health.v1.Health/Check} with {@code service}; {@code ""} for the whole server)
     * with every other field at its default.
     */
    public static Builder grpc(String service) {
        return new Builder(Protocol.GRPC, service);
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
