package dev.gossamer.health;

/**
 * An inclusive range of HTTP status codes an HTTP health check accepts, such as {@code 200-399}.
 *
 * <p>Envoy's {@code expected_statuses} uses half-open {@code [start, end)} ranges; Gossamer writes both ends
 * inclusive because that is how people say it ("200 to 399").
 */
public record StatusRange(int from, int to) {

    public StatusRange {
        if (from < 100 || from > 599) {
            throw new IllegalArgumentException("from: " + from + " (expected: 100..599)");
        }
        if (to < from || to > 599) {
            throw new IllegalArgumentException("to: " + to + " (expected: " + from + "..599)");
        }
    }

    /** A range holding a single status. */
    public static StatusRange of(int status) {
        return new StatusRange(status, status);
    }

    /** Parses {@code "200"} or {@code "200-399"}. */
    public static StatusRange parse(String text) {
        String t = text.strip();
        int dash = t.indexOf('-');
        try {
            if (dash < 0) {
                return of(Integer.parseInt(t));
            }
            return new StatusRange(Integer.parseInt(t.substring(0, dash).strip()),
                    Integer.parseInt(t.substring(dash + 1).strip()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("status range: \"" + text + "\" (expected: NNN or NNN-NNN)", e);
        }
    }

    public boolean contains(int status) {
        return status >= from && status <= to;
    }

    @Override
    public String toString() {
        return from == to ? Integer.toString(from) : from + "-" + to;
    }
}
