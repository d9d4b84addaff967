package dev.gossamer.config;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Set;

/**
 * A route's retry policy ({@code routes[i].retries}) as the user wrote it, in Envoy's vocabulary. A retry goes to a
 * different endpoint when one exists. Every field is optional: an empty one takes the proxy's default
 * ({@code RetrySpec} owns every default, range and its reason).
 *
 * @param attempts            retries after the first try (0 disables)
 * @param retryOn             the outcomes that are retried
 * @param perTryTimeout       timeout of each try; 0 means only the route timeout applies
 * @param budgetPercent       retry budget, in percent of active requests
 * @param minRetryConcurrency retries always allowed regardless of the budget
 * @param retryNonIdempotent  also retry POST/PATCH (and other non-idempotent methods) after the request was sent
 */
public record RetryConfig(OptionalInt attempts, Optional<Set<RetryOn>> retryOn, Optional<Duration> perTryTimeout,
                          OptionalDouble budgetPercent, OptionalInt minRetryConcurrency,
                          Optional<Boolean> retryNonIdempotent) {

    /** What outcome a retry policy retries; YAML spells them in lower case. */
    public enum RetryOn {
        /** The TCP connect failed or timed out: nothing was sent. */
        CONNECT_FAILURE,
        /** The upstream reset or closed the connection before a response. */
        RESET,
        /** 502, 503 or 504 from upstream. */
        GATEWAY_ERROR,
        /** Any 5xx from upstream, and timeouts of a try. */
        _5XX,
        /** gRPC: a trailers-only response with grpc-status CANCELLED (1). */
        CANCELLED,
        /** gRPC: a trailers-only response with grpc-status DEADLINE_EXCEEDED (4). */
        DEADLINE_EXCEEDED,
        /** gRPC: a trailers-only response with grpc-status RESOURCE_EXHAUSTED (8). */
        RESOURCE_EXHAUSTED,
        /** gRPC: a trailers-only response with grpc-status UNAVAILABLE (14). */
        UNAVAILABLE;

        /** The YAML spelling. */
        public String yamlName() {
            return this == _5XX ? "5xx" : name().toLowerCase(Locale.ROOT);
        }
    }

    /** No {@code retries:} key: every value is the proxy's default. */
    public static final RetryConfig UNSET = new RetryConfig(OptionalInt.empty(), Optional.empty(), Optional.empty(),
            OptionalDouble.empty(), OptionalInt.empty(), Optional.empty());

    public RetryConfig {
        Objects.requireNonNull(attempts, "attempts");
        retryOn = Objects.requireNonNull(retryOn, "retryOn")
                .map(r -> r.isEmpty() ? Set.<RetryOn>of() : Collections.unmodifiableSet(EnumSet.copyOf(r)));
        Objects.requireNonNull(perTryTimeout, "perTryTimeout");
        Objects.requireNonNull(budgetPercent, "budgetPercent");
        Objects.requireNonNull(minRetryConcurrency, "minRetryConcurrency");
        Objects.requireNonNull(retryNonIdempotent, "retryNonIdempotent");
    }
}
