package dev.gossamer.proxy;

/**
 * The result of one try against one endpoint, as reported to {@link OutcomeListener}s. A value.
 *
 * @param kind   what happened
 * @param status the HTTP status for {@link Kind#SUCCESS} and {@link Kind#HTTP_5XX}; 0 otherwise
 */
public record TryOutcome(Kind kind, int status) {

    /** What happened to one try. */
    public enum Kind { SUCCESS, HTTP_5XX, CONNECT_FAILURE, RESET, TIMEOUT }

    public static final TryOutcome CONNECT_FAILURE = new TryOutcome(Kind.CONNECT_FAILURE, 0);
    public static final TryOutcome RESET = new TryOutcome(Kind.RESET, 0);
    public static final TryOutcome TIMEOUT = new TryOutcome(Kind.TIMEOUT, 0);

    /** SUCCESS for status < 500, HTTP_5XX otherwise. */
    public static TryOutcome ofStatus(int status) {
        return new TryOutcome(status >= 500 ? Kind.HTTP_5XX : Kind.SUCCESS, status);
    }
}
