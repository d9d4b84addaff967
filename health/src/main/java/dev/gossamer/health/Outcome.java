package dev.gossamer.health;

/**
 * What happened to one proxied request, as the proxy reports it to {@link OutlierDetector#record}.
 *
 * <ul>
 *   <li>{@link #SUCCESS}: any response below 500 (a 404 is the application's answer, not a sick host).</li>
 *   <li>{@link #http5xx(int)}: a 5xx response; 502, 503 and 504 are also <em>gateway failures</em>
 *       (Envoy's {@code consecutive_gateway_failure}).</li>
 *   <li>{@link #LOCAL_ORIGIN_FAILURE}: the proxy got no response at all: connect refused, reset, timeout.</li>
 * </ul>
 *
 * <p>Instances are shared constants; {@link #ofStatus(int)} allocates nothing, so the hot path stays cheap.
 */
public final class Outcome {

    /** The kind of outcome. */
    public enum Kind { SUCCESS, HTTP_5XX, LOCAL_ORIGIN_FAILURE }

    public static final Outcome SUCCESS = new Outcome(Kind.SUCCESS, 0);
    public static final Outcome LOCAL_ORIGIN_FAILURE = new Outcome(Kind.LOCAL_ORIGIN_FAILURE, 0);

    private static final Outcome[] HTTP_5XX = new Outcome[100];

    static {
        for (int i = 0; i < HTTP_5XX.length; i++) {
            HTTP_5XX[i] = new Outcome(Kind.HTTP_5XX, 500 + i);
        }
    }

    private final Kind kind;
    private final int status;

    private Outcome(Kind kind, int status) {
        this.kind = kind;
        this.status = status;
    }

    /** A 5xx response with {@code status} in 500..599. */
    public static Outcome http5xx(int status) {
        if (status < 500 || status > 599) {
            throw new IllegalArgumentException("status: " + status + " (expected: 500..599)");
        }
        return HTTP_5XX[status - 500];
    }

    /** The outcome of a request that got an HTTP response with {@code status}: 5xx or {@link #SUCCESS}. */
    public static Outcome ofStatus(int status) {
        return status >= 500 && status <= 599 ? HTTP_5XX[status - 500] : SUCCESS;
    }

    public Kind kind() {
        return kind;
    }

    /** The HTTP status for {@link Kind#HTTP_5XX}, else 0. */
    public int status() {
        return status;
    }

    /** 502, 503 or 504: the upstream is there but cannot serve (Envoy's gateway failure). */
    public boolean gatewayFailure() {
        return status == 502 || status == 503 || status == 504;
    }

    @Override
    public String toString() {
        return kind == Kind.HTTP_5XX ? "HTTP_5XX(" + status + ")" : kind.name();
    }
}
