package dev.gossamer.proxy;

import java.util.List;

/**
 * What a request's {@code Expect} field asks of the proxy (RFC 9110 §10.1.1). A pure function of the field lines,
 * table-tested without sockets ({@code ExpectHeaderTest}).
 *
 * <ul>
 *   <li>no {@code Expect}, or only empty members: {@link #NONE};</li>
 *   <li>only {@code 100-continue} (any case, repeated or not): {@link #CONTINUE} — the client may hold its body back
 *       until it hears {@code 100 Continue}; in an HTTP/1.0 request this expectation is ignored ({@link #NONE}:
 *       "A server that receives a 100-continue expectation in an HTTP/1.0 request MUST ignore that
 *       expectation");</li>
 *   <li>any other member ({@code Expect: foo}, {@code 100-continue; x=1}): {@link #UNSUPPORTED}, answered
 *       {@code 417 Expectation Failed} ("A server that receives an Expect field value containing a member other than
 *       100-continue MAY respond with a 417").</li>
 * </ul>
 *
 * How the proxy acts on {@link #CONTINUE} is {@link Exchange}'s: it answers {@code 100 Continue} itself once a try
 * to an endpoint is connected, and never forwards {@code Expect} ({@link Headers}).
 */
enum ExpectHeader {
    NONE, CONTINUE, UNSUPPORTED;

    private static final String CONTINUE_TOKEN = "100-continue";

    /** The expectation of a request with {@code Expect} field lines {@code lines} (empty when it has none). */
    static ExpectHeader of(boolean http11OrLater, List<String> lines) {
        ExpectHeader result = NONE;
        for (String line : lines) {
            for (String member : line.split(",", -1)) {
                String m = member.trim();
                if (m.isEmpty()) {
                    continue; // RFC 9110 §5.6.1: empty list elements are ignored
                }
                if (!m.equalsIgnoreCase(CONTINUE_TOKEN)) {
                    return UNSUPPORTED;
                }
                result = http11OrLater ? CONTINUE : NONE;
            }
        }
        return result;
    }
}
