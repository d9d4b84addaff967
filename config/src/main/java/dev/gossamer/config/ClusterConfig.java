package dev.gossamer.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One upstream cluster ({@code clusters[i]} in mesh.yaml).
 *
 * @param name                      unique among clusters; also the service name looked up in membership
 * @param endpoints                 static endpoints; empty means the endpoints come from membership (the members
 *                                  serving the service called {@code name})
 * @param protocol                  how the sidecar talks to the endpoints (default {@link #DEFAULT_PROTOCOL})
 * @param balancer                  the balancing policy (default {@link BalancerConfig#DEFAULT})
 * @param connectTimeout            TCP connect timeout, > 0 (default {@link #DEFAULT_CONNECT_TIMEOUT})
 * @param maxConnectionsPerEndpoint connection pool size per endpoint, 1..1_000_000
 * @param healthCheck               active checks the calling sidecar runs against static endpoints; empty: none
 * @param outlierDetection          passive ejection of failing endpoints; empty: disabled (as in Envoy)
 * @param panicThresholdPercent     when fewer than this percent of endpoints are healthy, balance over all of them
 *                                  (Envoy's panic mode), 0..100; 0 disables
 * @param slowStart                 ramp-up of new endpoints' weight; empty: disabled
 */
public record ClusterConfig(
        String name,
        Optional<List<EndpointConfig>> endpoints,
        Protocol protocol,
        BalancerConfig balancer,
        Duration connectTimeout,
        int maxConnectionsPerEndpoint,
        Optional<HealthCheckConfig> healthCheck,
        Optional<OutlierDetectionConfig> outlierDetection,
        double panicThresholdPercent,
        Optional<SlowStartConfig> slowStart) {

    /** The upstream protocol; YAML spells them {@code http1}, {@code http2}. */
    public enum Protocol { HTTP1, HTTP2 }

    /** Every HTTP server speaks HTTP/1.1. */
    public static final Protocol DEFAULT_PROTOCOL = Protocol.HTTP1;
    /** Envoy's cluster connect_timeout default. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** Envoy's circuit-breaker max_connections default. */
    public static final int DEFAULT_MAX_CONNECTIONS_PER_ENDPOINT = 1024;
    /** Envoy's healthy_panic_threshold default. */
    public static final double DEFAULT_PANIC_THRESHOLD_PERCENT = 50;

    public ClusterConfig {
        Objects.requireNonNull(name, "name");
        endpoints = Objects.requireNonNull(endpoints, "endpoints").map(List::copyOf);
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(balancer, "balancer");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(healthCheck, "healthCheck");
        Objects.requireNonNull(outlierDetection, "outlierDetection");
        Objects.requireNonNull(slowStart, "slowStart");
    }
}
