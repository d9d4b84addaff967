package dev.gossamer.proxy;

import dev.gossamer.balancer.BalancingPolicy;
import dev.gossamer.balancer.Endpoint;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One upstream cluster. Immutable.
 *
 * @param name                      unique cluster name
 * @param endpoints                 static endpoints, or null for a dynamic cluster whose endpoints come from
 *                                  {@link DataPlane#setEndpoints}
 * @param policy                    balancing policy
 * @param hashOn                    the request part hashed for consistent-hashing policies
 * @param protocol                  what the endpoints speak
 * @param connectTimeout            TCP connect timeout, > 0
 * @param maxConnectionsPerEndpoint connection pool size per endpoint, >= 1
 */
public record ClusterSpec(String name, List<Endpoint> endpoints, BalancingPolicy policy, HashOn hashOn,
                          Protocol protocol, Duration connectTimeout, int maxConnectionsPerEndpoint) {

    /** Envoy's default connect timeout is 5 s; inside a mesh a live endpoint accepts far faster. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(1);
    /** Enough parallel keep-alive connections per endpoint for a busy sidecar without exhausting the peer. */
    public static final int DEFAULT_MAX_CONNECTIONS_PER_ENDPOINT = 64;

    public ClusterSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(hashOn, "hashOn");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name: \"\" (expected: non-blank)");
        }
        if (endpoints != null) {
            endpoints = List.copyOf(endpoints);
            checkUniqueIds(endpoints);
        }
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("connectTimeout: " + connectTimeout + " (expected: > 0)");
        }
        if (maxConnectionsPerEndpoint < 1) {
            throw new IllegalArgumentException("maxConnectionsPerEndpoint: " + maxConnectionsPerEndpoint
                    + " (expected: >= 1)");
        }
    }

    /** A static HTTP/1.1 cluster with defaults for the rest. */
    public static ClusterSpec of(String name, List<Endpoint> endpoints, BalancingPolicy policy) {
        return new ClusterSpec(name, endpoints, policy, HashOn.NONE, Protocol.HTTP1, DEFAULT_CONNECT_TIMEOUT,
                DEFAULT_MAX_CONNECTIONS_PER_ENDPOINT);
    }

    public ClusterSpec withEndpoints(List<Endpoint> newEndpoints) {
        return new ClusterSpec(name, newEndpoints, policy, hashOn, protocol, connectTimeout,
                maxConnectionsPerEndpoint);
    }

    public ClusterSpec withProtocol(Protocol p) {
        return new ClusterSpec(name, endpoints, policy, hashOn, p, connectTimeout, maxConnectionsPerEndpoint);
    }

    public ClusterSpec withHashOn(HashOn h) {
        return new ClusterSpec(name, endpoints, policy, h, protocol, connectTimeout, maxConnectionsPerEndpoint);
    }

    public ClusterSpec withConnectTimeout(Duration d) {
        return new ClusterSpec(name, endpoints, policy, hashOn, protocol, d, maxConnectionsPerEndpoint);
    }

    /** True when both specs need the same connections (so pools can be kept across an apply). */
    boolean sameTransport(ClusterSpec other) {
        return protocol == other.protocol && connectTimeout.equals(other.connectTimeout)
                && maxConnectionsPerEndpoint == other.maxConnectionsPerEndpoint;
    }

    static void checkUniqueIds(List<Endpoint> endpoints) {
        Set<String> ids = new HashSet<>();
        for (Endpoint e : endpoints) {
            if (!ids.add(e.id())) {
                throw new IllegalArgumentException("endpoints: duplicate id " + e.id() + " (expected: unique ids)");
            }
        }
    }
}
