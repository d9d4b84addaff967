package dev.gossamer.proxy;

/** The failures a route may retry (Envoy's {@code retry_on} vocabulary). */
public enum RetryOn {
    /** The connection to the endpoint could not be opened (refused, connect timeout); any method. */
    CONNECT_FAILURE,
    /** The connection or stream broke before a response arrived; any method while the body is replayable. */
    RESET,
    /** 502, 503, 504 from the endpoint, or a per-try timeout; idempotent methods unless the route allows all. */
    GATEWAY_ERROR,
    /** Any 5xx from the endpoint, or a per-try timeout; idempotent methods unless the route allows all. */
    SERVER_ERROR_5XX
}
