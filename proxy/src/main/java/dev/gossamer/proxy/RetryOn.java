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
    SERVER_ERROR_5XX,
    /** gRPC: a trailers-only response with {@code grpc-status} 1 (CANCELLED); any method, as Envoy. */
    GRPC_CANCELLED(Grpc.CANCELLED),
    /** gRPC: a trailers-only response with {@code grpc-status} 4 (DEADLINE_EXCEEDED). */
    GRPC_DEADLINE_EXCEEDED(Grpc.DEADLINE_EXCEEDED),
    /** gRPC: a trailers-only response with {@code grpc-status} 8 (RESOURCE_EXHAUSTED). */
    GRPC_RESOURCE_EXHAUSTED(Grpc.RESOURCE_EXHAUSTED),
    /** gRPC: a trailers-only response with {@code grpc-status} 14 (UNAVAILABLE). */
    GRPC_UNAVAILABLE(Grpc.UNAVAILABLE);

    private final int grpcStatus;

    RetryOn() {
        this(-1);
    }

    RetryOn(int grpcStatus) {
        this.grpcStatus = grpcStatus;
    }

    /** The {@code grpc-status} this value retries; -1 for the HTTP conditions. */
    public int grpcStatus() {
        return grpcStatus;
    }
}
