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
 */
public record RouteSpec(String name, String listener, RouteMatch match, String cluster, Duration timeout,
                        RetrySpec retries) {

    /** Envoy's default route timeout. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);

    public RouteSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(match, "match");
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(retries, "retries");
        new OptionRules()
                .check(!name.isBlank(), "name", "\"\" (expected: non-blank)")
                .nonNegative("timeout", timeout)
                .throwIfAny();
    }

    /** A route with the default timeout and retries. */
    public static RouteSpec of(String name, String listener, RouteMatch match, String cluster) {
        return new RouteSpec(name, listener, match, cluster, DEFAULT_TIMEOUT, RetrySpec.DEFAULT);
    }

    public RouteSpec withTimeout(Duration d) {
        return new RouteSpec(name, listener, match, cluster, d, retries);
    }

    public RouteSpec withRetries(RetrySpec r) {
        return new RouteSpec(name, listener, match, cluster, timeout, r);
    }
}
