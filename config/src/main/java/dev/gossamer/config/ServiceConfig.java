package dev.gossamer.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A service this node serves ({@code services[i]} in sidecar.yaml), advertised to the mesh by gossip. A cluster
 * without static endpoints takes its endpoints from the members serving the service of the same name.
 *
 * @param name        the service name; unique among this node's services
 * @param port        the local port the service listens on, 1..65535
 * @param weight      relative load-balancing weight, 1..{@link #MAX_WEIGHT} (default {@link #DEFAULT_WEIGHT})
 * @param tags        free-form labels (default none)
 * @param healthCheck the active check callers run against this instance; empty means none
 */
public record ServiceConfig(String name, int port, int weight, List<String> tags, Optional<HealthCheckConfig> healthCheck) {

    /** Envoy's load_balancing_weight default: all instances equal. */
    public static final int DEFAULT_WEIGHT = 1;

    /** Largest weight; the balancer keeps weight sums inside a long with this bound. */
    public static final int MAX_WEIGHT = 1_000_000;

    public ServiceConfig {
        Objects.requireNonNull(name, "name");
        tags = List.copyOf(tags);
        Objects.requireNonNull(healthCheck, "healthCheck");
    }
}
