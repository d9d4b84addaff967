package dev.gossamer.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * An active health check ({@code health_check:} of a service in sidecar.yaml or of a cluster in mesh.yaml) as the
 * user wrote it: an HTTP GET of {@code path} whose status must fall in the expected statuses, a TCP connect, or
 * grpc's health checking protocol ({@code grpc.health.v1.Health/Check}) for a service name. The tuning fields are optional: an empty one takes the health module's default
 * ({@code HealthCheckOptions} owns every default, range and its reason).
 *
 * @param protocol           HTTP, TCP or GRPC ({@code http: PATH}, {@code tcp: true} or {@code grpc: SERVICE};
 *                           exactly one)
 * @param path               the HTTP path as written; for GRPC the service name as written ({@code ""}: the whole
 *                           server); {@code ""} for TCP
 * @param expectedStatuses   inclusive status ranges that count as healthy (HTTP only); empty: the module's default
 * @param interval           time between probes
 * @param timeout            probe timeout
 * @param jitterPercent      random extra wait per interval, in percent of it
 * @param unhealthyThreshold consecutive failures before unhealthy
 * @param healthyThreshold   consecutive successes before healthy again
 */
public record HealthCheckConfig(
        Protocol protocol,
        String path,
        Optional<List<StatusRange>> expectedStatuses,
        Optional<Duration> interval,
        Optional<Duration> timeout,
        OptionalDouble jitterPercent,
        OptionalInt unhealthyThreshold,
        OptionalInt healthyThreshold) {

    /** How the check probes. */
    public enum Protocol { HTTP, TCP, GRPC }

    /**
     * An inclusive range of HTTP statuses, written {@code 200} or {@code "200-399"}.
     *
     * @param from 100..599
     * @param to   from..599
     */
    public record StatusRange(int from, int to) {
    }

    /** An HTTP check of {@code path} with every tuning value unset. */
    public static HealthCheckConfig http(String path) {
        return new HealthCheckConfig(Protocol.HTTP, path, Optional.empty(), Optional.empty(), Optional.empty(),
                OptionalDouble.empty(), OptionalInt.empty(), OptionalInt.empty());
    }

    /** A gRPC health check of {@code service} with every tuning value unset. */
    public static HealthCheckConfig grpc(String service) {
        return new HealthCheckConfig(Protocol.GRPC, service, Optional.empty(), Optional.empty(), Optional.empty(),
                OptionalDouble.empty(), OptionalInt.empty(), OptionalInt.empty());
    }

    /** A TCP check with every tuning value unset. */
    public static HealthCheckConfig tcp() {
        return new HealthCheckConfig(Protocol.TCP, "", Optional.empty(), Optional.empty(), Optional.empty(),
                OptionalDouble.empty(), OptionalInt.empty(), OptionalInt.empty());
    }

    public HealthCheckConfig {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(path, "path");
        expectedStatuses = Objects.requireNonNull(expectedStatuses, "expectedStatuses").map(List::copyOf);
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(jitterPercent, "jitterPercent");
        Objects.requireNonNull(unhealthyThreshold, "unhealthyThreshold");
        Objects.requireNonNull(healthyThreshold, "healthyThreshold");
    }
}
