package dev.gossamer.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What requests a route takes ({@code routes[i].match}); every given condition must hold.
 *
 * <p>Regular expressions are {@link java.util.regex.Pattern} syntax, validated by the loader, matched against
 * the whole path (not a find). Consumers compile them once.
 *
 * @param authority the {@code :authority}/{@code Host} to match, case-insensitively: {@code orders},
 *                  {@code orders:8080}, {@code *.example.com} or {@code *}; empty means any
 * @param pathKind  how {@code path} matches (default: prefix {@code /}, i.e. every path)
 * @param path      the prefix, the exact path, or the regex
 * @param headers   header conditions (default none)
 * @param methods   upper-case HTTP methods, any of which matches; empty means any method
 */
public record RouteMatchConfig(Optional<String> authority, PathKind pathKind, String path, List<HeaderMatchConfig> headers,
                         List<String> methods) {

    /** How the request path is matched. */
    public enum PathKind {
        /** {@code path_prefix}: the path starts with the value. */
        PREFIX,
        /** {@code path}: the path (without query) equals the value. */
        EXACT,
        /** {@code path_regex}: the whole path matches the regex. */
        REGEX
    }

    /** Matches every request: {@code path_prefix: /}. */
    public static final RouteMatchConfig ANY = new RouteMatchConfig(Optional.empty(), PathKind.PREFIX, "/", List.of(), List.of());

    public RouteMatchConfig {
        Objects.requireNonNull(authority, "authority");
        Objects.requireNonNull(pathKind, "pathKind");
        Objects.requireNonNull(path, "path");
        headers = List.copyOf(headers);
        methods = List.copyOf(methods);
    }
}
