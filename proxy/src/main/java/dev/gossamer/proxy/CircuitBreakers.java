package dev.gossamer.proxy;

import dev.gossamer.common.OptionRules;

/**
 * A cluster's circuit breakers, in Envoy's names and meaning ({@code circuit_breakers.thresholds}): hard ceilings
 * that stop one overloaded or hung cluster from taking every connection, buffer and event-loop turn of the sidecar.
 * Immutable; owns the defaults and ranges (broken rules are reported by their YAML keys in a
 * {@link dev.gossamer.common.InvalidOptionsException}).
 *
 * <p>What each one counts, over the whole cluster, and what happens past it (every overflow is counted in
 * {@code gossamer.breaker.overflows} with the breaker as the {@code breaker} label, and never charged to an endpoint by
 * outlier detection or health: the endpoint did nothing wrong):
 * <ul>
 *   <li>{@code max_connections}: connections open or opening to the cluster's endpoints (HTTP/1.1 clusters; an
 *       HTTP/2 cluster multiplexes and is bounded by {@code max_connections_per_endpoint}). Past it no new connection
 *       is opened: a request waits for one of the cluster's connections on its event loop (a pending request), or is
 *       answered 503 when that loop has none to wait for.</li>
 *   <li>{@code max_pending_requests}: requests waiting for a connection (the pool is full). Past it: 503.</li>
 *   <li>{@code max_requests}: requests in flight to the cluster. Past it: 503 at once, before any endpoint is
 *       picked.</li>
 *   <li>{@code max_retries}: retries in flight to the cluster. Past it the retry is not made and the client gets the
 *       failed try's answer (as Envoy does). The route's retry budget is the everyday limit; this is the ceiling
 *       above it for a cluster with very many requests in flight. Retries after a connect failure are outside it as
 *       they are outside the budget (they add no upstream work).</li>
 * </ul>
 *
 * <p>A 503 from a breaker carries {@code x-gossamer-reason: circuit breaker <name>} and
 * {@code x-gossamer-overloaded: true} (Envoy's {@code x-envoy-overloaded}: the answer came from the sidecar, not the
 * application, so a caller's own retry policy can tell them apart).
 *
 * @param maxConnections     1..{@link #MAX}
 * @param maxPendingRequests 0..{@link #MAX}; 0 = a request never waits for a connection
 * @param maxRequests        1..{@link #MAX}
 * @param maxRetries         0..{@link #MAX}; 0 = no retries that take from the budget
 */
public record CircuitBreakers(int maxConnections, int maxPendingRequests, int maxRequests, int maxRetries) {

    /** Envoy's default: far above what one sidecar's application needs, low enough to stop a runaway. */
    public static final int DEFAULT_MAX_CONNECTIONS = 1024;
    /** Envoy's default: a queue longer than this only turns an outage into latency. */
    public static final int DEFAULT_MAX_PENDING_REQUESTS = 1024;
    /** Envoy's default: a hung cluster holds at most this many requests (and their buffers). */
    public static final int DEFAULT_MAX_REQUESTS = 1024;
    /**
     * Envoy's default is 3, but Envoy ignores max_retries when a retry budget is set, and Gossamer's budget is always
     * on (20% of active requests, at least 3 in flight); 1024 keeps this a ceiling above the budget, not a second,
     * smaller budget.
     */
    public static final int DEFAULT_MAX_RETRIES = 1024;
    /** Beyond this a breaker never trips on one machine: a typo. */
    public static final int MAX = 1_000_000;

    /** Every default. */
    public static final CircuitBreakers DEFAULT = new CircuitBreakers(DEFAULT_MAX_CONNECTIONS,
            DEFAULT_MAX_PENDING_REQUESTS, DEFAULT_MAX_REQUESTS, DEFAULT_MAX_RETRIES);

    /** The breakers' names, as YAML keys, metric labels and in {@code x-gossamer-reason}. */
    public enum Breaker {
        MAX_CONNECTIONS, MAX_PENDING_REQUESTS, MAX_REQUESTS, MAX_RETRIES;

        /** The YAML key, e.g. {@code max_pending_requests}. */
        public String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public CircuitBreakers {
        new OptionRules()
                .range("circuit_breakers.max_connections", maxConnections, 1, MAX)
                .range("circuit_breakers.max_pending_requests", maxPendingRequests, 0, MAX)
                .range("circuit_breakers.max_requests", maxRequests, 1, MAX)
                .range("circuit_breakers.max_retries", maxRetries, 0, MAX)
                .throwIfAny();
    }
}
