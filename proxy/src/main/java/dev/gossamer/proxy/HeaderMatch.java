package dev.gossamer.proxy;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A condition on one request header: its value equals {@code exact}, or fully matches {@code regex}, or (both
 * null) the header is merely present. Header names compare case-insensitively. Immutable; build with
 * {@link #exact}, {@link #regex} or {@link #present}.
 *
 * @param name  header name (stored lower-case)
 * @param exact the exact value, or null
 * @param regex a pattern the whole value must match, or null
 */
public record HeaderMatch(String name, String exact, Pattern regex) {

    public HeaderMatch {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name: \"\" (expected: non-blank)");
        }
        if (exact != null && regex != null) {
            throw new IllegalArgumentException("exact and regex: both set (expected: at most one)");
        }
        name = name.toLowerCase(Locale.ROOT);
    }

    public static HeaderMatch exact(String name, String value) {
        return new HeaderMatch(name, Objects.requireNonNull(value, "value"), null);
    }

    public static HeaderMatch regex(String name, Pattern pattern) {
        return new HeaderMatch(name, null, Objects.requireNonNull(pattern, "pattern"));
    }

    public static HeaderMatch present(String name) {
        return new HeaderMatch(name, null, null);
    }

    /** True when {@code value} (null when the header is absent) satisfies this condition. */
    boolean test(String value) {
        if (value == null) {
            return false;
        }
        if (exact != null) {
            return exact.equals(value);
        }
        if (regex != null) {
            return regex.matcher(value).matches();
        }
        return true;
    }
}
