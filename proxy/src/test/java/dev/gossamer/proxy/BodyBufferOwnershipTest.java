package dev.gossamer.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gossamer.balancer.Endpoint;
import dev.gossamer.vertx.VertxInternals;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Who releases a response body's {@code ByteBuf}s ({@link Upstream.Listener#onData} gives one reference,
 * {@link Downstream#write}/{@link Downstream#end} take it): checked on the buffers' own reference counts, so a missing
 * release or a double one fails here at once, not as a leak report some garbage collections later.
 */
class BodyBufferOwnershipTest extends ProxyTestBase {

    private static final Endpoint A = new Endpoint("a:1", "a", 1, 1, "", Map.of());

    /** Reference-counted chunks (not Vert.x's un-releasable heap buffers), as H1Upstream's pooled ones are. */
    private final List<ByteBuf> given = new CopyOnWriteArrayList<>();

    private Buffer chunk(String text) {
        ByteBuf b = Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
        given.add(b);
        return VertxInternals.buffer(b);
    }

    /** An upstream whose one endpoint answers 200 with {@code chunks}, with a Content-Length or chunked. */
    private Upstream answering(List<String> chunks, boolean contentLength) {
        return new Upstream() {
            @Override
            public void open(Context ctx, SocketAddress server, HttpMethod method, String uri, Listener l) {
                l.onOpen(new NoCall() {
                    @Override
                    public void end(MultiMap trailers) {
                        MultiMap h = MultiMap.caseInsensitiveMultiMap();
                        if (contentLength) {
                            h.add("content-length", Integer.toString(String.join("", chunks).length()));
                        }
                        l.onResponse(200, "OK", h, false);
                        for (String c : chunks) {
                            l.onData(chunk(c));
                        }
                        l.onEnd(null);
                    }
                });
            }

            @Override
            public Future<Void> shutdown(Duration grace) {
                return Future.succeededFuture();
            }

            @Override
            public Future<Void> close() {
                return Future.succeededFuture();
            }
        };
    }

    @ParameterizedTest(name = "{0}, content-length {1}")
    @CsvSource({"HTTP_1_1, true", "HTTP_1_1, false", "HTTP_2, true", "HTTP_2, false"})
    void aResponseBodyGivenByTheUpstreamIsReleasedOnceWrittenToTheClient(HttpVersion version, boolean length) {
        DataPlane p = plane(options(), null);
        p.upstreams(spec -> answering(List.of("hel", "lo"), length));
        p.apply(List.of(route("r", RouteMatch.ANY, "c")), List.of(cluster("c", A)));
        await(p.start(List.of(new ListenerSpec("in", HOST, 0))));
        HttpClientOptions o = new HttpClientOptions().setProtocolVersion(version).setHttp2ClearTextUpgrade(false);
        Resp r = await(send(client(o), p.boundPort("in"), HttpMethod.GET, "/", Map.of(), null));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("hello");
        assertThat(given).hasSize(2);
        eventually("every given chunk released exactly once", () -> given.stream().allMatch(b -> b.refCnt() == 0));
    }

    @Test
    void h1UpstreamGivesTheListenerExactlyOneReferenceOfEachReadBuffer() {
        Backend b = backend("b", new HttpServerOptions());
        String body = "x".repeat(64 * 1024); // several reads, several chunks
        b.behaviour = req -> req.response().end(body);
        H1Upstream up = new H1Upstream(vertx, Duration.ofSeconds(5), 8, 1, Duration.ofMinutes(1),
                dev.gossamer.common.Ticker.system(), CircuitBreakers.DEFAULT);
        Context ctx = vertx.getOrCreateContext();
        List<Integer> afterRead = new CopyOnWriteArrayList<>(); // refCnt once the codec released its message
        List<ByteBuf> chunks = new CopyOnWriteArrayList<>();
        Promise<Integer> bytes = Promise.promise();
        try {
            ctx.runOnContext(v -> up.open(ctx, SocketAddress.inetSocketAddress(b.port(), HOST), HttpMethod.GET, "/",
                    new Upstream.Listener() {
                        int n;

                        @Override
                        public void onOpen(Upstream.Call call) {
                            call.end(null);
                        }

                        @Override
                        public void onConnectFailure(Throwable cause) {
                            bytes.tryFail(cause);
                        }

                        @Override
                        public void onResponse(int status, String message, MultiMap headers, boolean http2) {
                        }

                        @Override
                        public void onData(Buffer chunk) {
                            ByteBuf buf = VertxInternals.unwrap(chunk);
                            n += buf.readableBytes();
                            chunks.add(buf);
                            ctx.runOnContext(x -> { // after the codec's own release of the message
                                afterRead.add(buf.refCnt());
                                buf.release();
                            });
                        }

                        @Override
                        public void onEnd(MultiMap trailers) {
                            int total = n;
                            ctx.runOnContext(x -> bytes.tryComplete(total)); // after the chunks' checks
                        }

                        @Override
                        public void onReset(Throwable cause) {
                            bytes.tryFail(cause);
                        }
                    }));
            assertThat(await(bytes.future())).isEqualTo(body.length());
            assertThat(chunks).as("a body of several reads").hasSizeGreaterThan(1);
            // Chunks of one read may be slices sharing their read buffer's count: each holds one reference of it.
            assertThat(afterRead).as("still referenced when the listener has them").allMatch(c -> c >= 1);
            assertThat(chunks).allSatisfy(c -> assertThat(c.refCnt()).as("freed by the listener's releases").isZero());
        } finally {
            await(up.close());
        }
    }
}
