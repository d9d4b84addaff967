package dev.gossamer.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.channel.EventLoop;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.GlobalEventExecutor;
import dev.gossamer.common.Ticker;
import dev.gossamer.vertx.FieldMap;
import dev.gossamer.vertx.VertxInternals;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.net.SocketAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link Upstream} for HTTP/1.1 endpoints, straight on Netty's HTTP codec, on the Vert.x event loops.
 *
 * <p>Why not Vert.x's client: on the request path its connection pool, futures and per-request stream objects were
 * about an eighth of the proxy's CPU (docs/performance.md). A proxy needs much less of a client: a keep-alive
 * connection per in-flight request, a request head and body written as they come, a response streamed back with
 * back-pressure. Parsing and encoding stay Netty's ({@link HttpRequestEncoder}, and its response decoder through
 * {@link H1ResponseDecoder}); this class is the pool and the bookkeeping.
 *
 * <p>Pools: one per (event loop, endpoint), confined to that loop, so taking and returning a connection needs no
 * lock: like Envoy's per-worker pools. {@code max_connections_per_endpoint} is split evenly across the event loops
 * that serve requests (each of the listeners' N loops may open ⌈max / N⌉); a request that finds its loop's pool
 * full waits for a connection of that loop. Idle connections are reused most-recent first. A connection with no
 * traffic for the idle timeout is closed: an idle one, and a busy one whose response (or request) stalled, which
 * resets its request. A connection is reused only after both its request and its response were complete and the
 * response allowed keep-alive. A connection that finishes connecting for a request abandoned meanwhile (its client
 * went away) goes to a waiter if there is one, else it is closed: Envoy's {@code CancelPolicy::CloseExcess}.
 *
 * <p>Circuit breakers ({@link CircuitBreakers}), over every loop and endpoint: {@code max_connections} bounds the
 * connections open or opening (a pool that may not open one lets the request wait for one of its own, or fails it
 * when it has none), {@code max_pending_requests} bounds the requests waiting. A request refused by either hears
 * {@link Listener#onConnectFailure} with a {@link BreakerOverflow}.
 */
final class H1Upstream implements Upstream {

    private static final int MAX_INITIAL_LINE = 4096;
    private static final int MAX_HEADER_SIZE = 64 * 1024;
    private static final int MAX_CHUNK = 8192;
    private final Bootstrap bootstrap;
    private final Ticker ticker;
    private final int maxPerLoop;
    private final long idleNanos;
    private final int maxConnections;
    private final int maxPending;
    private final AtomicInteger connections = new AtomicInteger(); // open or opening, over every loop
    private final AtomicInteger pending = new AtomicInteger(); // waiting for a connection, over every loop
    private final Map<EventLoop, Loop> loops = new ConcurrentHashMap<>();
    // Every open connection; Netty's group drops a channel when it closes and closes them all at once.
    private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private volatile boolean closing;

    /**
     * @param maxPerEndpoint connections per endpoint over all event loops
     * @param loops          the event loops that serve requests (the listeners' instances)
     * @param idleTimeout    a connection without traffic this long is closed; ZERO = never
     * @param ticker         the clock connections' ages are read from (the sweep itself runs on the event loop)
     * @param breakers       the cluster's {@code max_connections} and {@code max_pending_requests}
     */
    H1Upstream(Vertx vertx, Duration connectTimeout, int maxPerEndpoint, int loops, Duration idleTimeout,
               Ticker ticker, CircuitBreakers breakers) {
        this.ticker = ticker;
        this.maxConnections = breakers.maxConnections();
        this.maxPending = breakers.maxPendingRequests();
        this.maxPerLoop = Math.max(1, (maxPerEndpoint + loops - 1) / Math.max(1, loops));
        this.idleNanos = idleTimeout.toNanos();
        this.bootstrap = VertxInternals.useTransportOf(vertx, new Bootstrap())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
                        Math.max(1, connectTimeout.toMillis())));
    }

    @Override
    public void open(Context ctx, SocketAddress server, HttpMethod method, String uri, Listener l) {
        EventLoop el = VertxInternals.eventLoop(ctx);
        Loop loop = loops.get(el);
        if (loop == null) {
            loop = loops.computeIfAbsent(el, Loop::new);
        }
        loop.pool(server).acquire(new H1Call(server, method, uri, l));
    }

    @Override
    public Future<Void> shutdown(Duration grace) {
        closing = true;
        for (Loop loop : loops.values()) {
            loop.el.execute(loop::closeIdle);
        }
        if (channels.isEmpty() || grace.isZero() || grace.isNegative()) {
            return close();
        }
        // A connection exists, so the loop it lives on does: the final close is scheduled there.
        Promise<Void> done = Promise.promise();
        loops.keySet().iterator().next().schedule(() -> close().onComplete(done), grace.toMillis(),
                TimeUnit.MILLISECONDS);
        return done.future();
    }

    @Override
    public Future<Void> close() {
        closing = true;
        Promise<Void> done = Promise.promise();
        channels.close().addListener(f -> done.tryComplete());
        return done.future();
    }

    /** Connections open now, over every loop and endpoint (the gauge {@code gossamer_upstream_connections}). */
    int openConnections() {
        return channels.size();
    }

    /** Requests waiting for a connection now, over every loop and endpoint. */
    int pendingRequests() {
        return pending.get();
    }

    /** Takes one of the cluster's {@code max_connections}; false when none is left. */
    private boolean reserveConnection() {
        while (true) {
            int n = connections.get();
            if (n >= maxConnections) {
                return false;
            }
            if (connections.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** Pools that exist now, over every loop (an endpoint with neither connections nor waiters has none). */
    int pools() {
        int n = 0;
        for (Loop l : loops.values()) {
            n += l.pools.size(); // read off-loop for tests and metrics only: a racy count is fine
        }
        return n;
    }

    // ---- per event loop ----

    /** The pools of one event loop; touched only on that loop, except for creation. */
    private final class Loop {
        final EventLoop el;
        final Map<SocketAddress, Pool> pools = new HashMap<>();
        boolean sweepScheduled;

        Loop(EventLoop el) {
            this.el = el;
        }

        Pool pool(SocketAddress server) {
            Pool p = pools.get(server);
            if (p == null) {
                p = new Pool(this, server);
                pools.put(server, p);
            }
            return p;
        }

        void closeIdle() {
            for (Pool p : pools.values()) {
                for (Conn c : p.idle.toArray(new Conn[0])) {
                    c.ch.close();
                }
            }
        }

        /** Starts the idle sweep if it is not running: every quarter of the idle timeout while connections exist. */
        void scheduleSweep() {
            if (sweepScheduled || idleNanos <= 0) {
                return;
            }
            sweepScheduled = true;
            el.schedule(this::sweep, Math.max(idleNanos / 4, TimeUnit.MILLISECONDS.toNanos(10)),
                    TimeUnit.NANOSECONDS);
        }

        private void sweep() {
            sweepScheduled = false;
            long now = ticker.nanoTime();
            boolean any = false;
            for (Pool p : pools.values()) {
                for (Conn c : p.all.toArray(new Conn[0])) {
                    if (now - c.lastActive >= idleNanos) {
                        c.ch.close(); // a busy one hears it as a reset
                    }
                }
                any |= !p.all.isEmpty();
            }
            if (any) {
                scheduleSweep();
            }
        }
    }

    /** The connections of one event loop to one endpoint. */
    private final class Pool {
        final Loop loop;
        final SocketAddress server;
        final ArrayDeque<Conn> idle = new ArrayDeque<>(); // most recently used first
        final ArrayDeque<H1Call> waiters = new ArrayDeque<>();
        final ArrayList<Conn> all = new ArrayList<>(); // connected, not yet closed
        int open; // connected or connecting

        Pool(Loop loop, SocketAddress server) {
            this.loop = loop;
            this.server = server;
        }

        long now() {
            return ticker.nanoTime();
        }

        void acquire(H1Call call) {
            if (closing) {
                call.l.onConnectFailure(new IllegalStateException("upstream pool is closed"));
                return;
            }
            Conn c;
            while ((c = idle.pollFirst()) != null) {
                if (c.ch.isActive()) {
                    c.assign(call);
                    return;
                }
            }
            if (open < maxPerLoop && reserveConnection()) {
                connect(call);
            } else if (open == 0) {
                // The cluster's max_connections is used up by other loops or endpoints, and this pool has no
                // connection that could come free for the request: waiting would have no end.
                call.l.onConnectFailure(BreakerOverflow.MAX_CONNECTIONS);
            } else if (pending.incrementAndGet() > maxPending) {
                pending.decrementAndGet();
                call.l.onConnectFailure(BreakerOverflow.MAX_PENDING_REQUESTS);
            } else {
                waiters.addLast(call);
            }
        }

        private H1Call pollWaiter() {
            H1Call w = waiters.pollFirst();
            if (w != null) {
                pending.decrementAndGet();
            }
            return w;
        }

        /** Opens a connection for {@code call}; one of the cluster's max_connections was reserved for it. */
        private void connect(H1Call call) {
            open++;
            Conn conn = new Conn(this);
            InetSocketAddress remote = InetSocketAddress.createUnresolved(server.host(), server.port());
            ChannelFuture f = bootstrap.clone(loop.el).handler(new ChannelInitializer<>() {
                @Override
                protected void initChannel(Channel ch) {
                    HttpDecoderConfig config = new HttpDecoderConfig()
                            .setMaxInitialLineLength(MAX_INITIAL_LINE)
                            .setMaxHeaderSize(MAX_HEADER_SIZE)
                            .setMaxChunkSize(MAX_CHUNK)
                            .setValidateHeaders(false)
                            .setHeadersFactory(FieldMap.FACTORY)
                            .setTrailersFactory(FieldMap.FACTORY);
                    // HttpClientCodec's pair, with a decoder that takes fewer objects per head and learns the
                    // request's method from the call the connection carries (H1ResponseDecoder)
                    ch.pipeline().addLast("codec", new CombinedChannelDuplexHandler<>(
                            new H1ResponseDecoder(config, () -> conn.call == null ? null : conn.call.method),
                            new HttpRequestEncoder()));
                    ch.pipeline().addLast("gossamer", conn);
                }
            }).connect(remote);
            f.addListener(x -> {
                if (f.isSuccess()) {
                    conn.ch = f.channel();
                    conn.lastActive = ticker.nanoTime();
                    all.add(conn);
                    loop.scheduleSweep();
                    channels.add(conn.ch);
                    if (closing) {
                        conn.ch.close();
                        call.l.onConnectFailure(new IllegalStateException("upstream pool is closed"));
                        return;
                    }
                    conn.assign(call);
                } else {
                    open--; // never connected, so never in all and never closed()
                    connections.decrementAndGet();
                    call.l.onConnectFailure(f.cause());
                    next();
                    evictIfEmpty();
                }
            });
        }

        /** A connection is free: hand it to the next waiter or keep it idle. */
        void release(Conn c) {
            if (closing) {
                c.ch.close();
                return;
            }
            H1Call w = pollWaiter();
            if (w != null) {
                c.assign(w);
                return;
            }
            c.lastActive = ticker.nanoTime();
            idle.addFirst(c);
        }

        /** A connection closed. */
        void closed(Conn c) {
            if (all.remove(c)) {
                open--;
                connections.decrementAndGet();
                idle.remove(c);
                next();
                evictIfEmpty();
            }
        }

        /**
         * A pool with no connection (open or connecting) and nobody waiting leaves its loop's map, so endpoints that
         * left the cluster (a rolling deploy's old pod IPs) do not pile up: their idle connections close within the
         * idle timeout, and then their pools go. No connection can reach a removed pool again (it had none), and the
         * next request to that address makes a new one.
         */
        private void evictIfEmpty() {
            if (open == 0 && waiters.isEmpty()) {
                loop.pools.remove(server, this);
            }
        }

        private void next() {
            if (!waiters.isEmpty() && open < maxPerLoop) {
                H1Call w;
                if (closing) {
                    while ((w = pollWaiter()) != null) {
                        w.l.onConnectFailure(new IllegalStateException("upstream pool is closed"));
                    }
                    return;
                }
                if (reserveConnection()) {
                    connect(pollWaiter());
                } else if (open == 0) {
                    // Nothing of this pool's can come free any more, and the cluster has no connection to spare.
                    while ((w = pollWaiter()) != null) {
                        w.l.onConnectFailure(BreakerOverflow.MAX_CONNECTIONS);
                    }
                }
            }
        }
    }

    // ---- one connection ----

    private static final class Conn extends ChannelInboundHandlerAdapter {
        final Pool pool;
        Channel ch;
        H1Call call;
        long lastActive; // ticker.nanoTime() of the last read, write or release
        boolean used; // has carried a request (a head went out on it)
        boolean skipping; // inside an informational (1xx) response, which the proxy does not pass on

        Conn(Pool pool) {
            this.pool = pool;
        }

        void assign(H1Call c) {
            call = c;
            c.conn = this;
            c.l.onOpen(c);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            lastActive = pool.now();
            try {
                H1Call c = call;
                if (c == null) {
                    ctx.close(); // bytes nobody asked for on an idle connection
                    return;
                }
                if (msg instanceof HttpResponse r) {
                    if (r.decoderResult().isFailure()) {
                        ctx.close();
                        return;
                    }
                    int status = r.status().code();
                    skipping = status >= 100 && status < 200;
                    if (!skipping) {
                        c.onHead(r);
                    }
                }
                if (msg instanceof HttpContent content) {
                    if (content.decoderResult().isFailure()) {
                        ctx.close();
                        return;
                    }
                    if (skipping) {
                        return;
                    }
                    ByteBuf b = content.content();
                    if (b.isReadable()) {
                        c.onData(b);
                    }
                    if (msg instanceof LastHttpContent last) {
                        c.onEnd(last.trailingHeaders());
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            H1Call c = call;
            if (c != null && ctx.channel().isWritable()) {
                c.onWritable();
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            pool.closed(this);
            H1Call c = call;
            call = null;
            if (c != null) {
                c.onClosed();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            H1Call c = call;
            if (c != null) {
                c.failure = cause;
            }
            ctx.close();
        }
    }

    // ---- one request ----

    private static final class H1Call implements Call {
        final SocketAddress server;
        final HttpMethod method;
        final String uri;
        final Listener l;
        MultiMap headers; // made on first use, or the exchange's own map (useHeaders)
        Conn conn;
        String host;
        boolean chunked;
        boolean headSent;
        boolean requestEnded;
        boolean responseStarted;
        boolean responseEnded;
        boolean keepAlive = true;
        boolean headReusable; // the decoder reads no field of this response's head after handing it over
        boolean gone; // discarded or reset: the listener hears nothing more
        Throwable failure;
        Runnable drain;

        H1Call(SocketAddress server, HttpMethod method, String uri, Listener l) {
            this.server = server;
            this.method = method;
            this.uri = uri;
            this.l = l;
        }

        @Override
        public MultiMap headers() {
            if (headers == null) {
                headers = VertxInternals.httpHeaders();
            }
            return headers;
        }

        /** Vert.x's HTTP/1.x map (the request's own, as the server decoded it) is taken as it is: no second map. */
        @Override
        public void useHeaders(MultiMap fields) {
            headers = Headers.take(headers, fields);
        }

        @Override
        public void authority(HostAndPort a, String text) {
            host = a.port() > 0 && a.port() != 80 ? text : a.host();
        }

        @Override
        public void chunked() {
            chunked = true;
        }

        private void sendHead() {
            if (headSent) {
                return;
            }
            headSent = true;
            conn.used = true;
            MultiMap headers = headers();
            headers.set(HttpHeaderNames.HOST, host != null ? host : server.host() + ":" + server.port());
            if (chunked) {
                headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            }
            conn.ch.write(new DefaultHttpRequest(HttpVersion.HTTP_1_1,
                    io.netty.handler.codec.http.HttpMethod.valueOf(method.name()), uri, VertxInternals.asNetty(headers)),
                    conn.ch.voidPromise()); // a failed write reaches exceptionCaught, as the body's writes do
        }

        @Override
        public void write(Buffer chunk) {
            if (gone || requestEnded || conn.call != this || chunk.length() == 0) {
                VertxInternals.unwrap(chunk).release(); // given, and not sent
                return;
            }
            sendHead();
            conn.lastActive = conn.pool.now();
            // The chunk's ByteBuf is given (Upstream.Call#write): Netty releases it once written.
            conn.ch.writeAndFlush(new DefaultHttpContent(VertxInternals.unwrap(chunk)), conn.ch.voidPromise());
        }

        @Override
        public void end(MultiMap trailers) {
            if (gone || requestEnded || conn.call != this) {
                return;
            }
            sendHead();
            conn.lastActive = conn.pool.now();
            requestEnded = true;
            LastHttpContent last = LastHttpContent.EMPTY_LAST_CONTENT;
            if (chunked && trailers != null && !trailers.isEmpty()) {
                // A body with a length has no trailer section (RFC 9112 §7.1.2): only a chunked one carries them.
                MultiMap fields = VertxInternals.httpHeaders();
                Headers.copyEndToEnd(trailers, fields, false);
                last = new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER, VertxInternals.asNetty(fields));
            }
            conn.ch.writeAndFlush(last, conn.ch.voidPromise());
            maybeRelease();
        }

        @Override
        public boolean writeQueueFull() {
            return conn.call == this && !conn.ch.isWritable();
        }

        @Override
        public void drainHandler(Runnable onDrain) {
            drain = onDrain;
        }

        void onWritable() {
            Runnable d = drain;
            drain = null;
            if (d != null && !gone) {
                d.run();
            }
        }

        @Override
        public void pauseResponse() {
            if (conn.call == this) {
                conn.ch.config().setAutoRead(false);
            }
        }

        @Override
        public void resumeResponse() {
            if (conn.call == this) {
                conn.ch.config().setAutoRead(true);
            }
        }

        @Override
        public boolean responseHeadersReusable() {
            return headReusable;
        }

        @Override
        public void discard() {
            if (gone) {
                return;
            }
            gone = true;
            if (requestEnded && keepAlive) {
                resumeResponse(); // read the rest and drop it; the connection is released at its end
                maybeRelease();
            } else {
                close();
            }
        }

        @Override
        public void reset() {
            if (gone) {
                return;
            }
            gone = true;
            if (!headSent && !responseStarted) {
                if (!conn.used && conn.pool.waiters.isEmpty()) {
                    // Opened for this request, which is gone (its client aborted while it connected) and nobody
                    // waits: an excess connection, closed as Envoy's pool does (CancelPolicy::CloseExcess), rather
                    // than left idle on the endpoint until the idle timeout (issue 14: held 60-75 s).
                    close();
                } else {
                    release(); // nothing went out: the connection is as good as before
                }
            } else if (!(requestEnded && responseEnded)) {
                close();
            }
        }

        private void close() {
            if (conn.call == this) {
                conn.call = null;
                conn.ch.close();
            }
        }

        void onHead(HttpResponse r) {
            responseStarted = true;
            // A 2xx to CONNECT makes the connection a tunnel, which the proxy does not carry on: closed after it.
            keepAlive = HttpUtil.isKeepAlive(r)
                    && !(HttpMethod.CONNECT.equals(method) && r.status().codeClass() == HttpStatusClass.SUCCESS);
            // Netty's decoder reads a 101's Upgrade field when the message ends (to stop decoding HTTP/1.1); any
            // other head it has done with.
            headReusable = r.status().code() != 101;
            if (!gone) {
                l.onResponse(r.status().code(), r.status().reasonPhrase(), multiMap(r.headers()), false);
            }
        }

        void onData(ByteBuf b) {
            if (gone) {
                return;
            }
            // The read buffer's bytes themselves, one reference given to the listener (Listener#onData), which passes
            // them on to the client: no copy on the way (issue 13).
            l.onData(VertxInternals.buffer(b.retain()));
        }

        void onEnd(HttpHeaders trailers) {
            responseEnded = true;
            if (!gone) {
                l.onEnd(multiMap(trailers));
            }
            if (requestEnded) {
                maybeRelease();
            } else {
                close(); // answered before the request was complete: the connection is mid-request
            }
        }

        void onClosed() {
            if (!gone && !(requestEnded && responseEnded)) {
                gone = true;
                l.onReset(failure != null ? failure : new ClosedChannelException());
            }
        }

        /** The decoder's headers are multimaps ({@link FieldMap#FACTORY}), except Netty's shared empty trailers. */
        private static MultiMap multiMap(HttpHeaders h) {
            return h instanceof MultiMap m ? m : VertxInternals.httpHeaders();
        }

        private void maybeRelease() {
            if (requestEnded && responseEnded && conn.call == this) {
                if (keepAlive) {
                    release();
                } else {
                    close();
                }
            }
        }

        private void release() {
            if (conn.call != this) {
                return; // released or closed already
            }
            conn.call = null;
            conn.ch.config().setAutoRead(true);
            conn.pool.release(conn);
        }
    }
}
