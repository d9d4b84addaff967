package dev.gossamer.config;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One route ({@code routes[i]} in mesh.yaml): requests on {@code listener} that match {@code match} go to
 * {@code cluster}.
 *
 * @param name     unique among routes
 * @param listener the listener the route belongs to; empty means every listener
 * @param match    what requests the route takes (default: every request)
 * @param cluster  the name of a cluster in the same document
 * @param timeout  whole-request timeout including retries as written; 0 disables; empty: the proxy's default
 *                 ({@code RouteSpec})
 * @param retries  the retry policy as written ({@link RetryConfig#UNSET} when absent)
 * @param idleTimeout time without bytes either way that ends a stream, as written; 0 disables; empty: the proxy's
 *                 default ({@code RouteSpec})
 */
public record RouteConfig(String name, Optional<String> listener, RouteMatchConfig match, String cluster, Optional<Duration> timeout,
                          RetryConfig retries, Optional<Duration> idleTimeout) {

    public RouteConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(match, "match");
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(retries, "retries");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
    }
}
