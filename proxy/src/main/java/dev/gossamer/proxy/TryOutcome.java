package dev.gossamer.proxy;

/**
 * The result of one try against one endpoint, as reported to {@link OutcomeListener}s. A value.
 *
 * <p>A gRPC call's outcome is its {@code grpc-status}, not the HTTP 200 that carries it: {@link #ofGrpc} classifies
 * it by the HTTP status the code stands for ({@link Grpc#httpStatusOf}, Envoy's mapping), so UNAVAILABLE (14) is an
 * {@link Kind#HTTP_5XX} with status 503 for outlier detection, and NOT_FOUND (5) a {@link Kind#SUCCESS} with 404.
 *
 * @param kind       what happened
 * @param status     the HTTP status (for gRPC: the one its grpc-status stands for) for {@link Kind#SUCCESS} and
 *                   {@link Kind#HTTP_5XX}; 0 otherwise
 * @param grpcStatus the {@code grpc-status} of a gRPC response; -1 for any other outcome
 */
public record TryOutcome(Kind kind, int status, int grpcStatus) {

    /** What happened to one try. */
    public enum Kind { SUCCESS, HTTP_5XX, CONNECT_FAILURE, RESET, TIMEOUT }

    public static final TryOutcome CONNECT_FAILURE = new TryOutcome(Kind.CONNECT_FAILURE, 0);
    public static final TryOutcome RESET = new TryOutcome(Kind.RESET, 0);
    public static final TryOutcome TIMEOUT = new TryOutcome(Kind.TIMEOUT, 0);

    /** A non-gRPC outcome. */
    public TryOutcome(Kind kind, int status) {
        this(kind, status, -1);
    }

    /** SUCCESS for status < 500, HTTP_5XX otherwise; one instance per status (a value, so the same each time). */
    public static TryOutcome ofStatus(int status) {
        if (status < 0 || status >= BY_STATUS.length) {
            return new TryOutcome(status >= 500 ? Kind.HTTP_5XX : Kind.SUCCESS, status);
        }
        TryOutcome o = BY_STATUS[status];
        if (o == null) { // a racy fill is harmless: a record's fields are final, so any thread sees it whole
            BY_STATUS[status] = o = new TryOutcome(status >= 500 ? Kind.HTTP_5XX : Kind.SUCCESS, status);
        }
        return o;
    }

    private static final TryOutcome[] BY_STATUS = new TryOutcome[600]; // an outcome per response, no object each

    /** A gRPC response that ended with {@code grpcStatus}: HTTP_5XX when the code stands for a 5xx. */
    public static TryOutcome ofGrpc(int grpcStatus) {
        int http = Grpc.httpStatusOf(grpcStatus);
        return new TryOutcome(http >= 500 ? Kind.HTTP_5XX : Kind.SUCCESS, http, grpcStatus);
    }
}
