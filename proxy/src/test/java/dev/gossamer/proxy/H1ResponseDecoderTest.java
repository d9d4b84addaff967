package dev.gossamer.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gossamer.common.testing.Seeds;
import dev.gossamer.vertx.FieldMap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.http.HttpMethod;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * {@link H1ResponseDecoder} against Netty's own response decoder: the same heads, fields, bodies and status for any
 * response (its constants change which objects hold the text, never the text), the constants really taken, and the
 * responses without a body (to {@code HEAD}, a {@code 2xx} to {@code CONNECT}).
 */
class H1ResponseDecoderTest {

    private static final List<String> NAMES = List.of("Server", "Date", "Content-Type", "Connection", "ETag", "Etag",
            "Vary", "X-Request-Id", "X-Request-ID", "Set-Cookie", "Cache-Control", "Alt-Svc", "Keep-Alive",
            "X-Custom", "Servers", "Dat", "x-powered-by", "Location", "WWW-Authenticate", "Trailer");
    private static final List<String> REASONS = List.of("OK", "Not Found", "ok", "Okay", "", "Moved Permanently",
            "Service Unavailable", "No Content", "Continue");
    private static final int[] CODES = {200, 201, 204, 301, 304, 404, 418, 299, 503, 599};

    @Test
    void decodesEveryResponseAsNettysOwnDecoderDoes() {
        long seed = Seeds.seed(20261207L);
        Random random = new Random(seed);
        for (int i = 0; i < 2000; i++) {
            String response = randomResponse(random);
            assertThat(decode(new H1ResponseDecoder(config(), () -> HttpMethod.GET), response))
                    .as(Seeds.describe(seed, "response %s"), response)
                    .isEqualTo(decode(new HttpResponseDecoder(config()), response));
        }
    }

    @Test
    void aCommonNameInItsUsualOrLowerCaseIsAConstantAndAnyOtherSpellingIsDecodedAsSent() {
        byte[] b = "..Content-Type..content-type..CONTENT-TYPE..Content-Typ".getBytes(StandardCharsets.US_ASCII);
        assertThat((Object) H1ResponseDecoder.NAMES.find(b, 2, 12)).hasToString("Content-Type")
                .isSameAs(H1ResponseDecoder.NAMES.find("Content-Type".getBytes(StandardCharsets.US_ASCII), 0, 12));
        assertThat((Object) H1ResponseDecoder.NAMES.find(b, 16, 12)).hasToString("content-type");
        assertThat((Object) H1ResponseDecoder.NAMES.find(b, 30, 12)).isNull();
        assertThat((Object) H1ResponseDecoder.NAMES.find(b, 44, 11)).isNull();

        String response = "HTTP/1.1 200 OK\r\nServer: s\r\nX-Custom: v\r\ncontent-length: 0\r\n\r\n";
        EmbeddedChannel first = new EmbeddedChannel(new H1ResponseDecoder(config(), () -> HttpMethod.GET));
        EmbeddedChannel second = new EmbeddedChannel(new H1ResponseDecoder(config(), () -> HttpMethod.GET));
        HttpResponse a = head(first, response);
        HttpResponse b2 = head(second, response);
        List<Map.Entry<CharSequence, CharSequence>> fa = HeadFields.of(a);
        List<Map.Entry<CharSequence, CharSequence>> fb = HeadFields.of(b2);
        assertThat(fa.get(0).getKey()).as("Server: one constant for both").isSameAs(fb.get(0).getKey());
        assertThat(fa.get(1).getKey()).as("X-Custom: decoded each time").isNotSameAs(fb.get(1).getKey());
        assertThat(fa.get(2).getKey()).as("content-length").isSameAs(fb.get(2).getKey());
        assertThat(a.status()).as("200 OK: Netty's constant status").isSameAs(io.netty.handler.codec.http.HttpResponseStatus.OK);
        assertThat(a.protocolVersion()).isSameAs(io.netty.handler.codec.http.HttpVersion.HTTP_1_1);
        first.finishAndReleaseAll();
        second.finishAndReleaseAll();
    }

