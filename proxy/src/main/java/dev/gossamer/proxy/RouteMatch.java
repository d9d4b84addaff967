package dev.gossamer.proxy;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What a request must look like for a route to take it; every non-null condition must hold. Immutable.
 *
 * @param authority  host (without port) the request's Host / {@code :authority} must name, case-insensitively;
 *                   {@code *.example.com} matches any sub-domain (not {@code example.com} itself); null or
 *                   {@code *} = any (Envoy's {@code domains: ["*"]})
 * @param path       exact path (query excluded), or null
 * @param pathPrefix path prefix, or null
 * @param pathRegex  a pattern the whole path must match, or null
 * @param headers    header conditions, all must hold; never null
 * @param methods    accepted methods (upper-case names); empty = any
 */
public record RouteMatch(String authority, String path, String pathPrefix, Pattern pathRegex,
                         List<HeaderMatch> headers, Set<String> methods) {

    /** Matches every request. */
    public static final RouteMatch ANY = new RouteMatch(null, null, null, null, List.of(), Set.of());

    public RouteMatch {
        headers = List.copyOf(Objects.requireNonNull(headers, "headers"));
        methods = Objects.requireNonNull(methods, "methods").stream()
                .map(m -> m.toUpperCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        int pathKinds = (path != null ? 1 : 0) + (pathPrefix != null ? 1 : 0) + (pathRegex != null ? 1 : 0);
        if (pathKinds > 1) {
            throw new IllegalArgumentException("path, pathPrefix, pathRegex: " + pathKinds
                    + " set (expected: at most one)");
        }
        if (path != null && !path.startsWith("/")) {
            throw new IllegalArgumentException("path: " + path + " (expected: starts with /)");
        }
        if (pathPrefix != null && !pathPrefix.startsWith("/")) {
            throw new IllegalArgumentException("pathPrefix: " + pathPrefix + " (expected: starts with /)");
        }
        if ("*".equals(authority)) {
            authority = null;
        }
        if (authority != null) {
            if (authority.isBlank() || authority.indexOf('*', 1) >= 0
                    || (authority.startsWith("*") && !authority.startsWith("*."))) {
                throw new IllegalArgumentException("authority: " + authority
                        + " (expected: a host name, or *.suffix)");
            }
            authority = authority.toLowerCase(Locale.ROOT);
        }
    }

    public static RouteMatch prefix(String prefix) {
        return new RouteMatch(null, null, prefix, null, List.of(), Set.of());
    }

    public static RouteMatch exactPath(String path) {
        return new RouteMatch(null, path, null, null, List.of(), Set.of());
    }

    public static RouteMatch regex(Pattern pattern) {
        return new RouteMatch(null, null, null, pattern, List.of(), Set.of());
    }

    public RouteMatch withAuthority(String newAuthority) {
        return new RouteMatch(newAuthority, path, pathPrefix, pathRegex, headers, methods);
    }

    public RouteMatch withHeaders(List<HeaderMatch> newHeaders) {
        return new RouteMatch(authority, path, pathPrefix, pathRegex, newHeaders, methods);
    }

    public RouteMatch withMethods(Set<String> newMethods) {
        return new RouteMatch(authority, path, pathPrefix, pathRegex, headers, newMethods);
    }
}
