package dev.gossamer.proxy;

import dev.gossamer.balancer.Endpoint;
import dev.gossamer.balancer.PickContext;
import dev.gossamer.balancer.PickResult;
import dev.gossamer.common.Scheduler;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;

import dev.gossamer.vertx.VertxInternals;
import io.netty.buffer.ByteBuf;
import io.vertx.core.net.HostAndPort;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * One downstream request on its way through the data plane: route, pick, forward, retry, answer.
 *
 * <p>Threading: confined to the event loop of the downstream connection. The {@link Upstream} calls back on the
 * event loop that opened the try (this one); timers run on it too. So no field needs synchronisation. Nothing
 * thrown in a callback reaches Vert.x or Netty: every entry point (the start, the {@link Downstream}'s callbacks, the
 * {@link Attempt}'s callbacks, the timers) goes through one exception boundary, {@link #guarded}, which turns it into
 * a failed exchange, so a bug never leaves a client waiting for its own timeout.
 *
 * <p>What it delegates: whether a failed try is retried is {@link RetryState}'s decision (sans-IO, table-tested);
 * a WebSocket upgrade is handed to {@link WebSocketTunnel}; the bytes to an endpoint go through {@link Upstream}, the
 * client is read and answered only through {@link Downstream}, whatever server read the request.
 *
 * <p>Reference counts: request body chunks are lent by the downstream; those kept for a retry (the replay buffer)
 * are retained and released when the exchange finishes or the buffer overflows ({@link #dropReplay}); each write
 * upstream gets a retained slice of its own. Response chunks are given by the {@link Upstream} (the pooled read
 * buffers themselves from {@code H1Upstream}) and given on to the downstream, or released when dropped.
 */
final class Exchange implements Downstream.Listener, Runnable {

    static final String REASON = "x-gossamer-reason";
    private static final System.Logger LOG = System.getLogger(Exchange.class.getName());
    private static final int CLIENT_CLOSED = 499;
    // Header names as Netty AsciiStrings: their hash is computed once, not on every lookup of every request.
    private static final CharSequence X_REQUEST_ID = HttpHeaders.createOptimized("x-request-id");
    private static final CharSequence X_FORWARDED_FOR = HttpHeaders.createOptimized("x-forwarded-for");
    private static final CharSequence X_FORWARDED_PROTO = HttpHeaders.createOptimized("x-forwarded-proto");
    private static final CharSequence X_FORWARDED_HOST = HttpHeaders.createOptimized("x-forwarded-host");
    /** Envoy's x-envoy-overloaded: this 503 came from a circuit breaker of the sidecar, not from the application. */
    static final CharSequence OVERLOADED = HttpHeaders.createOptimized("x-gossamer-overloaded");

    private final DataPlane dp;
    private final DataPlane.Snapshot snap;
    private final String listener;
    private final Downstream down;
    private final Context ctx;
    private final long startNanos;

    private HostAndPort authority; // where the request is addressed: :authority, Host or an absolute-form target
    private String uri; // the request-target sent upstream (origin-form)
    private String path;
    private boolean closeAfter; // the answer carries Connection: close and the connection is closed after it
    private boolean awaitingContinue; // the client holds its body back for a 100 Continue not sent yet
    private RouteSpec route;
    private ClusterState cluster;
    private DataPlane.RouteMetrics metrics;
    private String requestId; // the client's x-request-id, or one generated once (retries carry the same id)
    private boolean generatedId;
    // What the access log reports; counted on the request path only as plain field updates.
    private long bytesIn;
    private long bytesOut;
    private long upstreamNanos = -1;
    private Endpoint lastEndpoint;
    private String reason; // the x-gossamer-reason of an answer the proxy made itself
    private RequestLabels.Flag flag; // set where the proxy knows why; otherwise decided in finish
    private PickContext pickContext;
    private boolean chunkedUpstream;
    private boolean grpc; // content-type application/grpc*: deadlines, trailers-only errors, grpc-status outcomes
    private long deadlineNanos; // the ticker time of the client's grpc-timeout deadline; 0 = none
    private int grpcStatus = -1; // the call's grpc-status once known (the endpoint's or the proxy's own answer)

    // Replay buffer (Linkerd-style): the body so far while it fits; null once it no longer does.
    private List<ByteBuf> replay = List.of(); // each chunk retained while held
    private long replayBytes;
    private boolean inEnded;
    private boolean pausedIn; // the request is paused by this exchange (not yet resumed)

    private RetryState retry;
    private Endpoint firstTried; // the first try's endpoint, when the route may retry
    private Set<Endpoint> tried = Set.of(); // every endpoint tried, built only when a request is retried
    private Attempt current;
    private boolean responded;
    private boolean outEnded; // the downstream response was ended with its last body chunk
    private boolean done;
    private Scheduler.Cancellable routeTimer;
    private Scheduler.Cancellable idleTimer; // the route's idle_timeout, armed only when it can fire first
    private long lastActivity; // ticker time of the last body bytes either way (idle_timeout)
    private boolean nextHoldsToken; // the next try holds a retry-budget token
    private boolean awaitingDrain; // the client's body is held back because the endpoint is not taking it
    private WebSocketTunnel tunnel; // a WebSocket upgrade in progress
    private String authorityText; // authority as host[:port], made once (x-forwarded-host, upstream Host, access log)
    private MultiMap upstreamHeaders; // the upstream request's fields, made once and handed to every try
    private byte trailersTaken; // the client's TE names trailers: 0 not read yet, 1 yes, 2 no
    private MultiMap requestTrailers; // the request's trailer fields (a chunked HTTP/1.1 body's), sent with each try

    // ---- the one exception boundary ----

    /** One step of the exchange, run inside {@link #guarded}; the constants below are shared, never allocated. */
    @FunctionalInterface
    interface Step<A, B> {
        void run(Exchange ex, A a, B b);
    }

    private static final Step<Void, Void> BEGIN = (ex, a, b) -> ex.begin();
    private static final Step<Attempt, Upstream.Call> OPENED = (ex, a, call) -> ex.onConnected(a, call);
    private static final Step<Attempt, Throwable> CONNECT_FAILED = (ex, a, cause) -> {
        if (cause instanceof BreakerOverflow o) {
            ex.onOverflow(a, o.breaker);
        } else {
            ex.onAttemptFailure(a, TryOutcome.CONNECT_FAILURE);
        }
    };
    private static final Step<Attempt, MultiMap> RESPONSE = (ex, a, headers) -> ex.onResponse(a, headers);
    private static final Step<Attempt, Buffer> DATA = (ex, a, chunk) -> ex.onResponseData(a, chunk);
    private static final Step<Attempt, MultiMap> END = (ex, a, trailers) -> ex.onResponseEnd(a, trailers);
    private static final Step<Attempt, Void> RESET = (ex, a, b) -> {
        if (a.status != 0) {
            ex.onResponseReset(a);
        } else {
            ex.onAttemptFailure(a, TryOutcome.RESET);
        }
    };
    private static final Step<Attempt, Void> DRAINED = (ex, a, b) -> ex.resumeAfterDrain(a);
    private static final Step<Attempt, Void> TRY_TIMEOUT = (ex, a, b) -> ex.onTryTimeout(a);
    private static final Step<Void, Void> ROUTE_TIMEOUT = (ex, a, b) -> ex.onRouteTimeout();
    private static final Step<Void, Void> IDLE_CHECK = (ex, a, b) -> ex.onIdleCheck();
    private static final Step<ByteBuf, Void> CHUNK_IN = (ex, chunk, b) -> ex.onInboundChunk(chunk);
    private static final Step<Void, Void> END_IN = (ex, a, b) -> ex.onInboundEnd();
    private static final Step<Void, Void> ABORTED = (ex, a, b) -> ex.abortByClient();
    @SuppressWarnings({"rawtypes", "unchecked"})
    private static final Step<Handler, Object> HANDLER = (ex, h, x) -> h.handle(x);

    /**
     * Runs {@code step}; what it throws fails this exchange ({@link #crash}) instead of reaching Vert.x, Netty or a
     * timer thread. The only try/catch of the request path, and free of allocation: the steps are constants.
     */
    <A, B> void guarded(Step<A, B> step, A a, B b) {
        try {
            step.run(this, a, b);
        } catch (RuntimeException e) {
            crash(e);
        }
    }

    /** {@code h} as a Vert.x handler that runs inside {@link #guarded}. */
    @SuppressWarnings({"rawtypes", "unchecked"})
    <T> Handler<T> guard(Handler<T> h) {
        return x -> guarded((Step) HANDLER, h, x);
    }

    // The downstream's listener and the route timer's task are this exchange itself: no handler object per request
    // (issue 13).

    /** A chunk of the request body, lent by the downstream. */
    @Override
    public void onRequestBody(ByteBuf chunk) {
        guarded(CHUNK_IN, chunk, null);
    }

    /** The request is complete; its trailers, if any, go to every try with the request's end. */
    @Override
    public void onRequestEnd(MultiMap trailers) {
        requestTrailers = trailers; // null or empty for most requests: Upstream.Call.end sends what there is
        guarded(END_IN, null, null);
    }

    /** The client reset or closed its connection or stream. */
    @Override
    public void onClientGone(Throwable cause) {
        guarded(ABORTED, null, null);
    }

    /** The route timeout fired (the route timer's task). */
    @Override
    public void run() {
        guarded(ROUTE_TIMEOUT, null, null);
    }


    /** One try against one endpoint; hears its upstream call (on this exchange's event loop). */
    final class Attempt implements Upstream.Listener {
        final Endpoint ep;
        final ClusterState.EndpointStats stats;
        final long start;
        final boolean holdsToken;
        Upstream.Call req;
        boolean finished;
        boolean reqEnded;
        Scheduler.Cancellable tryTimer;
        int status; // the response status, once a response was taken
        long bodyLeft = -1; // an HTTP/1.x response body's bytes still to come, when it declared a length
        long headLatency = -1; // a gRPC response's time to headers, its outcome reported when its grpc-status comes
        int headStatus; // the response head as the upstream gave it, read by onResponse
        String headMessage;
        boolean headHttp2;

        Attempt(Endpoint ep, boolean holdsToken) {
            this.ep = ep;
            this.stats = cluster.stats(ep);
            this.start = dp.ticker.nanoTime();
            this.holdsToken = holdsToken;
        }

        // Each callback is one guarded step: nothing thrown reaches the upstream's event loop.
        @Override
        public void onOpen(Upstream.Call call) {
            guarded(OPENED, this, call);
        }

        @Override
        public void onConnectFailure(Throwable cause) {
            guarded(CONNECT_FAILED, this, cause);
        }

        @Override
        public void onResponse(int status, String statusMessage, MultiMap headers, boolean http2) {
            // The head's other parts wait on the try itself, so it crosses the boundary without a holder object.
            headStatus = status;
            headMessage = statusMessage;
            headHttp2 = http2;
            guarded(RESPONSE, this, headers);
        }

        @Override
        public void onData(Buffer chunk) {
            guarded(DATA, this, chunk);
        }

        @Override
        public void onEnd(MultiMap trailers) {
            guarded(END, this, trailers);
        }

        @Override
        public void onReset(Throwable cause) {
            guarded(RESET, this, null);
        }
    }

    Exchange(DataPlane dp, DataPlane.Snapshot snap, String listener, Downstream down, Context ctx) {
        this.dp = dp;
        this.snap = snap;
        this.listener = listener;
        this.down = down;
        this.ctx = ctx;
        this.startNanos = dp.ticker.nanoTime();
    }

    void start() {
        dp.active.incrementAndGet();
        guarded(BEGIN, null, null);
    }

    private void begin() {
        if (mayHaveBody()) {
            // Held until a try is connected; a request without a body is not paused: its end is all that comes, and
            // an end heard before the try connects is kept (inEnded), so pausing would only cost Vert.x a queue.
            pauseInbound();
        }
        down.listen(this);
        grpc = Grpc.isGrpc(down.headers().get(HttpHeaders.CONTENT_TYPE));

        requestId = down.headers().get(X_REQUEST_ID);
        if (requestId == null) {
            requestId = requestId();
            generatedId = true;
        }
        if (!readTarget() || !readExpectation()) {
            return;
        }
        String host = authority == null ? null : authority.host();
        route = snap.table.match(listener, down.method().name(), host, path == null ? "" : path, down.headers());
        if (route == null) {
            metrics = dp.noRouteMetrics;
            respondError(404, "no route");
            return;
        }
        metrics = snap.routeMetrics.get(route.name());
        cluster = snap.clusters.get(route.cluster());
        retry = new RetryState(route.retries(), down.method());
        if (cluster.active.incrementAndGet() > cluster.spec().breakers().maxRequests()) {
            overflow(CircuitBreakers.Breaker.MAX_REQUESTS);
            return;
        }

        pickContext = pickContext(cluster.spec().hashOn());

        String contentLength = down.headers().get(HttpHeaders.CONTENT_LENGTH);
        if (contentLength != null) {
            try {
                if (Long.parseLong(contentLength.trim()) > dp.options.replayBufferBytes()) {
                    replay = null; // Linkerd: a body declared larger than the buffer is never retried.
                }
            } catch (NumberFormatException e) {
                replay = null;
            }
        } else if (down.version() == HttpVersion.HTTP_2) {
            chunkedUpstream = down.method() != HttpMethod.GET && down.method() != HttpMethod.HEAD;
        } else {
            chunkedUpstream = down.headers().contains(HttpHeaders.TRANSFER_ENCODING);
        }

        if (down.version() != HttpVersion.HTTP_2
                && "websocket".equalsIgnoreCase(down.headers().get(HttpHeaders.UPGRADE))) {
            tunnel = new WebSocketTunnel(this);
            tunnel.open();
            return;
        }
        Duration timeout = route.timeout();
        long grpcTimeout = grpc ? Grpc.parseTimeoutNanos(down.headers().get(Grpc.TIMEOUT)) : -1;
        if (grpcTimeout >= 0) {
            // The client's deadline caps the route timeout; it is sent on, decremented, with every try. A deadline of
            // 0 has passed already: it must not read as "no timeout".
            Duration d = Duration.ofNanos(Math.max(1, grpcTimeout));
            if (timeout.isZero() || d.compareTo(timeout) < 0) {
                timeout = d;
            }
            deadlineNanos = startNanos + timeout.toNanos();
        }
        if (timeout.compareTo(Duration.ZERO) > 0) {
            routeTimer = dp.scheduleOn(ctx, timeout, this);
        }
        Duration idle = route.idleTimeout();
        if (idle.compareTo(Duration.ZERO) > 0 && (timeout.isZero() || idle.compareTo(timeout) < 0)) {
            // Only a stream that may outlive its idle timeout pays for this timer (not the common 15 s route).
            lastActivity = startNanos;
            idleTimer = dp.scheduleOn(ctx, idle, () -> guarded(IDLE_CHECK, null, null));
        }
        startAttempt();
    }

    /**
     * Reads where the request goes ({@link RequestTarget} for HTTP/1.x; HTTP/2's {@code :authority} and
     * {@code :path} as Vert.x checked them); false when it was refused with 400.
     */
    private boolean readTarget() {
        if (down.version() == HttpVersion.HTTP_2) {
            authority = down.authority();
            uri = down.uri();
            path = down.path();
            return true;
        }
        List<String> hosts = hostLines();
        RequestTarget t = RequestTarget.http1(down.version() == HttpVersion.HTTP_1_1, down.uri(), down.path(), hosts);
        if (t.problem() != null) {
            // Two Host lines are a request-smuggling shape: nothing more is read from this connection.
            closeAfter = true;
            metrics = dp.noRouteMetrics;
            respondError(400, t.problem());
            return false;
        }
        authority = t.authority();
        uri = t.uri();
        path = t.path();
        String received = down.uri();
        if (authority != null && hosts.size() == 1
                && (received.isEmpty() || received.charAt(0) == '/' || received.equals("*"))) {
            // An origin-form target (as received): the authority is the Host line, which RequestTarget accepted
            // only as exactly host[:port] as Vert.x parsed it (case kept), so the line is its text already.
            authorityText = hosts.get(0);
        }
        return true;
    }

    /**
     * Reads {@code Expect} ({@link ExpectHeader}); false when it was refused with 417. A client that sent
     * {@code 100-continue} is sent {@code 100 Continue} only once a try is connected ({@link #onConnected}): every
     * refusal before that (no route, a circuit breaker, no healthy endpoint, connect failures, a timeout) is a final
     * answer the client gets without having sent its body, and the connection is closed after it ({@link #localReply}).
     */
    private boolean readExpectation() {
        String expect = down.headers().get(HttpHeaders.EXPECT);
        if (expect == null) {
            return true; // nearly every request: no list is built
        }
        switch (ExpectHeader.of(down.version() != HttpVersion.HTTP_1_0, down.headers().getAll(HttpHeaders.EXPECT))) {
            // a bodiless GET waits for nothing
            case CONTINUE -> awaitingContinue = mayHaveBody() && !down.requestEnded();
            case UNSUPPORTED -> {
                // The client may send its body at once or never: nothing more is read from this connection.
                closeAfter = true;
                metrics = dp.noRouteMetrics;
                respondError(417, "unsupported expectation");
                return false;
            }
            default -> { }
        }
        return true;
    }

    /**
     * Whether this request may carry a body, or bytes after its head: HTTP/2 (a stream ends when it ends), a
     * {@code Transfer-Encoding}, an {@code Upgrade}, or a {@code Content-Length} other than 0 (RFC 9112 §6.3:
     * otherwise an HTTP/1.x request has none).
     */
    private boolean mayHaveBody() {
        if (down.version() == HttpVersion.HTTP_2 || down.headers().contains(HttpHeaders.TRANSFER_ENCODING)
                || down.headers().contains(HttpHeaders.UPGRADE)) { // a WebSocket tunnel resumes when it is connected
            return true;
        }
        String cl = down.headers().get(HttpHeaders.CONTENT_LENGTH);
        return cl != null && !cl.equals("0");
    }

    /** Every {@code Host} line's value; the one line of nearly every request without Vert.x's list of lists. */
    private List<String> hostLines() {
        MultiMap h = down.headers();
        String host = h.get(HttpHeaders.HOST);
        if (host == null) {
            return List.of();
        }
        if (h instanceof io.netty.handler.codec.http.HttpHeaders netty) {
            int n = 0;
            java.util.Iterator<java.util.Map.Entry<CharSequence, CharSequence>> it = netty.iteratorCharSequence();
            while (it.hasNext() && n < 2) {
                if (io.netty.util.AsciiString.contentEqualsIgnoreCase(it.next().getKey(), HttpHeaders.HOST)) {
                    n++;
                }
            }
            if (n == 1) {
                return List.of(host);
            }
        }
        return h.getAll(HttpHeaders.HOST);
    }

    /** The request's end-to-end headers plus the forwarding headers, written straight into the upstream request. */
    void writeUpstreamHeaders(MultiMap dst) {
        Headers.copyEndToEnd(down.headers(), dst, true);
        addForwarding(dst);
        setDeadline(dst);
    }

    /**
     * The upstream request's header fields: made on the first try and handed to every try ({@link
     * Upstream.Call#useHeaders}), so a retry neither copies them again nor adds the forwarding fields twice. Where the
     * downstream allows it ({@link Downstream#headersReusable}) the request's own map becomes it, its hop-by-hop
     * fields removed in place ({@link Headers#keepEndToEnd}): no second map, no copy (issue 13). Only the gRPC
     * deadline is set anew for each try.
     */
    private MultiMap upstreamHeaders() {
        MultiMap dst = upstreamHeaders;
        if (dst == null) {
            MultiMap src = down.headers();
            if (down.headersReusable()) {
                acceptsTrailers(); // read before TE is rewritten in place
                Headers.keepEndToEnd(src, true);
                dst = src;
            } else {
                dst = VertxInternals.httpHeaders();
                Headers.copyEndToEnd(src, dst, true);
            }
            addForwarding(dst);
            upstreamHeaders = dst;
        }
        setDeadline(dst);
        return dst;
    }

    private void addForwarding(MultiMap dst) {
        String client = down.remoteHost();
        if (client != null) {
            Headers.append(dst, X_FORWARDED_FOR, client);
        }
        Headers.append(dst, X_FORWARDED_PROTO, down.scheme() == null ? "http" : down.scheme());
        if (authority != null) {
            Headers.append(dst, X_FORWARDED_HOST, authorityText());
        }
        if (generatedId) {
            dst.set(X_REQUEST_ID, requestId);
        }
    }

    private void setDeadline(MultiMap dst) {
        if (deadlineNanos != 0) {
            dst.set(Grpc.TIMEOUT, Grpc.formatTimeout(deadlineNanos - dp.ticker.nanoTime()));
        }
    }

    private String requestId() {
        // RFC 9562 version 4 layout from the injected randomness.
        long msb = (dp.random.nextLong() & ~0xF000L) | 0x4000L;
        long lsb = (dp.random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb).toString();
    }

    private PickContext pickContext(HashOn hashOn) {
        String key = switch (hashOn.kind()) {
            case NONE -> null;
            case HEADER -> down.headers().get(hashOn.name());
            case COOKIE -> down.cookie(hashOn.name());
            case QUERY -> down.queryParam(hashOn.name());
            case SOURCE_IP -> down.remoteHost();
            case PATH -> path;  // null only for odd request targets; then no key
        };
        return key == null ? PickContext.empty() : PickContext.withHashKey(DataPlane.hashKey(key));
    }

    // ---- attempts ----

    private void startAttempt() {
        boolean token = nextHoldsToken;
        nextHoldsToken = false;
        if (retry.tries() > 0 && tried.isEmpty() && firstTried != null) {
            tried = new HashSet<>(4); // the first retry: only now is a set of tried endpoints worth building
            tried.add(firstTried);
        }
        PickResult r = cluster.picker().pick(tried.isEmpty() ? pickContext : pickContext.excluding(tried));
        if (!r.hasEndpoint()) {
            if (token) {
                cluster.releaseRetry();
            }
            respondError(503, "no healthy endpoint");
            return;
        }
        Attempt a = newAttempt(r.endpoint(), token);
        if (retry.retries()) {
            if (retry.tries() == 0) {
                firstTried = a.ep;
            } else {
                tried.add(a.ep);
            }
        }
        retry.started();
        Duration perTry = route.retries().perTryTimeout();
        if (perTry.compareTo(Duration.ZERO) > 0) {
            a.tryTimer = dp.scheduleOn(ctx, perTry, () -> guarded(TRY_TIMEOUT, a, null));
        }
        cluster.upstream.open(ctx, cluster.address(a.ep), down.method(), uri, a);
    }

    /** A try against {@code ep} becomes the current one, counted as active on the endpoint. */
    Attempt newAttempt(Endpoint ep, boolean holdsToken) {
        awaitingDrain = false;
        Attempt a = new Attempt(ep, holdsToken);
        current = a;
        lastEndpoint = ep;
        a.stats.active.incrementAndGet();
        a.stats.total.increment();
        return a;
    }

    private void onConnected(Attempt a, Upstream.Call req) {
        if (a.finished || done) {
            req.reset();
            return;
        }
        a.req = req;
        if (awaitingContinue) {
            // The body has somewhere to go now: ask the client for it (Envoy answers 100-continue itself too).
            awaitingContinue = false;
            if (!down.requestEnded()) {
                down.writeContinue();
            }
        }
        req.useHeaders(upstreamHeaders());
        if (authority != null) {
            req.authority(authority, authorityText());
        }
        if (chunkedUpstream) {
            req.chunked();
        }
        if (replay != null) {
            for (int i = 0; i < replay.size(); i++) { // no iterator: a request without a body holds List.of()
                req.write(VertxInternals.buffer(replay.get(i).retainedSlice())); // the kept chunk stays whole
            }
        }
        if (inEnded) {
            a.reqEnded = true;
            req.end(requestTrailers); // a retry sends them again, after the replayed body
        } else if (req.writeQueueFull()) {
            awaitingDrain = true;
            req.drainHandler(() -> guarded(DRAINED, a, null));
        } else {
            resumeInbound();
        }
    }

    private void resumeAfterDrain(Attempt a) {
        awaitingDrain = false;
        if (current == a && !a.finished && !done) {
            resumeInbound();
        }
    }

    // A retry or an error answer often comes after the request's end: nothing is left to flow then.
    private void pauseInbound() {
        if (!down.requestEnded()) {
            down.pause();
            pausedIn = true;
        }
    }

    /** Lets the request's body flow again, if this exchange paused it (resuming a flowing one costs Vert.x a queue). */
    void resumeInbound() {
        if (pausedIn && !down.requestEnded()) {
            pausedIn = false;
            down.resume();
        }
    }

    private void onInboundChunk(ByteBuf b) {
        if (done) {
            return; // answered already: drop the rest of the body so the connection stays usable
        }
        int n = b.readableBytes();
        if (n == 0) {
            return; // an h2c upgrade hands over the upgrade request's empty body; writing it would commit the head
        }
        if (idleTimer != null) {
            lastActivity = dp.ticker.nanoTime();
        }
        Attempt a = current;
        if (!chunkedUpstream && down.version() == HttpVersion.HTTP_2
                && !down.headers().contains(HttpHeaders.CONTENT_LENGTH)) {
            // An HTTP/2 GET or HEAD with a body after all: stream it chunked. Nothing went upstream yet.
            chunkedUpstream = true;
            if (a != null && a.req != null && !a.finished) {
                a.req.chunked();
            }
        }
        bytesIn += n;
        if (replay != null) {
            if (replayBytes + n <= dp.options.replayBufferBytes()) {
                if (replay.isEmpty()) {
                    replay = new ArrayList<>(4);
                }
                replay.add(b.retain()); // lent by the downstream: kept only with a reference of our own
                replayBytes += n;
            } else {
                dropReplay();
            }
        }
        if (a != null && a.req != null && !a.finished) {
            a.req.write(VertxInternals.buffer(b.retainedSlice())); // lent to us: the write gets its own reference
            if (a.req.writeQueueFull()) {
                pauseInbound();
                awaitingDrain = true;
                a.req.drainHandler(() -> guarded(DRAINED, a, null));
            }
        }
    }

    private void onInboundEnd() {
        inEnded = true;
        Attempt a = current;
        if (!done && a != null && a.req != null && !a.finished && !a.reqEnded) {
            a.reqEnded = true;
            a.req.end(requestTrailers);
        }
    }

    private void onResponse(Attempt a, MultiMap headers) {
        int status = a.headStatus;
        String statusMessage = a.headMessage;
        if (a.finished || done || a != current) {
            a.req.reset();
            return;
        }
        cancel(a.tryTimer);
        TryOutcome outcome;
        if (grpc && status == 200) {
            int code = Grpc.parseStatus(headers.get(Grpc.STATUS));
            if (code < 0) {
                // The grpc-status comes in the trailers: the try's outcome is reported then.
                a.headLatency = dp.ticker.nanoTime() - a.start;
                upstreamNanos = a.headLatency;
                outcome = null;
            } else {
                // A trailers-only response: its status is known now, and may be retried (Envoy's grpc retry_on).
                grpcStatus = code;
                outcome = TryOutcome.ofGrpc(code);
            }
        } else {
            outcome = TryOutcome.ofStatus(status);
        }
        if (outcome != null) {
            upstreamNanos = report(a, outcome);
        }
        if (outcome != null && (outcome.kind() == TryOutcome.Kind.HTTP_5XX || outcome.grpcStatus() > 0)
                && mayRetry(outcome)) {
            endAttempt(a);
            a.req.discard(); // a complete request keeps its keep-alive connection; the answer is dropped
            pauseInbound();
            startAttempt();
            return;
        }
        if (outcome != null) {
            cluster.markUp(a.ep);
        }
        // The route timeout goes on running: it bounds the whole exchange, body included (Envoy's route timeout).
        responded = true;
        a.status = status;
        down.status(status, statusMessage);
        if (a.req.responseHeadersReusable()) {
            // The endpoint's decoded map becomes the client's response map, made end-to-end in place: no second map
            // and no copy of its fields (issue 13), as the request's map goes the other way (upstreamHeaders).
            Headers.keepEndToEnd(headers, false);
            down.useResponseHeaders(headers);
        } else {
            Headers.copyEndToEnd(headers, down.responseHeaders(), false);
        }
        if (!down.responseHeaders().contains(X_REQUEST_ID)) {
            down.responseHeaders().set(X_REQUEST_ID, requestId); // the client learns the id its request is logged under
        }
        markConnectionClose();
        // HTTP/1.0 has no chunked coding: Vert.x then delimits the body by closing the connection.
        if (!down.responseHeaders().contains(HttpHeaders.CONTENT_LENGTH) && down.version() == HttpVersion.HTTP_1_1
                && down.method() != HttpMethod.HEAD && status != 204 && status != 304 && status >= 200) {
            down.chunked();
        }
        // An HTTP/1.x body with a Content-Length ends with its last byte (no trailers can follow), so that chunk
        // goes out with the end of the response: head, body and end in one write down the pipeline.
        a.bodyLeft = a.headHttp2 ? -1 : contentLength(headers);
    }

    private void onResponseData(Attempt a, Buffer chunk) {
        ByteBuf buf = VertxInternals.unwrap(chunk); // one reference given to this exchange: passed on or released
        if (done || outEnded || a != current) {
            buf.release();
            return;
        }
        if (idleTimer != null) {
            lastActivity = dp.ticker.nanoTime();
        }
        int n = buf.readableBytes();
        bytesOut += n;
        if (a.bodyLeft >= 0) {
            a.bodyLeft -= n;
            if (a.bodyLeft == 0) {
                outEnded = true;
                down.end(buf);
                return;
            }
        }
        down.write(buf);
        if (down.writeQueueFull()) {
            a.req.pauseResponse();
            down.drainHandler(() -> a.req.resumeResponse());
        }
    }

    private void onResponseEnd(Attempt a, MultiMap trailers) {
        if (done || a != current) {
            return;
        }
        if (a.headLatency >= 0) {
            // A gRPC call's outcome is its grpc-status; a response without one failed (grpc's PROTOCOL-HTTP2.md).
            int code = trailers == null ? -1 : Grpc.parseStatus(trailers.get(Grpc.STATUS));
            grpcStatus = code < 0 ? Grpc.UNKNOWN : code;
            reportAfter(a, TryOutcome.ofGrpc(grpcStatus), a.headLatency);
            cluster.markUp(a.ep);
        }
        // HTTP/1.1 trailers only to a client that said it takes them (TE: trailers, RFC 9110 §6.5.1).
        if (trailers != null && !trailers.isEmpty() && (down.version() == HttpVersion.HTTP_2
                || (down.isChunked() && acceptsTrailers()))) {
            down.trailers().addAll(trailers);
        }
        endAttempt(a);
        if (!outEnded) {
            down.end(null);
        }
        finish(a.status);
    }

    /** The response broke off after its head went downstream. */
    private void onResponseReset(Attempt a) {
        if (done || a != current) {
            return;
        }
        cluster.resets.increment();
        if (a.headLatency >= 0) {
            reportAfter(a, TryOutcome.RESET, a.headLatency); // a gRPC stream broken before its grpc-status
        }
        endAttempt(a);
        abortResponse(502, "upstream reset");
        flag = RequestLabels.Flag.UPSTREAM_RESET;
        finish(a.status);
    }

    /** The response's declared body length, or -1 when it has none or an unusable one. */
    private static long contentLength(MultiMap headers) {
        String cl = headers.get(HttpHeaders.CONTENT_LENGTH);
        if (cl == null) {
            return -1;
        }
        try {
            long n = Long.parseLong(cl.trim());
            return n > 0 ? n : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private void onTryTimeout(Attempt a) {
        if (a.finished || done || responded || a != current) {
            return;
        }
        if (clientStalled(a)) {
            // The client is the slow side: another endpoint would wait for the same body, so no retry either.
            endAttempt(a);
            cluster.downstreamTimeouts.increment();
            a.req.reset();
            requestTimeout();
            return;
        }
        onAttemptFailure(a, TryOutcome.TIMEOUT);
    }

    /**
     * The route's time is up. Before the response head: the try is abandoned and the client gets 504 (408 when the
     * proxy was still waiting for the client's own body). During the response body: the head is out, so the
     * downstream is reset; the endpoint answered in time, so it is not charged.
     */
    private void onRouteTimeout() {
        onTimeout("upstream timeout", "response timeout");
    }

    /**
     * The idle timer fired: when bytes moved since it was armed it is armed again for the rest of the idle time (one
     * timer per stream, not one per chunk); otherwise the exchange times out as for the route timeout.
     */
    private void onIdleCheck() {
        if (done) {
            return;
        }
        long idle = route.idleTimeout().toNanos();
        long quiet = dp.ticker.nanoTime() - lastActivity;
        if (quiet < idle) {
            idleTimer = dp.scheduleOn(ctx, Duration.ofNanos(idle - quiet), () -> guarded(IDLE_CHECK, null, null));
            return;
        }
        onTimeout("stream idle timeout", "stream idle timeout");
    }

    private void onTimeout(String beforeResponse, String duringResponse) {
        if (done) {
            return;
        }
        Attempt a = current;
        if (responded) {
            if (outEnded) {
                return; // the client has the whole response; only the endpoint's end is still to come
            }
            cluster.bodyTimeouts.increment();
            if (a != null && !a.finished) {
                endAttempt(a);
                if (a.req != null) {
                    a.req.reset();
                }
            }
            abortResponse(504, duringResponse);
            flag = RequestLabels.Flag.UPSTREAM_TIMEOUT;
            finish(504);
            return;
        }
        boolean clientStalled = a != null && !a.finished && clientStalled(a);
        if (clientStalled) {
            cluster.downstreamTimeouts.increment();
        } else {
            cluster.timeouts.increment();
        }
        if (a != null && !a.finished) {
            if (!clientStalled) {
                report(a, TryOutcome.TIMEOUT);
            }
            endAttempt(a);
            if (a.req != null) {
                a.req.reset();
            }
        }
        if (clientStalled) {
            requestTimeout();
        } else {
            respondError(504, beforeResponse);
        }
    }

    /** 408: RFC 9110 §15.5.9 asks for {@code Connection: close}, and the rest of a stalled body is not awaited. */
    private void requestTimeout() {
        closeAfter = true;
        respondError(408, "request body timeout");
    }

    /**
     * Whether try {@code a} is waiting on the client rather than on the endpoint: connected, its request body not
     * complete, and not held back by the endpoint's back-pressure. An endpoint cannot answer a request it has not
     * received, so such a timeout is not its failure (issue 14: aborted uploads got healthy endpoints ejected).
     */
    private boolean clientStalled(Attempt a) {
        return a.req != null && !a.reqEnded && !awaitingDrain;
    }

    void onAttemptFailure(Attempt a, TryOutcome outcome) {
        if (a.finished || done) {
            return;
        }
        endAttempt(a);
        report(a, outcome);
        switch (outcome.kind()) {
            case CONNECT_FAILURE -> {
                cluster.connectErrors.increment();
                cluster.markDown(a.ep);
            }
            case RESET -> cluster.resets.increment();
            case TIMEOUT -> cluster.timeouts.increment();
            default -> { }
        }
        if (a.req != null) {
            a.req.reset();
        }
        if (responded) {
            abortResponse(outcome.kind() == TryOutcome.Kind.TIMEOUT ? 504 : 502,
                    outcome.kind() == TryOutcome.Kind.TIMEOUT ? "upstream timeout" : "upstream reset");
            flag = outcome.kind() == TryOutcome.Kind.TIMEOUT ? RequestLabels.Flag.UPSTREAM_TIMEOUT
                    : RequestLabels.Flag.UPSTREAM_RESET;
            finish(502);
            return;
        }
        if (mayRetry(outcome)) {
            pauseInbound();
            startAttempt();
            return;
        }
        switch (outcome.kind()) {
            case CONNECT_FAILURE -> respondError(502, "upstream connect failure");
            case TIMEOUT -> respondError(504, "upstream timeout");
            default -> respondError(502, "upstream reset");
        }
    }

    /** The upstream refused try {@code a} at a circuit breaker: nothing reached an endpoint, so none is charged. */
    private void onOverflow(Attempt a, CircuitBreakers.Breaker b) {
        if (a.finished || done) {
            return;
        }
        endAttempt(a);
        overflow(b);
    }

    /** A circuit breaker refused the request ({@link CircuitBreakers}): counted, answered 503. */
    private void overflow(CircuitBreakers.Breaker b) {
        cluster.overflow(b);
        if (!responded) {
            down.responseHeaders().set(OVERLOADED, "true");
        }
        respondError(503, "circuit breaker " + b.key());
    }

    /** Whether this failure may be retried now ({@link RetryState}); takes a retry-budget token when it must. */
    private boolean mayRetry(TryOutcome outcome) {
        switch (retry.decide(outcome, replay != null)) {
            case REQUEUE -> {
                cluster.retries.increment();
                return true;
            }
            case RETRY_IF_BUDGET -> {
                if (cluster.tryAcquireRetry(route.retries())) {
                    nextHoldsToken = true;
                    return true;
                }
                return false;
            }
            default -> {
                return false;
            }
        }
    }

    /** Reports how try {@code a} went to its stats and the outcome listeners; returns its latency. */
    long report(Attempt a, TryOutcome outcome) {
        return reportAfter(a, outcome, dp.ticker.nanoTime() - a.start);
    }

    private long reportAfter(Attempt a, TryOutcome outcome, long latency) {
        a.headLatency = -1;
        a.stats.record(outcome, latency);
        dp.fireOutcome(cluster.name, a.ep, outcome, latency);
        return latency;
    }

    /** Whether the client's {@code TE} names trailers; read once, before the request's map may be reused. */
    private boolean acceptsTrailers() {
        if (trailersTaken == 0) {
            trailersTaken = 2;
            if (down.headers().contains(io.netty.handler.codec.http.HttpHeaderNames.TE)) {
                for (String te : down.headers().getAll("te")) {
                    for (String part : te.split(",")) {
                        String p = part.trim();
                        int semi = p.indexOf(';');
                        if ((semi < 0 ? p : p.substring(0, semi)).trim().equalsIgnoreCase("trailers")) {
                            trailersTaken = 1;
                        }
                    }
                }
            }
        }
        return trailersTaken == 1;
    }

    void endAttempt(Attempt a) {
        if (a.finished) {
            return;
        }
        a.finished = true;
        cancel(a.tryTimer);
        a.stats.active.decrementAndGet();
        if (a.holdsToken) {
            cluster.releaseRetry();
        }
    }

    // ---- downstream ----

    /**
     * The client reset or closed its connection (HTTP/1.x) or stream (HTTP/2): the try is abandoned at once (its
     * connection closed or its stream reset, so the pool slot is free) and counted as a downstream abort; the
     * endpoint did nothing wrong, so no outcome is reported for it.
     *
     * <p>Heard only when the transport reports it: while the proxy holds the request body back (the endpoint is not
     * taking it), a reset waits in the kernel behind unread bytes. Netty's epoll transport still reports the hang-up
     * (EPOLLRDHUP); on NIO and io_uring the exchange then ends at the route timeout (ClientAbortEpollIT).
     */
    private void abortByClient() {
        if (done) {
            return;
        }
        if (cluster != null) {
            cluster.downstreamAborts.increment();
        }
        Attempt a = current;
        if (a != null && !a.finished) {
            endAttempt(a);
            if (a.req != null) {
                a.req.reset();
            }
            if (tunnel != null) {
                tunnel.reset();
            }
        }
        finish(CLIENT_CLOSED);
    }

    private void markConnectionClose() {
        if ((dp.draining() || closeAfter) && down.version() != HttpVersion.HTTP_2) {
            down.responseHeaders().set(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
        }
    }

    void respondError(int status, String reason) {
        this.reason = reason;
        this.flag = RequestLabels.proxyFlag(status, reason);
        if (responded) {
            abortResponse(status, reason);
            finish(status);
            return;
        }
        responded = true;
        if (!down.ended() && !down.closed()) {
            localReply(status, reason);
        }
        finish(status);
        // Read and drop the rest of the request body so an HTTP/1.1 connection stays reusable.
        resumeInbound();
    }

    /**
     * The response head is out and the exchange cannot complete. A gRPC call ends with trailers naming the reason
     * ({@code grpc-status} 14 for a broken upstream, 4 for a timeout, as {@link LocalReply}): its client then reads a
     * status, where a reset stream would read as CANCELLED or INTERNAL. Anything else is reset, so the client cannot
     * take a cut body for a whole one.
     */
    private void abortResponse(int status, String reason) {
        if (outEnded || down.ended() || down.closed()) {
            return;
        }
        if (grpc && (down.version() == HttpVersion.HTTP_2 || (down.isChunked() && acceptsTrailers()))) {
            grpcStatus = Grpc.statusOfHttp(status);
            down.trailers().set(Grpc.STATUS, Integer.toString(grpcStatus)).set(Grpc.MESSAGE,
                    Grpc.encodeMessage(reason)).set(REASON, reason);
            outEnded = true;
            down.end(null);
        } else {
            down.reset();
        }
    }

    /** The proxy's own answer ({@link LocalReply}: gRPC trailers-only, JSON or text, with the reason). */
    private void localReply(int status, String reason) {
        LocalReply.Reply r = LocalReply.of(down.headers(), status, reason);
        if (r.grpcStatus() >= 0) {
            grpcStatus = r.grpcStatus();
        }
        down.status(r.httpStatus(), null);
        LocalReply.writeHeaders(r, reason, down.responseHeaders());
        if (requestId != null) {
            down.responseHeaders().set(X_REQUEST_ID, requestId);
        }
        if (awaitingContinue) {
            // Refused before the client was asked for its body: it may send it anyway (it need not wait for the 100)
            // or never, so the bytes after this answer could be either; RFC 9110 §10.1.1 has the server say which.
            closeAfter = true;
        }
        markConnectionClose();
        if (closeAfter) {
            // The answer says Connection: close, and it is so (RFC 9112 §9.6): nothing after it on this connection is
            // served, pipelined or not.
            down.closeAfterResponse();
        }
        down.end(r.body() == null || down.method() == HttpMethod.HEAD ? null : VertxInternals.unwrap(r.body()));
    }

    void finish(int status) {
        if (done) {
            return;
        }
        done = true;
        dropReplay();
        cancel(routeTimer);
        cancel(idleTimer);
        dp.active.decrementAndGet();
        if (cluster != null) {
            cluster.active.decrementAndGet();
        }
        int tries = retry == null ? 0 : retry.tries();
        if (flag == null) {
            flag = RequestLabels.endpointFlag(status, tries);
        }
        if (metrics != null && grpc) {
            metrics.recordGrpc(grpcStatus >= 0 ? grpcStatus : Grpc.statusOfHttp(status));
        }
        long nanos = dp.ticker.nanoTime() - startNanos;
        if (metrics != null) { // null only when start itself crashed before routing
            metrics.record(status, flag, nanos);
        }
        AccessLog log = dp.accessLog;
        if (log != null) {
            dp.logAccess(log, new AccessLogEntry(dp.wallClock.currentTimeMillis() - nanos / 1_000_000,
                    down.method().name(), authorityText(), uri != null ? uri : down.uri(),
                    protocol(down.version()), status, reason, flag,
                    route == null ? RequestLabels.NONE : route.name(),
                    cluster == null ? RequestLabels.NONE : cluster.name,
                    lastEndpoint == null ? null : lastEndpoint.authority(), tries, bytesIn, bytesOut, nanos,
                    upstreamNanos, requestId));
        }
    }

    /** Releases the chunks the replay buffer holds: no try will replay the body any more. */
    private void dropReplay() {
        List<ByteBuf> held = replay;
        replay = null;
        if (held != null) {
            for (int i = 0; i < held.size(); i++) { // no iterator: nearly every request holds none
                held.get(i).release();
            }
        }
    }

    private String authorityText() {
        if (authority == null) {
            return null;
        }
        if (authorityText == null) {
            authorityText = authority.port() > 0 ? authority.host() + ":" + authority.port() : authority.host();
        }
        return authorityText;
    }

    private static String protocol(HttpVersion v) {
        return switch (v) {
            case HTTP_1_0 -> "HTTP/1.0";
            case HTTP_1_1 -> "HTTP/1.1";
            case HTTP_2 -> "HTTP/2";
        };
    }

    private static void cancel(Scheduler.Cancellable c) {
        if (c != null) {
            c.cancel();
        }
    }

    // ---- what the WebSocket tunnel reads and marks ----

    boolean done() {
        return done;
    }

    void markResponded() {
        responded = true;
    }

    Downstream downstream() {
        return down;
    }

    ClusterState cluster() {
        return cluster;
    }

    PickContext pickContext() {
        return pickContext;
    }

    /** Where the request is addressed; null when it has no authority. */
    HostAndPort authority() {
        return authority;
    }

    /** The request-target to send upstream (origin-form). */
    String uri() {
        return uri;
    }

    // ---- safety net ----

    /** Last resort for a bug or an unexpected Vert.x state: answer 502 (or reset) now, release what is held. */
    void crash(RuntimeException e) {
        LOG.log(System.Logger.Level.ERROR, "request " + down.method() + " " + down.uri() + " failed in the proxy", e);
        try {
            if (nextHoldsToken) {
                nextHoldsToken = false;
                cluster.releaseRetry();
            }
            Attempt a = current;
            if (a != null && !a.finished) {
                endAttempt(a);
                if (a.req != null) {
                    a.req.reset();
                }
                if (tunnel != null) {
                    tunnel.reset();
                }
            }
            if (!done) {
                reason = "proxy error";
                flag = RequestLabels.Flag.PROXY_ERROR;
                if (!responded && !down.headWritten() && !down.ended() && !down.closed()) {
                    responded = true;
                    localReply(502, "proxy error");
                } else {
                    down.reset();
                }
            }
        } catch (RuntimeException again) {
            LOG.log(System.Logger.Level.ERROR, "could not fail the request cleanly", again);
        } finally {
            finish(502);
        }
    }
}