    @Test
    void aResponseToHeadOrASuccessfulConnectHasNoBodyWhateverItsLengthSays() {
        AtomicReference<HttpMethod> method = new AtomicReference<>(HttpMethod.HEAD);
        EmbeddedChannel ch = new EmbeddedChannel(new H1ResponseDecoder(config(), method::get));
        // HEAD: no body, so the next bytes are the next response (to a GET: its body is read)
        ch.writeInbound(Unpooled.copiedBuffer("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", StandardCharsets.US_ASCII));
        assertThat(drain(ch)).containsExactly("head 200", "end ''");
        method.set(HttpMethod.GET);
        ch.writeInbound(Unpooled.copiedBuffer("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", StandardCharsets.US_ASCII));
        assertThat(drain(ch)).containsExactly("head 200", "end 'hello'");
        // a 1xx before a HEAD's answer: informational, then the final response without a body
        method.set(HttpMethod.HEAD);
        ch.writeInbound(Unpooled.copiedBuffer("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 404 Not Found\r\n"
                + "Content-Length: 9\r\n\r\n", StandardCharsets.US_ASCII));
        assertThat(drain(ch)).containsExactly("head 100", "end ''", "head 404", "end ''");
        method.set(HttpMethod.CONNECT);
        ch.writeInbound(Unpooled.copiedBuffer("HTTP/1.1 200 Connection established\r\n\r\n", StandardCharsets.US_ASCII));
        assertThat(drain(ch)).containsExactly("head 200", "end ''");
        ch.finishAndReleaseAll();
    }

    private static HttpDecoderConfig config() {
        return new HttpDecoderConfig().setValidateHeaders(false).setHeadersFactory(FieldMap.FACTORY)
                .setTrailersFactory(FieldMap.FACTORY);
    }

    private static String randomResponse(Random r) {
        StringBuilder s = new StringBuilder();
        s.append(r.nextInt(5) == 0 ? "HTTP/1.0" : "HTTP/1.1").append(' ')
                .append(CODES[r.nextInt(CODES.length)]).append(' ').append(REASONS.get(r.nextInt(REASONS.size())))
                .append("\r\n");
        HeadFields.appendRandom(s, r, NAMES, 8);
        String body = "b".repeat(r.nextInt(20));
        s.append("Content-Length: ").append(body.length()).append("\r\n\r\n").append(body);
        return s.toString();
    }

    /** What a decoder made of {@code response}: the head's text, each field, the body, the end. */
    private static List<String> decode(HttpResponseDecoder decoder, String response) {
        EmbeddedChannel ch = new EmbeddedChannel(decoder);
        ch.writeInbound(Unpooled.copiedBuffer(response, StandardCharsets.US_ASCII));
        List<String> out = new ArrayList<>();
        for (Object o; (o = ch.readInbound()) != null; ) {
            if (o instanceof HttpResponse h) {
                out.add(h.protocolVersion().text() + " " + h.status().code() + " '" + h.status().reasonPhrase() + "' "
                        + h.decoderResult());
                h.headers().iteratorCharSequence().forEachRemaining(e -> out.add(e.getKey() + ": " + e.getValue()));
            }
            if (o instanceof HttpContent c) {
                out.add("content '" + c.content().toString(StandardCharsets.US_ASCII) + "' last "
                        + (o instanceof LastHttpContent));
            }
            ReferenceCountUtil.release(o);
        }
        ch.finishAndReleaseAll();
        return out;
    }

    private static HttpResponse head(EmbeddedChannel ch, String response) {
        ch.writeInbound(Unpooled.copiedBuffer(response, StandardCharsets.US_ASCII));
        HttpResponse h = ch.readInbound();
        return h;
    }

    private static List<String> drain(EmbeddedChannel ch) {
        List<String> out = new ArrayList<>();
        for (HttpObject o; (o = ch.readInbound()) != null; ) {
            if (o instanceof HttpResponse h) {
                out.add("head " + h.status().code());
            }
            if (o instanceof HttpContent c) {
                ByteBuf b = c.content();
                String text = b.toString(StandardCharsets.US_ASCII);
                out.add(o instanceof LastHttpContent ? "end '" + text + "'" : "body '" + text + "'");
            }
            ReferenceCountUtil.release(o);
        }
        return out;
    }
}
