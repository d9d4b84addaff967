package dev.gossamer.proxy;

import java.util.Objects;

/**
 * Which part of a request becomes the hash key for consistent-hashing policies. Immutable; build with the
 * factories. A request that lacks the part gets no hash key (the policy then picks as if unhashed).
 *
 * @param kind what to hash
 * @param name header, cookie or query parameter name; "" for the other kinds
 */
public record HashOn(Kind kind, String name) {

    /** The request parts that can be hashed. */
    public enum Kind { NONE, HEADER, COOKIE, QUERY, SOURCE_IP, PATH }

    public static final HashOn NONE = new HashOn(Kind.NONE, "");

    public HashOn {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
        boolean named = kind == Kind.HEADER || kind == Kind.COOKIE || kind == Kind.QUERY;
        if (named == name.isEmpty()) {
            throw new IllegalArgumentException("name: \"" + name + "\" (expected: "
                    + (named ? "non-empty" : "empty") + " for " + kind + ")");
        }
    }

    public static HashOn header(String name) {
        return new HashOn(Kind.HEADER, name);
    }

    public static HashOn cookie(String name) {
        return new HashOn(Kind.COOKIE, name);
    }

    public static HashOn query(String name) {
        return new HashOn(Kind.QUERY, name);
    }

    public static HashOn sourceIp() {
        return new HashOn(Kind.SOURCE_IP, "");
    }

    public static HashOn path() {
        return new HashOn(Kind.PATH, "");
    }
}
