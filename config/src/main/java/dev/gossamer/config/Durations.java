package dev.gossamer.config;

import java.time.Duration;

/**
 * The configuration's duration syntax ({@code 250ms}, {@code 5s}, {@code 1.5s}, {@code 1m30s}, {@code 1h},
 * {@code 0}) for other front ends, such as command-line options, so they accept exactly what YAML accepts.
 */
public final class Durations {

    private Durations() {}

    /**
     * Parses {@code text}; throws {@link IllegalArgumentException} with the expected form on bad input.
     */
    public static Duration parse(String text) {
        try {
            return Values.duration(text.trim());
        } catch (Values.BadValue e) {
            throw new IllegalArgumentException(text + " (expected: " + e.expected + ")");
        }
    }

    /** The shortest spelling of {@code d}: {@code 500ms}, {@code 5s}, {@code 1m30s}. */
    public static String format(Duration d) {
        return Values.format(d);
    }
}
