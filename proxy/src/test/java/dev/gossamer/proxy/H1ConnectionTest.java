package dev.gossamer.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gossamer.common.testing.Await;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.vertx.core.MultiMap;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Netty's HTTP/1.1 server connection on its own ({@link H1Connection}, {@link H1Downstream}): a real loopback socket
 * and a raw client, the exchange replaced by a stub that answers as each test says. The whole proxy suite runs on
 * it too with {@code -Dgossamer.http1.server=netty}.
 */
class H1ConnectionTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final List<H1Downstream> served = new CopyOnWriteArrayList<>();
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private volatile Consumer<H1Downstream> answer = d -> reply(d, 200, d.method() + " " + d.uri());
    private volatile boolean draining;
    private Channel server;

    @BeforeEach
    void start() throws Exception {
        start(DataPlaneOptions.builder().maxInitialLineLength(256).maxHeaderSize(1024).build());
    }

    private void start(DataPlaneOptions options) throws Exception {
        if (server != null) {
            server.close().sync();
        }
        H1Connection.Setup setup = new H1Connection.Setup(options, "in", (listener, d, ctx) -> serve((H1Downstream) d),
                () -> draining);
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        setup.install(ch.pipeline(), null);
                    }
                }).bind(ProxyTestBase.HOST, 0).sync().channel();
    }

    @AfterEach
    void stop() throws Exception {
        server.close().sync();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).sync();
    }

    private int port() {
        return ((java.net.InetSocketAddress) server.localAddress()).getPort();
    }

    /**
     * The stub exchange: collects the body, answers once the request ended (as {@link #answer} says). Like
     * {@link Exchange} with a pooled connection, it holds the body back and lets it flow again before it returns.
     */
    private void serve(H1Downstream d) {
        served.add(d);
        d.pause();
        StringBuilder body = new StringBuilder();
        d.listen(new Downstream.Listener() {
            @Override
            public void onRequestBody(ByteBuf chunk) {
                body.append(chunk.toString(StandardCharsets.ISO_8859_1));
            }

            @Override
            public void onRequestEnd(MultiMap trailers) {
                bodies.add(body.toString());
                answer.accept(d);
            }

            @Override
            public void onClientGone(Throwable cause) {
            }
        });
        d.resume();
    }

    private static void reply(H1Downstream d, int status, String body) {
        d.status(status, null);
        d.responseHeaders().set("content-length", Integer.toString(body.length()));
        d.end(Unpooled.copiedBuffer(body, StandardCharsets.ISO_8859_1));
    }

    @Test
    void pipelinedRequestsAreServedOneAtATimeInOrder() throws Exception {
        List<H1Downstream> waiting = new CopyOnWriteArrayList<>();
        answer = waiting::add; // nothing answered until the test says
        try (Http11EdgeIT.Raw c = new Http11EdgeIT.Raw(port())) {
            c.write("GET /a HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
                    + "GET /c HTTP/1.1\r\nHost: x\r\n\r\n");
            Await.until("the first request", WAIT, () -> waiting.size() == 1);
            assertThat(served).as("the second head waits for the first answer").hasSize(1);
            waiting.get(0).status(200, null);
            waiting.get(0).responseHeaders().set("content-length", "1");
            waiting.get(0).end(Unpooled.copiedBuffer("a", StandardCharsets.US_ASCII));
            assertThat(c.read().body()).isEqualTo("a");
            Await.until("the second request", WAIT, () -> waiting.size() == 2);
            answer = d -> reply(d, 200, d.uri());
            reply(waiting.get(1), 200, "b");
            assertThat(c.read().body()).isEqualTo("b");
            assertThat(c.read().body()).isEqualTo("/c");
        }
        assertThat(bodies).containsExactly("", "hello", "");
    }

    @Test
    void aLongRequestLineIs414AndTheConnectionCloses() throws Exception {
        assertRefusal("GET /" + "a".repeat(300) + " HTTP/1.1\r\nHost: x\r\n\r\n", 414, "request line too long");
    }

    @Test
    void largeHeadersAre431AndTheConnectionCloses() throws Exception {
        assertRefusal("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "v".repeat(2000) + "\r\n\r\n", 431,
                "request headers too large");
    }

    @Test
    void aMalformedHeadIs400AndTheConnectionCloses() throws Exception {
        assertRefusal("GET /a b c HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n", 400, "malformed request");
    }

    private void assertRefusal(String request, int status, String reason) throws Exception {
        try (Http11EdgeIT.Raw c = new Http11EdgeIT.Raw(port())) {
            c.write(request + "GET /next HTTP/1.1\r\nHost: x\r\n\r\n");
            Http11EdgeIT.Raw.Response r = c.read();
            assertThat(r.status()).isEqualTo(status);
            assertThat(r.headers().get(Exchange.REASON)).isEqualTo(reason);
            assertThat(r.headers().get("connection")).isEqualTo("close");
            c.assertClosed();
        }
        assertThat(served).as("nothing served, not even the request after it").isEmpty();
    }

    @Test
    void anHttp10RequestIsAnsweredInHttp10AndClosedUnlessItAskedToKeepAlive() throws Exception {
        try (Http11EdgeIT.Raw c = new Http11EdgeIT.Raw(port())) {
            c.write("GET /old HTTP/1.0\r\n\r\n");
            assertThat(c.read().body()).isEqualTo("GET /old");
            c.assertClosed();
        }
        try (Http11EdgeIT.Raw c = new Http11EdgeIT.Raw(port())) {
            c.write("GET /one HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
            Http11EdgeIT.Raw.Response r = c.read();
            assertThat(r.headers().get("connection")).isEqualTo("keep-alive");
            c.write("GET /two HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
            assertThat(c.read().body()).isEqualTo("GET /two");
        }
    }

    @Test
    void connectionCloseFromTheClientOrTheExchangeClosesAfterTheAnswer() throws Exception {
        try (Http11EdgeIT.Raw c = new Http11EdgeIT.Raw(port())) {
            c.write("GET /a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n");
            Http11EdgeIT.Raw.Response r = c.read();
            assertThat(r.headers().get("connection")).isEqualTo("close");
            c.assertClosed();
        }
        answer = d -> {
            d.closeAfterResponse();
            reply(d, 400, "no");
        };
        try (Http11EdgeIT.Raw c = new Http11EdgeIT.Raw(port())) {
            c.write("GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(c.read().status()).isEqualTo(400);
            c.assertClosed();
        }
        assertThat(served).extracting(H1Downstream::uri).containsExactly("/a", "/a");
    }

    @Test
    void aChunkedResponseCarriesItsTrailersAndAHeadResponseNoBody() throws Exception {
        answer = d -> {
            if (d.method() == io.vertx.core.http.HttpMethod.HEAD) {
                d.status(200, null);
                d.responseHeaders().set("content-length", "42");
                d.end(null);
                return;
            }
            d.status(200, null);
            d.chunked();
            d.write(Unpooled.copiedBuffer("ab", StandardCharsets.US_ASCII));
            d.trailers().set("grpc-status", "0");
            d.end(Unpooled.copiedBuffer("c", StandardCharsets.US_ASCII));
        };
        try (Http11EdgeIT.Raw c = new Http11EdgeIT.Raw(port())) {
            c.write("HEAD /h HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(readUntil(c, "\r\n\r\n")).contains("content-length: 42");
            c.write("GET /t HTTP/1.1\r\nHost: x\r\nTE: trailers\r\n\r\n");
            String raw = readUntil(c, "0\r\ngrpc-status: 0\r\n\r\n");
            assertThat(raw).as("no body bytes after the HEAD answer: the next answer follows at once")
                    .startsWith("HTTP/1.1 200 OK\r\n").contains("transfer-encoding: chunked")
                    .endsWith("\r\n\r\n2\r\nab\r\n1\r\nc\r\n0\r\ngrpc-status: 0\r\n\r\n");
        }
    }

    /** The bytes the client reads up to and including {@code end} (the socket's timeout bounds the wait). */
    private static String readUntil(Http11EdgeIT.Raw c, String end) throws java.io.IOException {
        StringBuilder sb = new StringBuilder();
        while (!sb.toString().endsWith(end)) {
            int b = c.in.read();
            assertThat(b).as("a byte after %s", sb).isNotNegative();
            sb.append((char) b);
        }
        return sb.toString();
    }

    @Test
    void aConnectionIdleForTheIdleTimeoutIsClosedButNotOneServingAnExchange() throws Exception {
        start(DataPlaneOptions.builder().downstreamIdleTimeout(Duration.ofMillis(300)).build());
        List<H1Downstream> waiting = new CopyOnWriteArrayList<>();
        answer = waiting::add;
        try (Http11EdgeIT.Raw c = new Http11EdgeIT.Raw(port())) {
            c.write("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
            Await.until("the request", WAIT, () -> waiting.size() == 1);
            // The answer comes after more than twice the idle timeout: an exchange under way is not idle.
            long t0 = System.nanoTime();
            Await.until("700 ms passed", WAIT, () -> System.nanoTime() - t0 > Duration.ofMillis(700).toNanos());
            assertThat(waiting.get(0).closed()).as("closed while answering").isFalse();
            reply(waiting.get(0), 200, "late");
            assertThat(c.read().body()).isEqualTo("late");
            c.assertClosed(); // then idle: closed within the reader's deadline
        }
    }

    @Test
    void theDrainClosesAfterTheAnswer() throws Exception {
        draining = true;
        try (Http11EdgeIT.Raw c = new Http11EdgeIT.Raw(port())) {
            c.write("GET /a HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(c.read().headers().get("connection")).isEqualTo("close");
            c.assertClosed();
        }
    }
}
