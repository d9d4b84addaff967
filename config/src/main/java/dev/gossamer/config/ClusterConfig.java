package dev.gossamer.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * One upstream cluster ({@code clusters[i]} in mesh.yaml).
 *
 * @param name                      unique among clusters; also the service name looked up in membership
 * @param endpoints                 static endpoints; empty means the endpoints come from membership (the members
 *                                  serving the service called {@code name})
 * @param protocol                  how the sidecar talks to the endpoints (default {@link #DEFAULT_PROTOCOL})
 * @param balancer                  the balancing policy (default {@link BalancerConfig#DEFAULT})
 * @param connectTimeout            TCP connect timeout as written; empty: the proxy's default ({@code ClusterSpec})
 * @param maxConnectionsPerEndpoint connection pool size per endpoint as written; empty: the proxy's default
 * @param healthCheck               active checks the calling sidecar runs against static endpoints; empty: none
 * @param outlierDetection          passive ejection of failing endpoints; empty: disabled (as in Envoy)
 * @param panicThresholdPercent     when fewer than this percent of endpoints are healthy, balance over all of them
 *                                  (Envoy's panic mode); 0 disables; empty: the proxy's default
 * @param slowStart                 ramp-up of new endpoints' weight; empty: disabled
 * @param circuitBreakers           the cluster's circuit breakers as written; empty: the proxy's defaults
 */
public record ClusterConfig(
        String name,
        Optional<List<EndpointConfig>> endpoints,
        Protocol protocol,
        BalancerConfig balancer,
        Optional<Duration> connectTimeout,
        OptionalInt maxConnectionsPerEndpoint,
        Optional<HealthCheckConfig> healthCheck,
        Optional<OutlierDetectionConfig> outlierDetection,
        OptionalDouble panicThresholdPercent,
        Optional<SlowStartConfig> slowStart,
        Optional<CircuitBreakersConfig> circuitBreakers) {

    /** The upstream protocol; YAML spells them {@code http1}, {@code http2}. */
    public enum Protocol { HTTP1, HTTP2 }

    /** Every HTTP server speaks HTTP/1.1. */
    public static final Protocol DEFAULT_PROTOCOL = Protocol.HTTP1;

    public ClusterConfig {
        Objects.requireNonNull(name, "name");
        endpoints = Objects.requireNonNull(endpoints, "endpoints").map(List::copyOf);
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(balancer, "balancer");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(maxConnectionsPerEndpoint, "maxConnectionsPerEndpoint");
        Objects.requireNonNull(panicThresholdPercent, "panicThresholdPercent");
        Objects.requireNonNull(healthCheck, "healthCheck");
        Objects.requireNonNull(outlierDetection, "outlierDetection");
        Objects.requireNonNull(slowStart, "slowStart");
        Objects.requireNonNull(circuitBreakers, "circuitBreakers");
    }
}
