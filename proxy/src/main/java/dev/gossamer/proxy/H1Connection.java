package dev.gossamer.proxy;

import dev.gossamer.vertx.FieldMap;
import dev.gossamer.vertx.VertxInternals;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.flow.FlowControlHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP/1.x client connection on Netty's codec (docs/design.md, "the HTTP/1.1 listener on Netty's codec"): reads
 * request heads and bodies from {@link H1ServerCodec} (Netty's decoder and encoder) and serves them one exchange at
 * a time, each through an {@link H1Downstream} handed to the data plane. What Vert.x's server did and this class
 * does instead:
 * <ul>
 *   <li><b>One exchange at a time, in order.</b> A head that comes while an exchange is under way (pipelined) is
 *       held, and reading stops ({@code autoRead} off) until that exchange's response has ended; Netty's
 *       {@link FlowControlHandler} holds what the codec decoded after it from the same read. Pipelined requests are
 *       so answered in order, and none is served behind an answer that closes. A client that waits for each answer
 *       never has its reading stopped and restarted (each costs an interest-set change).</li>
 *   <li><b>Keep-alive</b> as {@code HttpUtil.isKeepAlive} reads the request (HTTP/1.0 needs {@code keep-alive},
 *       HTTP/1.1 closes on {@code close}); a response whose body ends with the connection closes it; an answer the
 *       exchange closes after ({@link H1Downstream#closeAfterResponse}) closes it once written.</li>
 *   <li><b>Refusals of the codec:</b> 414 for a request line over {@link DataPlaneOptions#maxInitialLineLength()},
 *       431 for headers over {@link DataPlaneOptions#maxHeaderSize()}, 400 for anything else malformed; each through
 *       {@link LocalReply} (the reason as {@code x-gossamer-reason}), then the connection closes.</li>
 *   <li><b>The listener's timers:</b> the head timer hears each head and each response's end
 *       ({@link ListenerGuard#headComplete}, {@link ListenerGuard#responseEnded}); the idle timeout ({@link DataPlaneOptions#downstreamIdleTimeout()}) closes a
 *       connection without an exchange for that long. Vert.x's {@code IdleStateHandler} is taken out: it made a
 *       promise and a listener for every write.</li>
 *   <li><b>Drain:</b> the server's shutdown ({@code HttpServer.shutdown}, which waits for its channel group, this
 *       connection included) closes an idle connection at once and the busy one once its response is written
 *       (with {@code Connection: close}, which the exchange sets while the data plane drains).</li>
 *   <li><b>Back-pressure</b> both ways with {@code autoRead} and the channel's writability.</li>
 * </ul>
 *
 * <p>Reference counts: every message read is released here once handled; a body chunk is lent to the exchange for
 * the call ({@link Downstream.Listener#onRequestBody}).
 *
 * <p>Threading: confined to the connection's event loop, which is the event loop of the listener's Vert.x context
 * it was given.
 */
final class H1Connection extends ChannelDuplexHandler {

    private static final System.Logger LOG = System.getLogger(H1Connection.class.getName());
    /** Body chunks as the client's reads bring them, at most this large (Vert.x's server: 8 KiB too). */
    private static final int MAX_CHUNK = 8192;
    /** The name Vert.x's {@code NetServerImpl} gives its {@code IdleStateHandler}. */
    private static final String IDLE = "idle";

    /** Where a request read here goes: the data plane starts an exchange on it (tests: a stub). */
    @FunctionalInterface
    interface Requests {
        /** Serves {@code d}, read on listener {@code listener}, on {@code context} (the connection's event loop). */
        void serve(String listener, Downstream d, Context context);
    }

    /**
     * Netty's HTTP/1.1 server of one listener, as {@link ListenerGuard} installs it on each connection it takes from
     * Vert.x: the codec with {@code options}' limits, the flow-control handler that holds pipelined requests, and
     * the connection handler.
     *
     * @param draining whether the data plane drains (answers then close their connection)
     */
    record Setup(DataPlaneOptions options, String listener, Requests requests, java.util.function.BooleanSupplier draining)
            implements ListenerGuard.Http1Takeover {

        @Override
        public void install(ChannelPipeline pipeline, Context context) {
            pipeline.addLast("gossamer-h1-codec", new H1ServerCodec(new HttpDecoderConfig()
                    .setMaxInitialLineLength(options.maxInitialLineLength())
                    .setMaxHeaderSize(options.maxHeaderSize())
                    .setMaxChunkSize(MAX_CHUNK)
                    // Multimaps from the start (FieldMap): the exchange reads them and hands them upstream as they are.
                    .setHeadersFactory(FieldMap.FACTORY)
                    .setTrailersFactory(FieldMap.FACTORY)));
            pipeline.addLast("gossamer-h1-flow", new FlowControlHandler());
            if (pipeline.get(IDLE) instanceof IdleStateHandler) {
                // Vert.x's idle handler turns every write's void promise into a promise with a listener (three
                // objects per write); the connection keeps its own idle timer instead (one task per timeout period).
                pipeline.remove(IDLE);
            }
            pipeline.addLast("gossamer-h1", new H1Connection(this, context));
        }
    }

    private final Setup setup;
    private final Context context;
    private final long idleNanos; // downstreamIdleTimeout; 0: never
    private long idleSince; // the executor ticker's time the connection became idle; -1 while an exchange runs
    private ScheduledFuture<?> idleTimer; // pending; never due after the current idle deadline
    private final Runnable idleCheck = this::idleCheck;
    private ChannelHandlerContext ctx;
    private String remoteHost; // the client's address as text, made once per connection
    private H1Downstream current; // the exchange being served; null between requests
    private boolean closing; // no further request is served: the connection closes after the current answer
    private boolean shutdown; // the server drains: close once idle
    private HttpRequest held; // a pipelined head that came while an exchange was under way; served after it
    // A held head is served from a task, not inside the call that ended the exchange before it (which is still
    // unwinding its end); reading resumes after it. One object per connection.
    private final Runnable serveHeld = this::serveHeld;

    private H1Connection(Setup setup, Context context) {
        this.setup = setup;
        this.context = context;
        this.idleNanos = setup.options().downstreamIdleTimeout().toNanos();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        idleSince = now();
        armIdle(idleNanos);
    }

    // ---- reading ----

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof HttpRequest req && current != null && !closing && held == null) {
                // Pipelined behind an exchange under way: this head waits for its answer, and reading stops until
                // then (what the codec decoded from the same read waits in the flow-control handler). Reading is
                // stopped only here, not after every request: a client that waits for its answers costs nothing.
                held = ReferenceCountUtil.retain(req);
                autoRead(false);
                return;
            }
            dispatch(msg);
        } catch (RuntimeException e) {
            // The exchange guards its own steps; this is a bug here. The connection goes, the loop goes on.
            LOG.log(System.Logger.Level.ERROR, "HTTP/1.1 connection failed in the proxy", e);
            ctx.close();
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void dispatch(Object msg) {
        if (msg instanceof HttpRequest req) {
            onHead(req);
        }
        if (msg instanceof HttpContent content) {
            onContent(content);
        }
    }

    private void onHead(HttpRequest req) {
        if (closing || current != null) {
            return; // behind an answer that closes (RFC 9112 §9.6): not served; current != null cannot happen
        }
        if (req.decoderResult().isFailure()) {
            refuse(req.protocolVersion(), req.decoderResult().cause());
            return;
        }
        H1Downstream d = new H1Downstream(this, req, ListenerGuard.headComplete(ctx.channel(), false));
        current = d;
        idleSince = -1;
        setup.requests().serve(setup.listener(), d, context);
    }

    private void onContent(HttpContent content) {
        H1Downstream d = current;
        if (d == null || d.requestEnded()) {
            return; // the rest of a refused request (the connection is closing), or nothing asked for
        }
        if (content.decoderResult().isFailure()) {
            // A broken body (a bad chunk size): the request cannot complete, and nothing after it can be read.
            closing = true;
            d.clientGone(content.decoderResult().cause());
            ctx.close();
            return;
        }
        ByteBuf b = content.content();
        if (b.isReadable()) {
            d.onBody(b);
        }
        if (content instanceof LastHttpContent last) {
            MultiMap trailers = last.trailingHeaders().isEmpty() ? null : (MultiMap) last.trailingHeaders();
            d.onEnd(trailers);
            if (current == d && d.responseEnded()) {
                next(d);
            }
        }
    }

    /** 414, 431 or 400 for a head the codec could not read; the connection closes once it is written. */
    private void refuse(HttpVersion version, Throwable cause) {
        closing = true;
        int status;
        String reason;
        if (cause instanceof TooLongHttpLineException) {
            status = 414;
            reason = "request line too long";
        } else if (cause instanceof TooLongHttpHeaderException
                || (cause instanceof TooLongFrameException && !(cause instanceof TooLongHttpLineException))) {
            status = 431;
            reason = "request headers too large";
        } else {
            status = 400;
            reason = "malformed request";
        }
        MultiMap none = VertxInternals.httpHeaders();
        LocalReply.Reply r = LocalReply.of(none, status, reason);
        ByteBuf body = VertxInternals.byteBuf(r.body());
        DefaultFullHttpResponse resp = new DefaultFullHttpResponse(version, HttpResponseStatus.valueOf(status),
                body, VertxInternals.asNetty(VertxInternals.httpHeaders()), VertxInternals.newNettyHeaders());
        LocalReply.writeHeaders(r, reason, (MultiMap) resp.headers());
        resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(resp).addListener(ChannelFutureListener.CLOSE);
    }

    // ---- what the exchange's downstream asks ----

    /**
     * Stops or restarts reading the client: back-pressure on a request body. Reading stays stopped while a pipelined
     * head is held, whoever asks: what comes after it is its own, not the exchange's under way (an exchange whose
     * try connects at once resumes its request inside the call that started it).
     */
    void autoRead(boolean on) {
        if (on && held != null) {
            return;
        }
        ctx.channel().config().setAutoRead(on);
    }

    /** Whether the connection closes once the response of {@code d} is written. */
    boolean closesAfter(H1Downstream d) {
        return closing || shutdown || d.closesConnection();
    }

    /**
     * The response of {@code d} was written up to its end; {@code close}: {@link #closesAfter} said so, and the end's
     * write closes the connection once done.
     */
    void responseEnded(H1Downstream d, boolean close) {
        if (current != d) {
            return;
        }
        if (close) {
            closing = true;
            dropHeld();
            return;
        }
        if (d.requestEnded()) {
            next(d);
        } else {
            autoRead(true); // the rest of the body is read and dropped, then the next head is served
        }
    }

    /** Exchange {@code d} is over both ways: the connection waits for the next head. */
    private void next(H1Downstream d) {
        ListenerGuard.responseEnded(ctx.channel(), d.head(), true);
        current = null;
        idleSince = now();
        if (shutdown) {
            closing = true;
            dropHeld();
            ctx.close();
            return;
        }
        if (held != null) {
            ctx.executor().execute(serveHeld);
        } else if (!ctx.channel().config().isAutoRead()) {
            ctx.executor().execute(serveHeld); // reading stopped by back-pressure: resumed from the task too
        }
    }

    private void serveHeld() {
        if (current != null || closing) {
            return;
        }
        HttpRequest h = held;
        held = null;
        if (h != null) {
            try {
                dispatch(h);
            } finally {
                ReferenceCountUtil.release(h);
            }
        }
        if (!closing) {
            autoRead(true); // the held head's body and the heads after it, as the flow-control handler has them
        }
    }

    private void dropHeld() {
        HttpRequest h = held;
        held = null;
        ReferenceCountUtil.release(h);
    }

    /** The response was abandoned ({@link H1Downstream#reset}): HTTP/1.x can only close. */
    void reset(H1Downstream d) {
        closing = true;
        ctx.close();
    }

    /** Marks the connection as closing after the current answer: nothing read after it is served. */
    void closeAfterResponse() {
        closing = true;
        dropHeld();
    }

    boolean draining() {
        return shutdown || setup.draining().getAsBoolean();
    }

    ChannelHandlerContext ctx() {
        return ctx;
    }

    Context context() {
        return context;
    }

    long idleTimeoutNanos() {
        return idleNanos;
    }

    /** The client's address as text, made once per connection. */
    String remoteHost() {
        if (remoteHost == null) {
            SocketAddress a = ctx.channel().remoteAddress();
            if (a instanceof InetSocketAddress inet && inet.getAddress() != null) {
                remoteHost = inet.getAddress().getHostAddress();
            }
        }
        return remoteHost;
    }

    /** The WebSocket tunnel took the connection: this handler is gone from the pipeline. */
    void tunnelled(H1Downstream d) {
        if (current == d) {
            current = null;
        }
        closing = true;
        dropHeld();
    }

    // ---- the idle timeout (downstreamIdleTimeout) ----

    private long now() {
        return ctx.executor().ticker().nanoTime();
    }

    private void armIdle(long delay) {
        if (idleNanos > 0 && idleTimer == null) {
            idleTimer = ctx.executor().schedule(idleCheck, delay, TimeUnit.NANOSECONDS);
        }
    }

    /**
     * A connection without an exchange for the idle timeout is closed, as Vert.x's idle handler closed it. The timer
     * is not moved on each request: when it comes it looks at when the connection last became idle and waits again
     * for the rest, so a busy keep-alive connection schedules one task per timeout period, not one per request. An
     * exchange under way is bounded by its route's timeouts instead.
     */
    private void idleCheck() {
        idleTimer = null;
        if (closing || !ctx.channel().isActive()) {
            return;
        }
        if (idleSince < 0) {
            armIdle(idleNanos);
            return;
        }
        long left = idleSince + idleNanos - now();
        if (left <= 0) {
            closing = true;
            dropHeld();
            ctx.close();
        } else {
            armIdle(left);
        }
    }

    // ---- the connection's events ----

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        H1Downstream d = current;
        if (d != null && ctx.channel().isWritable()) {
            d.onWritable();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closing = true;
        dropHeld();
        if (idleTimer != null) {
            idleTimer.cancel(false);
            idleTimer = null;
        }
        H1Downstream d = current;
        current = null;
        if (d != null) {
            d.clientGone(null);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A reset by the client, a failed write: the connection is gone; the exchange hears it in channelInactive.
        ctx.close();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (VertxInternals.isShutdownEvent(evt)) {
            shutdown = true;
            if (current == null) {
                closing = true;
                ctx.close(); // idle: closed at once; a busy one closes after its answer (next / responseEnded)
            }
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }
}
