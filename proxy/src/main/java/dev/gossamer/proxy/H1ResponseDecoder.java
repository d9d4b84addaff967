package dev.gossamer.proxy;

import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.AsciiString;
import io.vertx.core.http.HttpMethod;
import java.util.function.Supplier;

/**
 * Netty's HTTP/1.x response decoder ({@link HttpResponseDecoder}: the parsing stays Netty's) for {@link H1Upstream},
 * with two things of its own.
 *
 * <p><b>Fewer objects per response head.</b> Netty's decoder makes a new string for every header name and for each
 * word of the status line. Its request decoder answers the commonest request names with constants; its response
 * decoder has no such table, so an endpoint's {@code Server}, {@code Date}, {@code Content-Type},
 * {@code Content-Length} and {@code Connection} cost five names (an {@code AsciiString} and its bytes each) on every
 * response, and {@code HTTP/1.1 200 OK} three strings. Here a name whose bytes are exactly those of a common response
 * field, in its usual or in lower case, is that field's constant, and the version, a status code and its standard
 * reason phrase are constants too: what the client receives is byte for byte what the endpoint sent, since a
 * constant is taken only for the same bytes. Anything else is decoded by Netty as before. Header values stay Netty's
 * (its decoder makes them in a private method).
 *
 * <p><b>Which responses have no body.</b> A response to {@code HEAD} has none whatever its {@code Content-Length}
 * says, and a {@code 2xx} to {@code CONNECT} turns the connection into a tunnel. Netty's {@code HttpClientCodec}
 * learns the request's method from its encoder; here the connection's call says it (an {@code H1Upstream}
 * connection carries one request at a time).
 */
final class H1ResponseDecoder extends HttpResponseDecoder {

    private static final String HTTP_1_1 = "HTTP/1.1"; // the literal Netty's HttpVersion.valueOf recognises as is
    private static final String HTTP_1_0 = "HTTP/1.0";
    /** The names of common response fields (and the same in lower case) as constants. */
    static final KnownNames NAMES = new KnownNames(
        "Server", "Date", "Content-Type", "Content-Length", "Connection", "Keep-Alive", "Transfer-Encoding",
        "Cache-Control", "ETag", "Etag", "Last-Modified", "Expires", "Vary", "Location", "Set-Cookie",
        "Content-Encoding", "Content-Language", "Content-Disposition", "Accept-Ranges", "Age", "Pragma", "Via",
        "Link", "Retry-After", "Trailer", "Upgrade", "Alt-Svc", "WWW-Authenticate",
        "Access-Control-Allow-Origin", "Access-Control-Allow-Credentials", "Access-Control-Expose-Headers",
        "Strict-Transport-Security", "Content-Security-Policy", "Referrer-Policy", "X-Content-Type-Options",
        "X-Frame-Options", "X-XSS-Protection", "X-Powered-By", "X-Request-Id", "X-Request-ID");
    /** Status codes 100-599 as strings, made on first sight (a racy fill of immutable strings is harmless). */
    private static final String[] CODES = new String[600];

    private final Supplier<HttpMethod> method;
    private int code; // the status code of the line being split, for its reason phrase

    /** {@code method}: the method of the request the next response answers, {@code null} when there is none. */
    H1ResponseDecoder(HttpDecoderConfig config, Supplier<HttpMethod> method) {
        super(config);
        this.method = method;
    }

    @Override
    protected boolean isContentAlwaysEmpty(HttpMessage msg) {
        int status = ((HttpResponse) msg).status().code();
        if (status >= 200) { // a 1xx is followed by the final response, which answers the same request
            HttpMethod m = method.get();
            if (HttpMethod.HEAD.equals(m) || (HttpMethod.CONNECT.equals(m) && status < 300)) {
                return true;
            }
        }
        return super.isContentAlwaysEmpty(msg);
    }

    @Override
    protected AsciiString splitHeaderName(byte[] sb, int start, int length) {
        AsciiString known = NAMES.find(sb, start, length);
        return known != null ? known : super.splitHeaderName(sb, start, length);
    }

    @Override
    protected String splitFirstWordInitialLine(byte[] sb, int start, int length) {
        code = -1;
        if (KnownNames.same(HTTP_1_1, sb, start, length)) {
            return HTTP_1_1;
        }
        if (KnownNames.same(HTTP_1_0, sb, start, length)) {
            return HTTP_1_0;
        }
        return super.splitFirstWordInitialLine(sb, start, length);
    }

    @Override
    protected String splitSecondWordInitialLine(byte[] sb, int start, int length) {
        code = -1;
        if (length == 3) {
            int c = digit(sb[start]) * 100 + digit(sb[start + 1]) * 10 + digit(sb[start + 2]);
            if (c >= 100 && c < CODES.length) {
                code = c;
                String s = CODES[c];
                if (s == null) {
                    CODES[c] = s = Integer.toString(c);
                }
                return s;
            }
        }
        return super.splitSecondWordInitialLine(sb, start, length);
    }

    @Override
    protected String splitThirdWordInitialLine(byte[] sb, int start, int length) {
        if (code >= 0) {
            HttpResponseStatus standard = HttpResponseStatus.valueOf(code);
            // valueOf(code, reason) in Netty's createMessage returns the constant status for its own phrase
            String phrase = standard.reasonPhrase();
            if (KnownNames.same(phrase, sb, start, length)) {
                return phrase;
            }
        }
        return super.splitThirdWordInitialLine(sb, start, length);
    }

    private static int digit(byte b) {
        return b >= '0' && b <= '9' ? b - '0' : -1000;
    }
}
