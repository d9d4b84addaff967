package dev.gossamer.balancer;

import java.util.Map;
import java.util.Objects;

/**
 * One upstream instance a picker can choose: an immutable value.
 *
 * @param id       stable identity, unique within a cluster ({@code host:port} unless given); consistent hashing
 *                 hashes the id, so every sidecar with the same endpoint set maps a key to the same endpoint
 * @param host     host name or IP literal to connect to
 * @param port     TCP port, 1..65535
 * @param weight   relative weight, 1..1_000_000 (Envoy's range is 1..2^32; we keep sums inside a long)
 * @param zone     locality zone, or "" when unknown
 * @param metadata free-form labels (tags); never null
 */
public record Endpoint(String id, String host, int port, int weight, String zone, Map<String, String> metadata) {

    /** Largest accepted weight. */
    public static final int MAX_WEIGHT = 1_000_000;

    public Endpoint {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(zone, "zone");
        metadata = Map.copyOf(Objects.requireNonNull(metadata, "metadata"));
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 1..65535)");
        }
        if (weight < 1 || weight > MAX_WEIGHT) {
            throw new IllegalArgumentException("weight: " + weight + " (expected: 1.." + MAX_WEIGHT + ")");
        }
    }

    /** An endpoint with id {@code host:port}, weight 1, no zone and no metadata. */
    public static Endpoint of(String host, int port) {
        return new Endpoint(host + ":" + port, host, port, 1, "", Map.of());
    }

    /** An endpoint with id {@code host:port}, the given weight, no zone and no metadata. */
    public static Endpoint of(String host, int port, int weight) {
        return new Endpoint(host + ":" + port, host, port, weight, "", Map.of());
    }

    /** The same endpoint with another weight (slow start ramps weights this way). */
    public Endpoint withWeight(int newWeight) {
        return new Endpoint(id, host, port, newWeight, zone, metadata);
    }

    /** {@code host:port}, with IPv6 literals bracketed. */
    public String authority() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
