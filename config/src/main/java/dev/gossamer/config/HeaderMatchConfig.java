package dev.gossamer.config;

import java.util.Objects;

/**
 * One header condition of a route ({@code routes[i].match.headers[j]}): exactly one of {@code exact: VALUE},
 * {@code regex: REGEX} (whole-value match) or {@code present: true}.
 *
 * @param name  the header name, lower-cased (header names are case-insensitive)
 * @param kind  how the value is matched
 * @param value the exact value or the regex; {@code ""} for {@link Kind#PRESENT}
 */
public record HeaderMatchConfig(String name, Kind kind, String value) {

    /** How a header matches. */
    public enum Kind { EXACT, REGEX, PRESENT }

    public HeaderMatchConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(value, "value");
    }
}
