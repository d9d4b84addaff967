package dev.gossamer.proxy;

import dev.gossamer.common.OptionRules;
import java.time.Duration;
import java.util.Objects;

/**
 * One route: requests on {@code listener} that satisfy {@code match} go to {@code cluster}. Immutable.
 *
 * @param name     unique route name (metrics tag)
 * @param listener the listener the route belongs to
 * @param match    the request condition
 * @param cluster  the target cluster's name
 * @param timeout  the whole exchange, every try and the response body included (Envoy's route timeout); past it the
 *                 client gets 504, or its connection or stream is reset when the response head is already out;
 *                 {@link Duration#ZERO} = none (long-lived streams)
 * @param retries  retry policy; {@link RetrySpec#NONE} for none
 * @param idleTimeout no bytes in either direction for this long ends the exchange (Envoy's route
 *                 {@code idle_timeout}): what bounds a long-lived stream (gRPC streaming, downloads) on a route with
 *                 {@code timeout} 0, without cutting a healthy one; a gRPC call ends with {@code grpc-status} 4;
 *                 {@link Duration#ZERO} = none. Armed only when it can fire before the route timeout.
 */
public record RouteSpec(String name, String listener, RouteMatch match, String cluster, Duration timeout,
                        RetrySpec retries, Duration idleTimeout) {

    /** Envoy's default route timeout. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);
    /** Envoy's default stream idle timeout: a stream silent for five minutes is presumed dead. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(5);

    public RouteSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(match, "match");
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(retries, "retries");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        new OptionRules()
                .check(!name.isBlank(), "name", "\"\" (expected: non-blank)")
                .nonNegative("timeout", timeout)
                .nonNegative("idle_timeout", idleTimeout)
                .throwIfAny();
    }

    /** A route with the default timeouts and retries. */
    public static RouteSpec of(String name, String listener, RouteMatch match, String cluster) {
        return new RouteSpec(name, listener, match, cluster, DEFAULT_TIMEOUT, RetrySpec.DEFAULT, DEFAULT_IDLE_TIMEOUT);
    }

    public RouteSpec withTimeout(Duration d) {
        return new RouteSpec(name, listener, match, cluster, d, retries, idleTimeout);
    }

    public RouteSpec withRetries(RetrySpec r) {
        return new RouteSpec(name, listener, match, cluster, timeout, r, idleTimeout);
    }

    public RouteSpec withIdleTimeout(Duration d) {
        return new RouteSpec(name, listener, match, cluster, timeout, retries, d);
    }
}
