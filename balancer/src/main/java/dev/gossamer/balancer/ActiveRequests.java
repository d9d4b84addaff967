package dev.gossamer.balancer;

/**
 * A live view of in-flight requests, owned by the data plane and read by load-aware pickers
 * ({@code least_request}, bounded-load consistent hashing).
 *
 * <p>Pickers are immutable snapshots, but load is not: the proxy increments a counter when it starts a request
 * to an endpoint and decrements it when the request ends, and the picker reads the current values through this
 * interface. Implementations must be thread-safe and cheap (an atomic read); values may be slightly stale.
 */
public interface ActiveRequests {

    /** In-flight requests to {@code endpoint} right now (0 for an endpoint the view does not know). */
    int active(Endpoint endpoint);

    /** In-flight requests to the whole cluster right now. */
    int total();

    /** A view in which nothing is ever in flight: load-aware policies then behave like their plain variants. */
    static ActiveRequests none() {
        return NoActiveRequests.INSTANCE;
    }
}

enum NoActiveRequests implements ActiveRequests {
    INSTANCE;

    @Override
    public int active(Endpoint endpoint) {
        return 0;
    }

    @Override
    public int total() {
        return 0;
    }
}
