package dev.gossamer.proxy;

import dev.gossamer.balancer.Endpoint;

/**
 * Hears the outcome of every try (passive health / outlier detection plugs in here).
 *
 * <p>Threading: called on the event loop that served the request, for every try, so it must be quick and
 * non-blocking and thread-safe (many event loops call it at once). An exception it throws is swallowed.
 */
@FunctionalInterface
public interface OutcomeListener {

    /**
     * @param cluster      the cluster's name
     * @param endpoint     the endpoint tried
     * @param outcome      what happened
     * @param latencyNanos from the start of the try until response headers or the failure
     */
    void onOutcome(String cluster, Endpoint endpoint, TryOutcome outcome, long latencyNanos);
}
