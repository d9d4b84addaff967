package dev.gossamer.config;

import java.util.Objects;

/**
 * One static endpoint of a cluster ({@code clusters[i].endpoints[j]}), written {@code 127.0.0.1:8081} or
 * {@code {address: 127.0.0.1:8082, weight: 200, zone: z}}.
 *
 * @param address the endpoint, port 1..65535; unique within the cluster
 * @param weight  relative weight, 1..{@link ServiceConfig#MAX_WEIGHT} (default {@link ServiceConfig#DEFAULT_WEIGHT})
 * @param zone    locality zone, or {@code ""} when unknown
 */
public record EndpointConfig(HostPort address, int weight, String zone) {

    public EndpointConfig {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(zone, "zone");
    }
}
