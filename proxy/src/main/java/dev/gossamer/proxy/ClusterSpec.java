package dev.gossamer.proxy;

import dev.gossamer.balancer.BalancingPolicy;
import dev.gossamer.balancer.Endpoint;
import dev.gossamer.balancer.EndpointSelection;
import dev.gossamer.balancer.SlowStart;
import dev.gossamer.common.OptionRules;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One upstream cluster. Immutable. Owns the defaults and ranges of a cluster's transport settings
 * ({@code connect_timeout}, {@code max_connections_per_endpoint}, {@code panic_threshold}); broken rules are reported
 * by their YAML keys in a {@link dev.gossamer.common.InvalidOptionsException}.
 *
 * @param name                      unique cluster name
 * @param endpoints                 static endpoints, or null for a dynamic cluster whose endpoints come from
 *                                  {@link DataPlane#setEndpoints}
 * @param policy                    balancing policy
 * @param hashOn                    the request part hashed for consistent-hashing policies
 * @param protocol                  what the endpoints speak
 * @param connectTimeout            TCP connect timeout, > 0
 * @param maxConnectionsPerEndpoint connection pool size per endpoint, >= 1
 * @param panicThresholdPercent     0..100: when fewer than this share of the endpoints pass the health filter,
 *                                  balance over all of them (Envoy's panic mode); 0 turns it off
 * @param slowStart                 ramp of a newly usable endpoint's weight, or null for none; applied to round
 *                                  robin, random and least request (changing weights would move hash keys)
 * @param breakers                  the cluster's circuit breakers ({@link CircuitBreakers})
 */
public record ClusterSpec(String name, List<Endpoint> endpoints, BalancingPolicy policy, HashOn hashOn,
                          Protocol protocol, Duration connectTimeout, int maxConnectionsPerEndpoint,
                          int panicThresholdPercent, SlowStart slowStart, CircuitBreakers breakers) {

    /** Envoy's connect_timeout default: a loaded peer's accept queue or a lost SYN still gets a retransmit. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /**
     * Envoy's max_connections figure, per endpoint: far above one endpoint's need, low enough to stop a runaway (the
     * whole cluster's ceiling is {@link CircuitBreakers#maxConnections()}).
     */
    public static final int DEFAULT_MAX_CONNECTIONS_PER_ENDPOINT = 1024;
    /** A pool larger than this is a typo, not a plan. */
    public static final int MAX_CONNECTIONS_PER_ENDPOINT = 1_000_000;
    /** Envoy's healthy_panic_threshold: below half healthy, spreading over all beats overloading the few. */
    public static final int DEFAULT_PANIC_THRESHOLD_PERCENT = EndpointSelection.DEFAULT_PANIC_THRESHOLD_PERCENT;

    /** A cluster with the default panic threshold and circuit breakers, and no slow start. */
    public ClusterSpec(String name, List<Endpoint> endpoints, BalancingPolicy policy, HashOn hashOn,
                       Protocol protocol, Duration connectTimeout, int maxConnectionsPerEndpoint) {
        this(name, endpoints, policy, hashOn, protocol, connectTimeout, maxConnectionsPerEndpoint,
                DEFAULT_PANIC_THRESHOLD_PERCENT, null, CircuitBreakers.DEFAULT);
    }

    public ClusterSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(hashOn, "hashOn");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(breakers, "breakers");
        OptionRules r = new OptionRules();
        r.check(!name.isBlank(), "name", "\"\" (expected: non-blank)");
        if (endpoints != null) {
            endpoints = List.copyOf(endpoints);
            checkUniqueIds(endpoints);
        }
        r.range("panic_threshold", panicThresholdPercent, 0, 100);
        r.positive("connect_timeout", connectTimeout);
        r.range("max_connections_per_endpoint", maxConnectionsPerEndpoint, 1, MAX_CONNECTIONS_PER_ENDPOINT);
        r.throwIfAny();
    }

    /** A static HTTP/1.1 cluster with defaults for the rest. */
    public static ClusterSpec of(String name, List<Endpoint> endpoints, BalancingPolicy policy) {
        return new ClusterSpec(name, endpoints, policy, HashOn.NONE, Protocol.HTTP1, DEFAULT_CONNECT_TIMEOUT,
                DEFAULT_MAX_CONNECTIONS_PER_ENDPOINT);
    }

    public ClusterSpec withEndpoints(List<Endpoint> newEndpoints) {
        return new ClusterSpec(name, newEndpoints, policy, hashOn, protocol, connectTimeout,
                maxConnectionsPerEndpoint, panicThresholdPercent, slowStart, breakers);
    }

    public ClusterSpec withProtocol(Protocol p) {
        return new ClusterSpec(name, endpoints, policy, hashOn, p, connectTimeout, maxConnectionsPerEndpoint,
                panicThresholdPercent, slowStart, breakers);
    }

    public ClusterSpec withHashOn(HashOn h) {
        return new ClusterSpec(name, endpoints, policy, h, protocol, connectTimeout, maxConnectionsPerEndpoint,
                panicThresholdPercent, slowStart, breakers);
    }

    public ClusterSpec withConnectTimeout(Duration d) {
        return new ClusterSpec(name, endpoints, policy, hashOn, protocol, d, maxConnectionsPerEndpoint,
                panicThresholdPercent, slowStart, breakers);
    }

    /** The same cluster with another panic threshold and slow start (null: none). */
    public ClusterSpec withHealthBalancing(int newPanicThresholdPercent, SlowStart newSlowStart) {
        return new ClusterSpec(name, endpoints, policy, hashOn, protocol, connectTimeout, maxConnectionsPerEndpoint,
                newPanicThresholdPercent, newSlowStart, breakers);
    }

    /** The same cluster with other circuit breakers. */
    public ClusterSpec withBreakers(CircuitBreakers b) {
        return new ClusterSpec(name, endpoints, policy, hashOn, protocol, connectTimeout, maxConnectionsPerEndpoint,
                panicThresholdPercent, slowStart, b);
    }

    /** True when both specs need the same connections (so pools can be kept across an apply). */
    boolean sameTransport(ClusterSpec other) {
        return protocol == other.protocol && connectTimeout.equals(other.connectTimeout)
                && maxConnectionsPerEndpoint == other.maxConnectionsPerEndpoint
                && breakers.maxConnections() == other.breakers.maxConnections()
                && breakers.maxPendingRequests() == other.breakers.maxPendingRequests();
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
