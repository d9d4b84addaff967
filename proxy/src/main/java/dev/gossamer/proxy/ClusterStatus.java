package dev.gossamer.proxy;

import java.util.List;

/**
 * A snapshot of one cluster for the admin API. A value.
 *
 * @param name      cluster name
 * @param policy    balancing policy name
 * @param protocol  upstream protocol
 * @param active    requests in flight to the cluster
 * @param panic     whether panic mode is on: too few endpoints pass the health filter, so all are used
 * @param endpoints every endpoint known, including filtered and dead ones
 */
public record ClusterStatus(String name, String policy, Protocol protocol, int active, boolean panic,
                            List<EndpointStatus> endpoints) {

    public ClusterStatus {
        endpoints = List.copyOf(endpoints);
    }

    /**
     * One endpoint.
     *
     * @param id               endpoint id
     * @param address          host:port
     * @param weight           weight
     * @param eligible         passes the cluster's health filter
     * @param down             marked dead by a connect failure and skipped by picks
     * @param downForMillis    time until the next restore attempt when down, else 0
     * @param active           tries in flight
     * @param total            tries started
     * @param connectFailures  tries that could not connect
     * @param resets           tries whose connection broke
     * @param timeouts         tries that timed out
     * @param http5xx          tries answered with 5xx
     * @param meanLatencyMillis mean time to response headers of answered tries (0 when none)
     */
    public record EndpointStatus(String id, String address, int weight, boolean eligible, boolean down,
                                 long downForMillis, int active, long total, long connectFailures, long resets,
                                 long timeouts, long http5xx, double meanLatencyMillis) {
    }
}
