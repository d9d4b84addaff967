package dev.gossamer.proxy;

import io.netty.util.concurrent.FastThreadLocal;
import io.vertx.core.net.HostAndPort;
import java.util.List;

/**
 * Where an HTTP/1.x request is going, read from its request-target and {@code Host} header the way RFC 9112 §3.2
 * says, or why it must be answered 400. A value, computed once per request by a pure function ({@link #http1}),
 * table-tested without sockets.
 *
 * <p>Rules, in order:
 * <ul>
 *   <li>more than one {@code Host} field line: 400 "duplicate Host" (any HTTP/1.x version);</li>
 *   <li>HTTP/1.1 without {@code Host}: 400 "missing Host" (HTTP/1.0 may omit it: then there is no authority);</li>
 *   <li>a {@code Host} that is not {@code host[:port]}: 400 "invalid Host" (an empty one means no authority);</li>
 *   <li>an absolute-form target ({@code GET http://orders:8080/a?b HTTP/1.1}, what a client configured with a
 *       forward proxy sends): its authority wins over {@code Host} (§3.2.2: the received Host is ignored), the route
 *       is matched on it, and the request goes upstream in origin-form ({@code /a?b}) with that authority as its
 *       {@code Host}. A scheme other than http/https, a userinfo part or no authority: 400
 *       "invalid request target";</li>
 *   <li>otherwise (origin-form {@code /a?b}, or {@code *}): the target as received, the authority from {@code Host}.</li>
 * </ul>
 *
 * @param authority where the request is addressed (routing and the upstream {@code Host}); null when it has none
 * @param uri       the request-target to send upstream (origin-form, or {@code *})
 * @param path      {@code uri}'s path (without the query); null when the target kept as received is not origin-form
 * @param problem   the 400 reason when the request must be refused; then the other fields are null
 */
record RequestTarget(HostAndPort authority, String uri, String path, String problem) {

    /**
     * Reads an HTTP/1.x request's target. {@code uri} is the request-target as received, {@code path} the path the
     * server parsed from it (used as is for an origin-form target), {@code hosts} every {@code Host} field line's
     * value, {@code http11} whether the request is HTTP/1.1 (else 1.0).
     */
    static RequestTarget http1(boolean http11, String uri, String path, List<String> hosts) {
        if (hosts.size() > 1) {
            return refused("duplicate Host");
        }
        if (hosts.isEmpty() && http11) {
            return refused("missing Host");
        }
        HostAndPort host = null;
        // An empty Host is what a client sends for a target without an authority (RFC 9112 §3.2): none then.
        if (!hosts.isEmpty() && !hosts.get(0).isEmpty()) {
            host = parseAuthority(hosts.get(0));
            if (host == null) {
                return refused("invalid Host");
            }
        }
        if (uri.isEmpty() || uri.charAt(0) == '/' || uri.equals("*")) {
            return new RequestTarget(host, uri, path, null);
        }
        return absoluteForm(uri);
    }

    private static RequestTarget absoluteForm(String uri) {
        int colon = uri.indexOf("://");
        if (colon <= 0) {
            return refused("invalid request target");
        }
        String scheme = uri.substring(0, colon);
        if (!scheme.equalsIgnoreCase("http") && !scheme.equalsIgnoreCase("https")) {
            return refused("invalid request target");
        }
        int start = colon + 3;
        int end = start;
        while (end < uri.length() && uri.charAt(end) != '/' && uri.charAt(end) != '?' && uri.charAt(end) != '#') {
            end++;
        }
        String auth = uri.substring(start, end);
        // RFC 9110 §4.2.4: userinfo in an http(s) URI is an error (it is how phishing links hide the real host).
        HostAndPort authority = auth.isEmpty() || auth.indexOf('@') >= 0 ? null : parseAuthority(auth);
        if (authority == null) {
            return refused("invalid request target");
        }
        int hash = uri.indexOf('#', end);
        String rest = uri.substring(end, hash < 0 ? uri.length() : hash); // a fragment is never sent
        String origin = rest.isEmpty() || rest.charAt(0) == '?' ? "/" + rest : rest;
        int q = origin.indexOf('?');
        return new RequestTarget(authority, origin, q < 0 ? origin : origin.substring(0, q), null);
    }

    /**
     * The last authority this thread parsed, with its text. The requests of a keep-alive connection repeat one
     * {@code Host} line, and so does most of a sidecar's outbound traffic; Vert.x's parse allocates its result, the
     * host's string and a buffer for it (about 97 B a request, docs/performance.md, "Allocation per request"). A parse
     * is a function of the text alone and its result immutable, so answering a repeat from here changes nothing else.
     */
    private static final FastThreadLocal<Parsed> LAST = new FastThreadLocal<>() {
        @Override
        protected Parsed initialValue() {
            return new Parsed();
        }
    };

    private static final class Parsed {
        String text;
        HostAndPort authority;
    }

    private static HostAndPort parseAuthority(String s) {
        Parsed last = LAST.get();
        if (s.equals(last.text)) {
            return last.authority;
        }
        HostAndPort a = HostAndPort.parseAuthority(s, -1);
        // Vert.x parses the longest valid prefix ("a b" → "a"); only a whole match is an authority.
        if (a == null || !wholeMatch(s, a)) {
            return null;
        }
        last.text = s;
        last.authority = a;
        return a;
    }

    /** Whether {@code s} is exactly {@code a} written out ({@code host} or {@code host:port}), ignoring case. */
    private static boolean wholeMatch(String s, HostAndPort a) {
        String host = a.host();
        int h = host.length();
        if (!s.regionMatches(true, 0, host, 0, h)) {
            return false;
        }
        if (a.port() < 0) {
            return s.length() == h;
        }
        if (s.length() < h + 2 || s.charAt(h) != ':') {
            return false;
        }
        // The port as Integer.toString writes it: no sign, no leading zero (a "0" port alone is fine).
        int port = 0;
        for (int i = h + 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9' || (i == h + 1 && c == '0' && s.length() > h + 2)) {
                return false;
            }
            port = port * 10 + (c - '0');
            if (port > 65535) {
                return false;
            }
        }
        return port == a.port();
    }

    private static RequestTarget refused(String problem) {
        return new RequestTarget(null, null, null, problem);
    }
}
