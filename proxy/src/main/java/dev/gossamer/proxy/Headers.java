package dev.gossamer.proxy;

import dev.gossamer.vertx.FieldMap;
import dev.gossamer.vertx.VertxInternals;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** Hop-by-hop header handling (RFC 9110 §7.6.1). Stateless. */
final class Headers {

    private Headers() {
    }

    /**
     * Copies {@code src} into {@code dst} without the fields {@link #dropRule} drops: the hop-by-hop ones, those
     * {@code Connection} names, and for a request {@code Host} / {@code Expect} (the proxy sets the authority itself
     * and answers 100-continue on its own). A request's {@code TE: trailers} is kept, as one field after the others
     * (gRPC needs it).
     */
    static void copyEndToEnd(MultiMap src, MultiMap dst, boolean request) {
        Predicate<CharSequence> drop = dropRule(src.get(HttpHeaders.CONNECTION), request);
        boolean trailers = false;
        if (src instanceof io.netty.handler.codec.http.HttpHeaders netty) {
            // The HTTP/1.x header maps (FieldMap, Vert.x's server's own) are Netty headers too: their entries as
            // they are, without the String conversion and the wrapper per entry of MultiMap's iterator (issue 13: a
            // third of the header copy's allocation). Each entry is read before the next (FieldMap's is reused).
            Iterator<Map.Entry<CharSequence, CharSequence>> it = netty.iteratorCharSequence();
            while (it.hasNext()) {
                Map.Entry<CharSequence, CharSequence> e = it.next();
                trailers |= copy(e.getKey(), e.getValue(), drop, dst, request);
            }
        } else {
            for (Map.Entry<String, String> e : src) {
                trailers |= copy(e.getKey(), e.getValue(), drop, dst, request);
            }
        }
        if (trailers) {
            dst.add(HttpHeaderNames.TE, HttpHeaderValues.TRAILERS);
        }
    }

    /**
     * Makes a message's own header map what {@link #copyEndToEnd copyEndToEnd(h, dst, request)} would have copied,
     * in place: the fields {@link #dropRule} drops are removed, {@code TE} staying as one {@code TE: trailers} when a
     * line said just that. A {@link FieldMap} (the HTTP/1.x messages of the proxy's own codecs) is edited in one pass
     * over its fields, not a scan per dropped name, without allocating unless {@code Connection} names other fields or
     * a request has a {@code TE}; another map (Vert.x's server's, with {@code -Dgossamer.http1.server=vertx}) is read
     * once for the names it holds and loses those dropped.
     */
    static void keepEndToEnd(MultiMap h, boolean request) {
        Predicate<CharSequence> drop = dropRule(h.get(HttpHeaders.CONNECTION), request);
        boolean trailers = false;
        if (request && h.contains(HttpHeaderNames.TE)) {
            for (String te : h.getAll(HttpHeaderNames.TE)) {
                trailers |= isTrailers(te);
            }
        }
        if (h instanceof FieldMap fields) {
            fields.removeIf(drop);
        } else {
            List<String> dropped = new ArrayList<>();
            for (String name : h.names()) {
                if (drop.test(name)) {
                    dropped.add(name);
                }
            }
            dropped.forEach(h::remove);
        }
        if (trailers) {
            h.add(HttpHeaderNames.TE, HttpHeaderValues.TRAILERS);
        }
    }

    private static final Predicate<CharSequence> REQUEST_RULE =
            n -> isHopByHop(n) || eq(n, "host") || eq(n, "expect");
    private static final Predicate<CharSequence> RESPONSE_RULE = Headers::isHopByHop;

    /**
     * Which fields of a message do not cross the proxy (RFC 9110 §7.6.1): the hop-by-hop fields, those the
     * message's {@code connection} value names, and for a request {@code Host} and {@code Expect}. Names compare
     * without case. Allocates only when {@code Connection} names a field that is not hop-by-hop itself (its usual
     * values, {@code keep-alive}, {@code close}, {@code Upgrade}, do not).
     */
    static Predicate<CharSequence> dropRule(String connection, boolean request) {
        Predicate<CharSequence> base = request ? REQUEST_RULE : RESPONSE_RULE;
        if (connection == null || !namesOtherFields(connection)) {
            return base;
        }
        return n -> base.test(n) || listed(connection, n);
    }

