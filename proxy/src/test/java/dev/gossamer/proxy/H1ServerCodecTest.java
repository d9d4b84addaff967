package dev.gossamer.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.gossamer.common.testing.Seeds;
import dev.gossamer.vertx.FieldMap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * {@link H1ServerCodec} against Netty's {@link HttpServerCodec}, which it stands in for: the same requests decoded
 * from any bytes (pipelined, split anywhere, with bodies, chunks, trailers, malformed), the same bytes written for the
 * same responses (bodiless answers to {@code HEAD}, a {@code 2xx} to {@code CONNECT}, informational answers), the
 * same connections closed (a chunked request with a length, too many requests pipelined); and its constants really
 * taken.
 */
class H1ServerCodecTest {

    private static final List<String> METHODS = List.of("GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "PATCH",
            "CONNECT", "TRACE", "get", "PURGE", "GETS", "POS");
    private static final List<String> TARGETS = List.of("/", "/", "/a", "/a?b=c", "/%7Euser", "*", "http://h/x",
            "h:443", "/caf\u00e9", "/a b");
    private static final List<String> VERSIONS = List.of("HTTP/1.1", "HTTP/1.1", "HTTP/1.1", "HTTP/1.0", "HTTP/1.2",
            "HTTP/2.0", "http/1.1");
    private static final List<String> NAMES = List.of("Host", "User-Agent", "Accept", "Accept-Encoding",
            "Authorization", "traceparent", "X-Request-Id", "Cookie", "X-Custom", "Hos", "Hosts", "TE", "Expect",
            "Connection", "Keep-Alive", "Sec-WebSocket-Key", "grpc-timeout", "Bad Name", "X-Forwarded-For");

    @Test
    void decodesAndEncodesAsNettysServerCodecDoes() {
        long seed = Seeds.seed(20261208L);
        Random random = new Random(seed);
        for (int i = 0; i < 1000; i++) {
            long caseSeed = random.nextLong();
            List<String> expected = exchange(() -> new HttpServerCodec(config()), caseSeed);
            List<String> actual = exchange(() -> new H1ServerCodec(config()), caseSeed);
            assertThat(actual).as(Seeds.describe(seed, "case %d (%s)"), i, expected).isEqualTo(expected);
        }
    }

