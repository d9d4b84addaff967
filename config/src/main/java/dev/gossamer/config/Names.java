package dev.gossamer.config;

import java.util.regex.Pattern;

/** Checks of names and paths: each returns null when the value is fine, else the "expected" text. Stateless. */
final class Names {

    static final String NAME_EXPECTED = "a name of letters, digits, '.', '_', '-', at most 128 characters";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9._-]{0,126}[A-Za-z0-9_])?");
    /** RFC 9110 token characters: what a header name may contain. */
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final Pattern AUTHORITY = Pattern.compile(
            "\\*|(\\*\\.)?[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:[0-9]{1,5})?");

    private Names() {
    }

    static String name(String v) {
        return NAME.matcher(v).matches() ? null : NAME_EXPECTED;
    }

    static String zone(String v) {
        return v.isEmpty() || NAME.matcher(v).matches() ? null : NAME_EXPECTED;
    }

    static String headerName(String v) {
        return TOKEN.matcher(v).matches() ? null : "an HTTP header name (token characters)";
    }

    static String httpPath(String v) {
        return v.startsWith("/") && v.chars().noneMatch(c -> c <= ' ' || c == 0x7f) ? null
                : "a path starting with '/', without spaces";
    }

    static String nonEmpty(String v) {
        return v.isEmpty() ? "a non-empty string" : null;
    }

    static String authority(String v) {
        return AUTHORITY.matcher(v).matches() ? null
                : "a host, host:port, *.suffix or *, like orders or orders.default.svc:8080";
    }
}