    /**
     * Whether a {@code Connection} value names a field that is not hop-by-hop, token by token without
     * {@code String.split}: a value of one token ({@code keep-alive}, {@code close}) is read without allocating.
     */
    private static boolean namesOtherFields(String connection) {
        for (int start = 0, comma; start <= connection.length(); start = comma + 1) {
            comma = connection.indexOf(',', start);
            if (comma < 0) {
                comma = connection.length();
            }
            int from = skipOws(connection, start, comma);
            int to = trimOws(connection, from, comma);
            if (to > from && !isHopByHopName(connection, from, to)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isHopByHopName(String s, int from, int to) {
        return isHopByHop(s.substring(from, to)); // the string itself when the range is all of it
    }

    private static boolean isTrailers(CharSequence te) {
        return te.toString().trim().equalsIgnoreCase("trailers");
    }

    /**
     * The map a message keeps when {@code fields} are given over to it ({@code Upstream.Call.useHeaders},
     * {@code Downstream.useResponseHeaders}): {@code fields} itself when the message has none yet ({@code current}
     * null) and it is an HTTP/1.x map that Netty's encoder writes as it is ({@code VertxInternals.isHttpHeaders}: no
     * second map); else
     * {@code current}, made when null, with the fields added.
     */
    static MultiMap take(MultiMap current, MultiMap fields) {
        if (current == null && VertxInternals.isHttpHeaders(fields)) {
            return fields;
        }
        MultiMap kept = current != null ? current : VertxInternals.httpHeaders();
        addAll(fields, kept);
        return kept;
    }

    /** Adds every field of {@code src} to {@code dst}, Netty's entries as they are (no {@code String} per name). */
    static void addAll(MultiMap src, MultiMap dst) {
        if (src instanceof io.netty.handler.codec.http.HttpHeaders netty) {
            Iterator<Map.Entry<CharSequence, CharSequence>> it = netty.iteratorCharSequence();
            while (it.hasNext()) {
                Map.Entry<CharSequence, CharSequence> e = it.next();
                dst.add(e.getKey(), e.getValue());
            }
            return;
        }
        dst.addAll(src);
    }

    /** Adds the field to {@code dst} unless {@code drop} drops it; whether it was a request's {@code TE: trailers}. */
    private static boolean copy(CharSequence n, CharSequence value, Predicate<CharSequence> drop, MultiMap dst,
            boolean request) {
        if (!drop.test(n)) {
            dst.add(n, value);
            return false;
        }
        return request && eq(n, "te") && isTrailers(value);
    }

    private static boolean eq(CharSequence a, String b) {
        return AsciiString.contentEqualsIgnoreCase(a, b);
    }

    static boolean isHopByHop(CharSequence n) {
        return switch (n.length()) {
            case 2 -> eq(n, "te");
            case 7 -> eq(n, "trailer") || eq(n, "upgrade");
            case 10 -> eq(n, "connection") || eq(n, "keep-alive");
            case 16 -> eq(n, "proxy-connection");
            case 17 -> eq(n, "transfer-encoding");
            default -> false;
        };
    }

    /** True when the comma-separated {@code connection} value names {@code header}. */
    static boolean listed(String connection, CharSequence header) {
        int i = 0;
        int len = connection.length();
        int hlen = header.length();
        while (i < len) {
            int comma = connection.indexOf(',', i);
            int end = comma < 0 ? len : comma;
            int s = skipOws(connection, i, end);
            int t = trimOws(connection, s, end);
            if (t - s == hlen && regionEqualsIgnoreCase(connection, s, header)) {
                return true;
            }
            i = end + 1;
        }
        return false;
    }

    // A list element's optional whitespace (RFC 9110 §5.6.3: spaces and tabs), one rule for both readers of
    // Connection: the first index in [from, to) that is not OWS, and the end of [from, to) without trailing OWS.
    private static int skipOws(String s, int from, int to) {
        while (from < to && (s.charAt(from) == ' ' || s.charAt(from) == '\t')) {
            from++;
        }
        return from;
    }

    private static int trimOws(String s, int from, int to) {
        while (to > from && (s.charAt(to - 1) == ' ' || s.charAt(to - 1) == '\t')) {
            to--;
        }
        return to;
    }

    private static boolean regionEqualsIgnoreCase(String s, int from, CharSequence h) {
        for (int k = 0; k < h.length(); k++) {
            char a = s.charAt(from + k);
            char b = h.charAt(k);
            if (a != b && Character.toLowerCase(a) != Character.toLowerCase(b)) {
                return false;
            }
        }
        return true;
    }

    /** Appends {@code value} to a comma-separated header, joining every existing line. */
    static void append(MultiMap headers, CharSequence name, String value) {
        if (!headers.contains(name)) {
            headers.add(name, value); // the common case: no list of the (no) old lines, no second scan to remove them
            return;
        }
        java.util.List<String> old = headers.getAll(name);
        if (old.isEmpty()) {
            headers.set(name, value);
        } else {
            headers.set(name, String.join(", ", old) + ", " + value);
        }
    }
}
