package dev.gossamer.config;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * A cluster's circuit breakers as written ({@code clusters[i].circuit_breakers} in mesh.yaml), in Envoy's names. Holds
 * only what the user wrote; the defaults, ranges and meaning belong to the proxy ({@code CircuitBreakers}).
 *
 * @param maxConnections     connections open or opening to the cluster's endpoints
 * @param maxPendingRequests requests waiting for a connection
 * @param maxRequests        requests in flight to the cluster
 * @param maxRetries         retries in flight to the cluster
 */
public record CircuitBreakersConfig(OptionalInt maxConnections, OptionalInt maxPendingRequests,
                                    OptionalInt maxRequests, OptionalInt maxRetries) {

    /** Nothing written: every breaker at the proxy's default. */
    public static final CircuitBreakersConfig NONE = new CircuitBreakersConfig(OptionalInt.empty(),
            OptionalInt.empty(), OptionalInt.empty(), OptionalInt.empty());

    public CircuitBreakersConfig {
        Objects.requireNonNull(maxConnections, "maxConnections");
        Objects.requireNonNull(maxPendingRequests, "maxPendingRequests");
        Objects.requireNonNull(maxRequests, "maxRequests");
        Objects.requireNonNull(maxRetries, "maxRetries");
    }
}
