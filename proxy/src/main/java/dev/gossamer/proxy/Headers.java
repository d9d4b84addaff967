package dev.gossamer.proxy;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
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
        for (Map.Entry<String, String> e : src) {
            String n = e.getKey();
            if (isHopByHop(n)) {
                if (request && n.equalsIgnoreCase("te") && e.getValue().trim().equalsIgnoreCase("trailers")) {
                    dst.add(n, "trailers");
                }
                continue;
            }
            if (request && (n.equalsIgnoreCase("host") || n.equalsIgnoreCase("expect"))) {
                continue;
            }
            if (connection != null && listed(connection, n)) {
                continue;
            }
            dst.add(n, e.getValue());
        }
    }

    static boolean isHopByHop(String n) {
        return switch (n.length()) {
            case 2 -> n.equalsIgnoreCase("te");
            case 7 -> n.equalsIgnoreCase("trailer") || n.equalsIgnoreCase("upgrade");
            case 10 -> n.equalsIgnoreCase("connection") || n.equalsIgnoreCase("keep-alive");
            case 16 -> n.equalsIgnoreCase("proxy-connection");
            case 17 -> n.equalsIgnoreCase("transfer-encoding");
            default -> false;
        };
    }

    /** True when the comma-separated {@code connection} value names {@code header}. */
    static boolean listed(String connection, String header) {
        int i = 0;
        int len = connection.length();
        while (i < len) {
            int comma = connection.indexOf(',', i);
            int end = comma < 0 ? len : comma;
            int s = i;
            int t = end;
            while (s < t && connection.charAt(s) == ' ') {
                s++;
            }
            while (t > s && connection.charAt(t - 1) == ' ') {
                t--;
            }
            if (t - s == header.length() && connection.regionMatches(true, s, header, 0, header.length())) {
                return true;
            }
            i = end + 1;
        }
        return false;
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