    @Test
    void moreRequestsPipelinedThanTheDepthFailAsNettysDo() {
        String many = "GET / HTTP/1.1\r\nHost: h\r\n\r\n".repeat(H1ServerCodec.MAX_PIPELINE_DEPTH + 2);
        for (Supplier<ChannelHandler> codec : List.<Supplier<ChannelHandler>>of(() -> new HttpServerCodec(config()),
                () -> new H1ServerCodec(config()))) {
            EmbeddedChannel ch = new EmbeddedChannel(codec.get());
            Throwable failure = catchThrowable(() -> ch.writeInbound(ascii(many)));
            assertThat(failure).as("%s", codec.get()).hasRootCauseMessage("maxPipelineDepth exceeded: 128");
            int delivered = 0;
            for (Object o; (o = ch.readInbound()) != null; ) {
                delivered += o instanceof HttpRequest ? 1 : 0;
                ReferenceCountUtil.release(o);
            }
            assertThat(delivered).as("the requests decoded before the one too many").isEqualTo(128);
            // the first response closes the connection
            ch.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
            assertThat(ch.isOpen()).isFalse();
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void commonNamesMethodsAndARepeatedTargetAreConstantsAndAnythingElseIsDecodedAsSent() {
        EmbeddedChannel first = new EmbeddedChannel(new H1ServerCodec(config()));
        EmbeddedChannel second = new EmbeddedChannel(new H1ServerCodec(config()));
        String request = "DELETE /items/7 HTTP/1.1\r\nHost: h\r\nUser-Agent: a\r\nuser-agent: b\r\nUSER-AGENT: c\r\n"
                + "X-Custom: d\r\n\r\n";
        HttpRequest a = read(first, request);
        HttpRequest b = read(second, request);
        List<Map.Entry<CharSequence, CharSequence>> fa = HeadFields.of(a);
        List<Map.Entry<CharSequence, CharSequence>> fb = HeadFields.of(b);
        assertThat(fa.get(1).getKey()).as("User-Agent: one constant for both").isSameAs(fb.get(1).getKey());
        assertThat(fa.get(2).getKey()).as("user-agent: one constant for both").isSameAs(fb.get(2).getKey());
        assertThat(fa.get(3).getKey()).as("USER-AGENT: decoded each time").isNotSameAs(fb.get(3).getKey());
        assertThat(fa.get(4).getKey()).as("X-Custom: decoded each time").isNotSameAs(fb.get(4).getKey());
        assertThat(a.method()).isSameAs(io.netty.handler.codec.http.HttpMethod.DELETE);
        assertThat(a.uri()).as("another connection's target: its own string").isNotSameAs(b.uri());

        HttpRequest again = read(first, "DELETE /items/7 HTTP/1.1\r\nHost: h\r\n\r\n");
        assertThat(again.uri()).as("the connection's previous target").isSameAs(a.uri());
        HttpRequest other = read(first, "DELETE /items/8 HTTP/1.1\r\nHost: h\r\n\r\n");
        assertThat(other.uri()).isEqualTo("/items/8");
        HttpRequest latin = read(first, "GET /caf\u00e9 HTTP/1.1\r\nHost: h\r\n\r\n");
        HttpRequest latinAgain = read(first, "GET /caf\u00e9 HTTP/1.1\r\nHost: h\r\n\r\n");
        assertThat(latinAgain.uri()).isEqualTo("/caf\u00e9").isSameAs(latin.uri());
        first.finishAndReleaseAll();
        second.finishAndReleaseAll();
    }

    private static HttpDecoderConfig config() {
        return new HttpDecoderConfig().setMaxInitialLineLength(200).setMaxHeaderSize(400).setMaxChunkSize(16)
                .setHeadersFactory(FieldMap.FACTORY).setTrailersFactory(FieldMap.FACTORY);
    }

    /**
     * One connection's story through {@code codec}, from {@code seed}: a few requests written in random pieces, what
     * was decoded, then a response to each request decoded, and the bytes written for it and whether the connection
     * stayed open.
     */
    private static List<String> exchange(Supplier<ChannelHandler> codec, long seed) {
        Random r = new Random(seed);
        StringBuilder bytes = new StringBuilder();
        int requests = 1 + r.nextInt(4);
        for (int i = 0; i < requests; i++) {
            bytes.append(randomRequest(r));
        }
        EmbeddedChannel ch = new EmbeddedChannel(codec.get());
        List<String> out = new ArrayList<>();
        byte[] all = bytes.toString().getBytes(StandardCharsets.ISO_8859_1);
        int at = 0;
        while (at < all.length && ch.isOpen()) {
            int n = Math.min(all.length - at, 1 + r.nextInt(all.length));
            int from = at;
            Throwable failure = catchThrowable(() -> ch.writeInbound(Unpooled.copiedBuffer(all, from, n)));
            if (failure != null) {
                out.add("failed " + failure);
            }
            at += n;
        }
        int heads = 0;
        for (HttpObject o; (o = ch.readInbound()) != null; ) {
            if (o instanceof HttpRequest h) {
                heads++;
                out.add(h.method() + " " + h.uri() + " " + h.protocolVersion() + " " + h.decoderResult());
                h.headers().iteratorCharSequence().forEachRemaining(e -> out.add(e.getKey() + ": " + e.getValue()));
            }
            if (o instanceof HttpContent c) {
                out.add((o instanceof LastHttpContent ? "end '" : "body '")
                        + c.content().toString(StandardCharsets.ISO_8859_1) + "' " + c.decoderResult());
                if (o instanceof LastHttpContent last) {
                    last.trailingHeaders().iteratorCharSequence()
                            .forEachRemaining(e -> out.add("trailer " + e.getKey() + ": " + e.getValue()));
                }
            }
            ReferenceCountUtil.release(o);
        }
        for (int i = 0; i < heads && ch.isOpen(); i++) {
            writeResponse(ch, r);
            StringBuilder written = new StringBuilder();
            for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
                written.append(b.toString(StandardCharsets.ISO_8859_1));
                b.release();
            }
            out.add("wrote " + written + " open " + ch.isOpen());
        }
        ch.finishAndReleaseAll();
        return out;
    }

    private static String randomRequest(Random r) {
        StringBuilder s = new StringBuilder();
        s.append(pick(r, METHODS)).append(' ').append(pick(r, TARGETS)).append(' ').append(pick(r, VERSIONS))
                .append("\r\n");
        HeadFields.appendRandom(s, r, NAMES, 6);
        String body = "b".repeat(r.nextInt(40));
        switch (r.nextInt(5)) {
            case 0 -> s.append("\r\n"); // no body
            case 1 -> s.append("Transfer-Encoding: chunked\r\n\r\n").append(chunked(body, r));
            case 2 -> s.append("Transfer-Encoding: chunked\r\nContent-Length: ").append(body.length())
                    .append("\r\n\r\n").append(chunked(body, r)); // both: the connection closes after the answer
            default -> s.append("Content-Length: ").append(body.length()).append("\r\n\r\n").append(body);
        }
        return s.toString();
    }

    private static String chunked(String body, Random r) {
        StringBuilder s = new StringBuilder();
        for (int at = 0; at < body.length(); ) {
            int n = Math.min(body.length() - at, 1 + r.nextInt(20));
            s.append(Integer.toHexString(n)).append("\r\n").append(body, at, at + n).append("\r\n");
            at += n;
        }
        s.append("0\r\n");
        if (r.nextBoolean()) {
            s.append("X-Trailer: t").append(r.nextInt(10)).append("\r\n");
        }
        return s.append("\r\n").toString();
    }

    /** A response of a random kind: full with a length, chunked, bodiless, after an informational one. */
    private static void writeResponse(EmbeddedChannel ch, Random r) {
        HttpResponseStatus status = switch (r.nextInt(6)) {
            case 0 -> HttpResponseStatus.NO_CONTENT;
            case 1 -> HttpResponseStatus.NOT_FOUND;
            case 2 -> HttpResponseStatus.NOT_MODIFIED;
            default -> HttpResponseStatus.OK;
        };
        if (r.nextInt(5) == 0) {
            ch.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        }
        if (r.nextBoolean()) {
            DefaultFullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, ascii("hello"));
            resp.headers().set("Content-Length", "5").set("Server", "s");
            ch.writeOutbound(resp);
        } else {
            DefaultHttpResponse resp = new DefaultHttpResponse(HttpVersion.HTTP_1_1, status);
            resp.headers().set("Transfer-Encoding", "chunked");
            ch.writeOutbound(resp);
            ch.writeOutbound(new DefaultHttpContent(ascii("hel")));
            DefaultLastHttpContent last = new DefaultLastHttpContent(ascii("lo"));
            if (r.nextBoolean()) {
                last.trailingHeaders().set("X-T", "1");
            }
            ch.writeOutbound(last);
        }
    }

    private static <T> T pick(Random r, List<T> from) {
        return from.get(r.nextInt(from.size()));
    }

    private static ByteBuf ascii(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
    }

    private static HttpRequest read(EmbeddedChannel ch, String request) {
        ch.writeInbound(ascii(request));
        HttpRequest h = null;
        for (Object o; (o = ch.readInbound()) != null; ) {
            if (o instanceof HttpRequest req) {
                h = req;
            }
            ReferenceCountUtil.release(o);
        }
        // answered, so the codec's queue stays as short as a client's that waits for its answers
        ch.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
        for (Object o; (o = ch.readOutbound()) != null; ) {
            ReferenceCountUtil.release(o);
        }
        return h;
    }
}
