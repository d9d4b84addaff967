package dev.gossamer.health;

import java.util.Objects;

/**
 * The result of one probe: passed, or failed for a {@link Failure} reason, with a short human detail
 * ({@code "status 503"}, {@code "connection refused"}) for logs and the admin API.
 */
public record ProbeResult(Failure failure, String detail) {

    /** Why a probe failed; also the {@code reason} tag of {@code gossamer_health_probe_failures_total}. */
    public enum Failure {
        /** No result within the check's timeout (connect, request or response). */
        TIMEOUT,
        /** The connection could not be made or broke (refused, reset, closed, unresolvable host). */
        CONNECT,
        /**
         * An HTTP response arrived with a status outside {@code expected_statuses}, or a gRPC check's answer was not
         * {@code grpc-status} 0 with SERVING.
         */
        STATUS;

        /** The metric tag value: {@code timeout}, {@code connect}, {@code status}. */
        public String tag() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public ProbeResult {
        Objects.requireNonNull(detail, "detail");
    }

    public static ProbeResult passed(String detail) {
        return new ProbeResult(null, detail);
    }

    public static ProbeResult failed(Failure failure, String detail) {
        return new ProbeResult(Objects.requireNonNull(failure, "failure"), detail);
    }

    public boolean healthy() {
        return failure == null;
    }

    @Override
    public String toString() {
        return healthy() ? "passed: " + detail : failure.tag() + ": " + detail;
    }
}
