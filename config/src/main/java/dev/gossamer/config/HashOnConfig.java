package dev.gossamer.config;

import java.util.Objects;

/**
 * What a consistent-hash policy hashes ({@code hash_on:}), exactly one of {@code {header: NAME}},
 * {@code {cookie: NAME}}, {@code {query_parameter: NAME}}, {@code {source_ip: true}}, {@code {path: true}}.
 * A request without the header, cookie or parameter gets a random endpoint.
 *
 * @param kind what to hash
 * @param name the header (lower-cased), cookie or query parameter name; {@code ""} for source IP and path
 */
public record HashOnConfig(Kind kind, String name) {

    /** The hash key source. */
    public enum Kind { HEADER, COOKIE, QUERY_PARAMETER, SOURCE_IP, PATH }

    public HashOnConfig {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
    }
}
