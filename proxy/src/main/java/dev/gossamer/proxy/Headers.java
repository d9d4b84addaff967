package dev.gossamer.proxy;

import dev.gossamer.vertx.VertxInternals;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.util.AsciiString;
import java.util.Iterator;
import java.util.Map;

/** Hop-by-hop header handling (RFC 9110 §7.6.1). Stateless. */
final class Headers {

    private Headers() {
    }

    /**
     * Copies {@code src} into {@code dst} without hop-by-hop headers, without the headers that {@code Connection}
     * names, and without {@code Host} / {@code Expect} (the proxy sets the authority itself and answers
     * 100-continue on its own). {@code TE: trailers} is kept (gRPC needs it).
     */
    static void copyEndToEnd(MultiMap src, MultiMap dst, boolean request) {
        String connection = src.get(HttpHeaders.CONNECTION);
        if (src instanceof io.netty.handler.codec.http.HttpHeaders netty) {
            // The HTTP/1.x header maps (FieldMap, Vert.x's server's own) are Netty headers too: their entries as
            // they are, without the String conversion and the wrapper per entry of MultiMap's iterator (issue 13: a
            // third of the header copy's allocation). Each entry is read before the next (FieldMap's is reused).
            Iterator<Map.Entry<CharSequence, CharSequence>> it = netty.iteratorCharSequence();
            while (it.hasNext()) {
                Map.Entry<CharSequence, CharSequence> e = it.next();
                copy(e.getKey(), e.getValue(), connection, dst, request);
            }
            return;
        }
        for (Map.Entry<String, String> e : src) {
            copy(e.getKey(), e.getValue(), connection, dst, request);
        }
    }

    /**
     * Makes a message's own header map what {@link #copyEndToEnd copyEndToEnd(h, dst, request)} would have copied,
     * in place: the hop-by-hop fields and the fields {@code Connection} names are removed, and for a request
     * {@code Host} and {@code Expect} too, {@code TE} staying as one {@code TE: trailers} when a line said just that.
     * No allocation unless {@code Connection} names fields or a request has a {@code TE}.
     */
    static void keepEndToEnd(MultiMap h, boolean request) {
        String connection = h.get(HttpHeaders.CONNECTION);
        if (connection != null) {
            // Token by token without String.split (a list and an array for every keep-alive response): a value
            // of one token, "keep-alive" or "close", is read without allocating (substring returns it).
            for (int start = 0, comma; start <= connection.length(); start = comma + 1) {
                comma = connection.indexOf(',', start);
                if (comma < 0) {
                    comma = connection.length();
                }
                int from = skipOws(connection, start, comma);
                int to = trimOws(connection, from, comma);
                if (to > from) {
                    String name = connection.substring(from, to);
                    if (!isHopByHop(name)) { // the hop-by-hop ones follow their own rule below
                        h.remove(name);
                    }
                }
            }
        }
        boolean trailers = false;
        if (request && h.contains(HttpHeaderNames.TE)) {
            for (String te : h.getAll(HttpHeaderNames.TE)) {
                trailers |= te.trim().equalsIgnoreCase("trailers");
            }
        }
        h.remove(HttpHeaderNames.CONNECTION).remove(KEEP_ALIVE).remove(HttpHeaderNames.TE)
                .remove(PROXY_CONNECTION).remove(HttpHeaderNames.TRANSFER_ENCODING)
                .remove(HttpHeaderNames.TRAILER).remove(HttpHeaderNames.UPGRADE);
        if (request) {
            h.remove(HttpHeaderNames.HOST).remove(HttpHeaderNames.EXPECT);
            if (trailers) {
                h.add(HttpHeaderNames.TE, HttpHeaderValues.TRAILERS);
            }
        }
    }

    // Netty deprecates its constants for these two (not standard fields), which are hop-by-hop all the same.
    private static final CharSequence KEEP_ALIVE = HttpHeaders.createOptimized("keep-alive");
    private static final CharSequence PROXY_CONNECTION = HttpHeaders.createOptimized("proxy-connection");

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

    private static void copy(CharSequence n, CharSequence value, String connection, MultiMap dst, boolean request) {
        if (isHopByHop(n)) {
            if (request && eq(n, "te") && value.toString().trim().equalsIgnoreCase("trailers")) {
                dst.add(n, "trailers");
            }
            return;
        }
        if (request && (eq(n, "host") || eq(n, "expect"))) {
            return;
        }
        if (connection != null && listed(connection, n)) {
            return;
        }
        dst.add(n, value);
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
            headers.set(name, value); // the common case, without building a list of the (no) old lines
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
