package dev.gossamer.balancer;

import java.util.Objects;

/**
 * The outcome of one pick: an endpoint, or the reason there is none. A value, never an exception
 * (gRPC's {@code PickResult.withError}).
 */
public final class PickResult {

    private final Endpoint endpoint;
    private final String error;

    private PickResult(Endpoint endpoint, String error) {
        this.endpoint = endpoint;
        this.error = error;
    }

    public static PickResult of(Endpoint endpoint) {
        return new PickResult(Objects.requireNonNull(endpoint, "endpoint"), null);
    }

    /** No endpoint; {@code reason} is short and safe to show a client (e.g. "no healthy endpoint"). */
    public static PickResult noEndpoint(String reason) {
        return new PickResult(null, Objects.requireNonNull(reason, "reason"));
    }

    public boolean hasEndpoint() {
        return endpoint != null;
    }

    /** The chosen endpoint; null when {@link #hasEndpoint()} is false. */
    public Endpoint endpoint() {
        return endpoint;
    }

    /** Why nothing was picked; null when an endpoint was. */
    public String error() {
        return error;
    }

    @Override
    public String toString() {
        return endpoint != null ? "PickResult[" + endpoint.id() + "]" : "PickResult[error=" + error + "]";
    }
}
