package dev.gossamer.proxy;

import dev.gossamer.vertx.VertxInternals;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpServer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The limits one listener keeps on its clients ({@link ListenerSpec}): at most {@code max_connections} open at once,
 * and a request head complete within {@code request_headers_timeout}.
 *
 * <p>Both act below Vert.x's HTTP server, on Netty's channels: the cap on the listening channel's pipeline, which
 * sees every accepted connection before Vert.x sets it up (one over the cap is closed there, before a byte is read);
 * the timer as the first handler of each connection's pipeline, where it sees the raw bytes arrive. The request
 * downstream tells it when a head is complete ({@link #headComplete}), and the response's end when the connection waits
 * for the next request ({@link #responseEnded}). States of one connection:
 *
 * <pre>
 *   accept ──▶ HEAD (timer from the accept) ──head complete──▶ BODY ──response ended, request ended──▶ IDLE
 *   IDLE ──first byte──▶ HEAD (timer from that byte)
 *   HEAD ──timer──▶ 408 + close (bytes came) / close (nothing came)
 * </pre>
 *
 * Between requests a keep-alive connection is bounded by the listener's idle timeout, not by this timer. An HTTP/2
 * connection (prior-knowledge preface, or a request that arrives as HTTP/2) leaves the timer: HTTP/2 has its own
 * defences (Netty's flood and reset limits). A response still being written when bytes of the next request arrive
 * (pipelining) leaves that head untimed, so a 408 is never written into the middle of another response.
 *
 * <p>With Netty's HTTP/1.1 listener ({@link DataPlaneOptions.Http1Server#NETTY}) the per-connection handler also
 * decides, on the connection's first bytes, which server reads it ({@link FirstBytes}): it holds them until the
 * first request head is complete (at most the initial line and header limits), then leaves an HTTP/2 preface or an
 * {@code Upgrade: h2c} head to Vert.x, or takes the connection from Vert.x ({@link VertxInternals#detachHttpServer})
 * and hands it to the {@link Http1Takeover}, and passes the bytes on untouched. The cap, the count, the timer and
 * Vert.x's shutdown stay on either path.
 *
 * <p>Threading: the accept handler runs on the acceptor's event loop, the per-connection handler on the
 * connection's; {@link #headComplete} is called on the connection's loop (the request handler's).
 */
final class ListenerGuard {

    private static final String ACCEPT_HANDLER = "gossamer-accept";
    private static final String HEAD_HANDLER = "gossamer-head-timer";
    private static final AttributeKey<HeadTimer> TIMER = AttributeKey.valueOf(HEAD_HANDLER);
    private static final byte[] TIMEOUT_408 = ("HTTP/1.1 408 Request Timeout\r\n"
            + Exchange.REASON + ": request headers timeout\r\n"
            + "connection: close\r\ncontent-length: 0\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] PRI = "PRI ".getBytes(StandardCharsets.ISO_8859_1);

    /** Sets up Netty's HTTP/1.1 server on a connection taken from Vert.x ({@link H1Connection#install}). */
    @FunctionalInterface
    interface Http1Takeover {
        /**
         * Adds the codec and the connection handler to {@code pipeline} (on its event loop, before its first byte is
         * passed on); {@code context} is the listener's Vert.x context on that loop. The connection tells the head
         * timer about its heads as every downstream does ({@link #headComplete}, {@link #responseEnded}).
         */
        void install(ChannelPipeline pipeline, Context context);
    }

    private final ListenerSpec spec;
    private final Http1Takeover takeover; // null: Vert.x reads HTTP/1.x too
    private final int headLimit; // the longest first head held to decide who reads the connection
    private final Map<EventLoop, Context> contexts = new ConcurrentHashMap<>(); // the listener's, by event loop
    private final long timeoutNanos;
    private final AtomicInteger open = new AtomicInteger();
    private final Counter refused;
    private final Counter headerTimeouts;

    ListenerGuard(ListenerSpec spec, MeterRegistry registry) {
        this(spec, registry, null, 0);
    }

    /**
     * @param takeover  Netty's HTTP/1.1 server for connections that are neither HTTP/2 nor h2c; null: Vert.x's
     * @param headLimit the longest first request head held before deciding (request line and headers)
     */
    ListenerGuard(ListenerSpec spec, MeterRegistry registry, Http1Takeover takeover, int headLimit) {
        this.spec = spec;
        this.takeover = takeover;
        this.headLimit = headLimit;
        this.timeoutNanos = spec.requestHeadersTimeout().toNanos();
        Tags tags = Tags.of("listener", spec.name());
        io.micrometer.core.instrument.Gauge.builder("gossamer.downstream.connections", open, AtomicInteger::get)
                .description("Client connections open on the listener").tags(tags).register(registry);
        this.refused = Counter.builder("gossamer.downstream.connections.refused")
                .description("Client connections closed at accept: the listener's max_connections was reached")
                .tags(tags).register(registry);
        this.headerTimeouts = Counter.builder("gossamer.downstream.header.timeouts")
                .description("Client connections closed because a request head did not arrive within "
                        + "request_headers_timeout (408 when some of it came)")
                .tags(tags).register(registry);
    }

    /** Client connections open now on this listener. */
    int openConnections() {
        return open.get();
    }

    /**
     * Installs the accept handler on {@code server}'s listening channel; once per listener (the instances that share
     * the port share the channel, so later calls find it installed). The handler is added on the listening
     * channel's own event loop and the future completes on {@code context} only once it is in place: added from
     * another thread, Netty links it at once but skips it until its {@code handlerAdded} task runs, and the acceptor
     * loop may accept a connection before that task, so a client that connected as soon as the port was reported
     * bound escaped the cap and the header timer (ListenerLimitsIT caught it under load). What remains is the
     * moment between the bind and the install, before the listener is reported bound (so before {@code /ready}):
     * a connection accepted then is neither capped nor timed.
     */
    Future<Void> install(HttpServer server, Context context) {
        Channel listening = VertxInternals.serverChannel(server);
        contexts.put(VertxInternals.eventLoop(context), context);
        Promise<Void> installed = Promise.promise();
        listening.eventLoop().execute(() -> {
            try {
                if (listening.pipeline().get(ACCEPT_HANDLER) == null) {
                    listening.pipeline().addFirst(ACCEPT_HANDLER, new Accept());
                }
                context.runOnContext(v -> installed.complete());
            } catch (RuntimeException e) {
                context.runOnContext(v -> installed.fail(e));
            }
        });
        return installed.future();
    }

    /**
     * A complete request head was read on channel {@code ch}: its timer stops; an HTTP/2 connection ({@code http2})
     * leaves the timer. Returns the head's number on the connection, for {@link #responseEnded}; 0 when the
     * connection is not timed. Called on the connection's event loop by the downstream that read the head.
     */
    static long headComplete(Channel ch, boolean http2) {
        HeadTimer t = ch.attr(TIMER).get();
        if (t == null) {
            return 0;
        }
        if (http2) {
            t.leave();
            return 0;
        }
        return t.headComplete();
    }

    /**
     * The response to head number {@code head} ({@link #headComplete}) on {@code ch} ended; {@code requestEnded}:
     * its request had ended too, so the connection now waits for its next head. A no-op for head 0 or no channel.
     */
    static void responseEnded(Channel ch, long head, boolean requestEnded) {
        if (head == 0 || ch == null) {
            return;
        }
        HeadTimer t = ch.attr(TIMER).get();
        if (t != null) {
            t.responseEnded(head, requestEnded);
        }
    }

    /** On the listening channel: every accepted connection, before Vert.x's initializer runs. */
    @ChannelHandler.Sharable
    private final class Accept extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Channel child) {
                if (open.incrementAndGet() > spec.maxConnections()) {
                    open.decrementAndGet();
                    refused.increment();
                    child.unsafe().closeForcibly(); // never registered: nothing else holds it
                    return;
                }
                child.closeFuture().addListener(f -> open.decrementAndGet());
                if (timeoutNanos > 0 || takeover != null) {
                    HeadTimer t = new HeadTimer();
                    child.attr(TIMER).set(t);
                    child.pipeline().addFirst(HEAD_HANDLER, t);
                }
            }
            ctx.fireChannelRead(msg);
        }
    }

    private enum State { HEAD, BODY, IDLE }

    /** One connection's request-head timer (and first-bytes switch); confined to its event loop. */
    private final class HeadTimer extends ChannelDuplexHandler {
        private ChannelHandlerContext ctx;
        private State state = State.HEAD;
        private ScheduledFuture<?> timer; // pending; it may be due before the current deadline, never after it
        private long deadline; // the event loop's ticker time the current head must be complete by
        private final Runnable fireTask = this::fire;
        private boolean bytes; // bytes of the current head arrived
        private int seen; // bytes of the connection seen, up to the length of the HTTP/2 preface's start
        private long heads; // request heads completed on this connection
        private boolean sniffing = takeover != null; // the first bytes are held until it is known who reads them
        private ByteBuf first; // the first bytes held, when one read did not bring the whole first head

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            arm();
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf b && b.isReadable()) {
                if (sniffing) {
                    sniff(ctx, b);
                    return;
                }
                if (seen < PRI.length && http2Preface(b)) {
                    leave();
                } else if (state == State.IDLE) {
                    state = State.HEAD;
                    bytes = true;
                    arm();
                } else if (state == State.HEAD) {
                    bytes = true;
                }
            }
            ctx.fireChannelRead(msg);
        }

        /** The first bytes: held until {@link FirstBytes} knows who reads the connection, then passed on. */
        private void sniff(ChannelHandlerContext ctx, ByteBuf b) {
            ByteBuf all = b;
            if (first != null) {
                all = ctx.alloc().buffer(first.readableBytes() + b.readableBytes());
                all.writeBytes(first).writeBytes(b);
                first.release();
                first = null;
                b.release();
            }
            bytes = true;
            switch (FirstBytes.classify(all, headLimit)) {
                case MORE -> {
                    first = all;
                    return;
                }
                case HTTP2_PREFACE -> {
                    sniffing = false;
                    leave();
                }
                case H2C_UPGRADE -> {
                    sniffing = false;
                    seen = PRI.length;
                }
                case HTTP1 -> {
                    sniffing = false;
                    seen = PRI.length;
                    Context context = contexts.get(ctx.channel().eventLoop());
                    // Not found only if Vert.x put the connection on a loop none of the listener's instances runs on,
                    // or changed its pipeline: then it stays Vert.x's, as with the switch off.
                    if (context != null && VertxInternals.detachHttpServer(ctx.pipeline())) {
                        takeover.install(ctx.pipeline(), context);
                    }
                }
                default -> throw new AssertionError();
            }
            ctx.fireChannelRead(all);
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            releaseFirst();
        }

        private void releaseFirst() {
            if (first != null) {
                first.release();
                first = null;
            }
        }

        /** Whether the connection starts with HTTP/2's preface ("PRI * HTTP/2.0"), as far as seen. */
        private boolean http2Preface(ByteBuf b) {
            int n = Math.min(PRI.length - seen, b.readableBytes());
            for (int i = 0; i < n; i++) {
                if (b.getByte(b.readerIndex() + i) != PRI[seen + i]) {
                    seen = PRI.length; // an HTTP/1.x request: stop looking
                    return false;
                }
            }
            seen += n;
            return seen == PRI.length;
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            cancel();
            releaseFirst();
            ctx.fireChannelInactive();
        }

        /** A request head is complete; returns its number on this connection. */
        long headComplete() {
            state = State.BODY;
            bytes = false;
            // The timer is left pending: when it comes it sees BODY or IDLE and stops, or a later head's deadline
            // and waits for the rest. So a keep-alive connection schedules one timer per timeout, not one per request
            // (issue 13: a Netty task and a method reference per request).
            return ++heads;
        }

        void responseEnded(long head, boolean requestEnded) {
            // Only the latest request's end makes the connection idle (a late end of an earlier one must not time a
            // body as a head), and a body still arriving after an early answer is read and dropped under the idle
            // timeout instead.
            if (state == State.BODY && head == heads && requestEnded) {
                state = State.IDLE;
            }
        }

        /** HTTP/2: this connection is not timed any more. */
        void leave() {
            cancel();
            ctx.channel().attr(TIMER).set(null);
            if (ctx.pipeline().context(this) != null) {
                ctx.pipeline().remove(this);
            }
        }

        private void arm() {
            if (timeoutNanos <= 0) {
                return; // only the first-bytes switch: no request_headers_timeout
            }
            deadline = ctx.executor().ticker().nanoTime() + timeoutNanos;
            if (timer == null) {
                timer = ctx.executor().schedule(fireTask, timeoutNanos, TimeUnit.NANOSECONDS);
            }
        }

        private void cancel() {
            if (timer != null) {
                timer.cancel(false);
                timer = null;
            }
        }

        private void fire() {
            timer = null;
            if (state != State.HEAD || !ctx.channel().isActive()) {
                return;
            }
            long left = deadline - ctx.executor().ticker().nanoTime();
            if (left > 0) {
                timer = ctx.executor().schedule(fireTask, left, TimeUnit.NANOSECONDS); // armed for an earlier head
                return;
            }
            headerTimeouts.increment();
            if (bytes) {
                // Written from the head of the pipeline, past Vert.x's encoder, which is idle: no response is open.
                ctx.writeAndFlush(Unpooled.wrappedBuffer(TIMEOUT_408)).addListener(ChannelFutureListener.CLOSE);
            } else {
                ctx.close();
            }
        }
    }
}
