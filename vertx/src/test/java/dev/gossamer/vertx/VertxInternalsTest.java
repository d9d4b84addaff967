package dev.gossamer.vertx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gossamer.common.testing.Await;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.HttpHeaders;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The adapters over Vert.x internals behave as the data plane relies on (real Vert.x, loopback sockets). */
class VertxInternalsTest {

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void theEventLoopOfAContextRunsItsTasks() {
        Context ctx = vertx.getOrCreateContext();
        EventLoop loop = VertxInternals.eventLoop(ctx);
        AtomicBoolean inLoop = new AtomicBoolean();
        AtomicBoolean done = new AtomicBoolean();
        ctx.runOnContext(v -> {
            inLoop.set(loop.inEventLoop());
            done.set(true);
        });
        Await.until("the task", Duration.ofSeconds(10), done::get);
        assertThat(inLoop).isTrue();
    }

    @Test
    void buffersWrapAndUnwrapWithoutACopy() {
        ByteBuf buf = VertxInternals.heapBuffer(16).writeBytes("hello".getBytes(StandardCharsets.US_ASCII));
        Buffer b = VertxInternals.buffer(buf);
        assertThat(b.toString(StandardCharsets.US_ASCII)).isEqualTo("hello");
        buf.setByte(0, 'j'); // the buffer is a view of buf
        assertThat(b.toString(StandardCharsets.US_ASCII)).isEqualTo("jello");
        ByteBuf view = VertxInternals.byteBuf(b); // a view of the same memory (Vert.x hands out a slice)
        assertThat(view.toString(StandardCharsets.US_ASCII)).isEqualTo("jello");
        view.setByte(0, 'c');
        assertThat(buf.getByte(0)).isEqualTo((byte) 'c');
        assertThat(b.toString(StandardCharsets.US_ASCII)).isEqualTo("cello");
    }

    @Test
    void headersAreCaseInsensitive() {
        MultiMap h = VertxInternals.httpHeaders().add("Content-Type", "text/plain");
        assertThat(h.get("content-type")).isEqualTo("text/plain");
    }

    @Test
    void aBootstrapOnVertxsTransportConnectsByNameOverLoopback() throws Exception {
        NetServer server = vertx.createNetServer()
                .connectHandler(so -> so.handler(b -> so.write(Buffer.buffer("echo:").appendBuffer(b))));
        int port = server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture()
                .get(10, TimeUnit.SECONDS).actualPort();
        Context ctx = vertx.getOrCreateContext();
        CompletableFuture<String> reply = new CompletableFuture<>();
        Bootstrap b = VertxInternals.useTransportOf(vertx, new Bootstrap())
                .group(VertxInternals.eventLoop(ctx))
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new SimpleChannelInboundHandler<ByteBuf>() {
                            private final StringBuilder got = new StringBuilder();

                            @Override
                            protected void channelRead0(ChannelHandlerContext c, ByteBuf msg) {
                                got.append(msg.toString(StandardCharsets.US_ASCII));
                                if (got.length() >= "echo:hi".length()) {
                                    reply.complete(got.toString());
                                    c.close();
                                }
                            }
                        });
                    }
                });
        // "localhost" goes through Vert.x's resolver, which the bootstrap now uses.
        Channel ch = b.connect("localhost", port).sync().channel();
        assertThat(ch.getClass().getSimpleName()).as("channel class of %s", VertxInternals.transportName(vertx))
                .startsWith(VertxInternals.transportName(vertx).replace("Transport", ""));
        ch.writeAndFlush(Unpooled.copiedBuffer("hi", StandardCharsets.US_ASCII));
        assertThat(reply.get(10, TimeUnit.SECONDS)).isEqualTo("echo:hi");
    }

    @Test
    void oneHeadersMapIsBothAVertxMultiMapAndNettyHeadersWithoutACopy() {
        MultiMap h = VertxInternals.httpHeaders();
        HttpHeaders netty = VertxInternals.asNetty(h);
        h.add("X-Trace", "a").add("x-trace", "b");
        assertThat(netty.getAll("X-TRACE")).containsExactly("a", "b");
        netty.set("Host", "orders:8080");
        assertThat(h.get("host")).isEqualTo("orders:8080");

        HttpHeaders fresh = VertxInternals.newNettyHeaders();
        assertThat(fresh).isInstanceOf(MultiMap.class);
        assertThat(fresh.isEmpty()).isTrue();
    }

    @Test
    void anHttpServerConnectionTakenAwayBeforeItsFirstByteIsNettysAndStillHearsTheServersShutdown()
            throws Exception {
        io.vertx.core.http.HttpServer server = vertx.createHttpServer(new io.vertx.core.http.HttpServerOptions()
                .setHttp2ClearTextEnabled(true)).requestHandler(req -> req.response().end("vertx"));
        server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        CompletableFuture<Boolean> detached = new CompletableFuture<>();
        CompletableFuture<Boolean> shutdownHeard = new CompletableFuture<>();
        Channel listening = VertxInternals.serverChannel(server);
        io.netty.channel.ChannelHandler onAccept = new io.netty.channel.ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ((Channel) msg).pipeline().addFirst(new io.netty.channel.ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext c, Object bytes) {
                        ((ByteBuf) bytes).release();
                        if (!detached.isDone()) {
                            detached.complete(VertxInternals.detachHttpServer(c.pipeline()));
                            c.writeAndFlush(Unpooled.copiedBuffer("HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\n"
                                    + "netty", StandardCharsets.US_ASCII));
                        }
                    }

                    @Override
                    public void userEventTriggered(ChannelHandlerContext c, Object evt) {
                        if (VertxInternals.isShutdownEvent(evt)) {
                            shutdownHeard.complete(true);
                            c.close();
                        }
                    }
                });
                ctx.fireChannelRead(msg);
            }
        };
        listening.eventLoop().submit(() -> listening.pipeline().addFirst(onAccept)).sync();
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", server.actualPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] answer = new byte[64];
            int n = 0;
            while (n < 43) {
                int r = s.getInputStream().read(answer, n, answer.length - n);
                assertThat(r).as("bytes of the answer").isPositive();
                n += r;
            }
            assertThat(new String(answer, 0, n, StandardCharsets.US_ASCII)).endsWith("netty");
            assertThat(detached.get(10, TimeUnit.SECONDS)).as("Vert.x 5.0's handlers were found").isTrue();
            server.shutdown(10, TimeUnit.SECONDS).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertThat(shutdownHeard.get(10, TimeUnit.SECONDS)).isTrue();
            assertThat(s.getInputStream().read()).as("closed by the handler that heard the shutdown").isEqualTo(-1);
        }
    }

    @Test
    void theTransportIsNamed() {
        assertThat(VertxInternals.transportName(vertx)).endsWith("Transport");
    }
}
