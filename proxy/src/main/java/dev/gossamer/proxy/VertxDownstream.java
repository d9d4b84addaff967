package dev.gossamer.proxy;

import dev.gossamer.vertx.VertxInternals;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.Attribute;
import io.netty.util.AttributeKey;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;

/**
 * A {@link Downstream} over Vert.x's server request and response: HTTP/2 (prior knowledge and h2c), and HTTP/1.x as
 * long as Vert.x's server reads it. Every method delegates to Vert.x; what this class adds is the per-connection
 * state Vert.x has no place for (the client's address text and the closing mark, as attributes of the connection's
 * channel), the {@link ListenerGuard} calls of the request's head and response end, and the hand-over between
 * Vert.x's {@code Buffer}s and the interface's {@code ByteBuf}s, which costs nothing for Vert.x's own heap buffers
 * (un-releasable, unwrapped without a slice).
 *
 * <p>Threading: made and used on the connection's event loop, as every {@link Downstream}. One per request; with the
 * two small handler objects it registers, it replaces the handler objects the exchange made itself before.
 */
final class VertxDownstream implements Downstream, Handler<Buffer> {

    private static final AttributeKey<String> CLIENT_ADDRESS = AttributeKey.valueOf("gossamer.client.address");
    /** Set on an HTTP/1.x connection the proxy closes after its answer: requests pipelined behind it are not served. */
    private static final AttributeKey<Boolean> CLOSING = AttributeKey.valueOf("gossamer.closing");

    private final HttpServerRequest in;
    private final HttpServerResponse out;
    private final Channel ch; // the connection's channel (an HTTP/2 stream's: its connection's); null without one
    private final long head; // ListenerGuard's number of this request's head; 0 when its connection is not timed
    private Listener listener;
    private boolean closeAfter;

    private VertxDownstream(HttpServerRequest in, Channel ch, long head) {
        this.in = in;
        this.out = in.response();
        this.ch = ch;
        this.head = head;
    }

    /**
     * The downstream of a request Vert.x's server just read, its head reported to {@link ListenerGuard}; null when
     * the request arrived on an HTTP/1.x connection the proxy is closing after an earlier answer (pipelined behind
     * it): such a request is not served at all (RFC 9112 §9.6), it goes with the connection. One attribute lookup
     * each, no allocation beyond this object.
     */
    static VertxDownstream accept(HttpServerRequest req) {
        HttpConnection conn = req.connection();
        Channel ch = conn == null ? null : VertxInternals.channel(conn);
        boolean http2 = req.version() == HttpVersion.HTTP_2;
        long head = ch == null ? 0 : ListenerGuard.headComplete(ch, http2);
        if (!http2 && ch != null && ch.hasAttr(CLOSING)) {
            return null;
        }
        return new VertxDownstream(req, ch, head);
    }

    // ---- the request ----

    @Override
    public HttpMethod method() {
        return in.method();
    }

    @Override
    public HttpVersion version() {
        return in.version();
    }

    @Override
    public String uri() {
        return in.uri();
    }

    @Override
    public String path() {
        return in.path();
    }

    @Override
    public HostAndPort authority() {
        return in.authority();
    }

    @Override
    public String scheme() {
        return in.scheme();
    }

    @Override
    public MultiMap headers() {
        return in.headers();
    }

    /**
     * HTTP/1.x: the map Vert.x's decoder made for this request (a {@code HeadersMultiMap}), which Vert.x reads no more
     * once the request is handed over (keep-alive is decided before; a WebSocket tunnel never reuses it).
     */
    @Override
    public boolean headersReusable() {
        return in.version() != HttpVersion.HTTP_2 && VertxInternals.isHttpHeaders(in.headers());
    }

    /** Made once per connection and kept on its channel (an HTTP/2 stream: its connection's). */
    @Override
    public String remoteHost() {
        if (ch == null) {
            return hostText(in.remoteAddress());
        }
        Attribute<String> attr = ch.attr(CLIENT_ADDRESS);
        String a = attr.get();
        if (a == null) {
            a = hostText(in.remoteAddress());
            if (a != null) {
                attr.set(a);
            }
        }
        return a;
    }

    private static String hostText(SocketAddress remote) {
        return remote == null ? null : remote.hostAddress();
    }

    @Override
    public String cookie(String name) {
        Cookie c = in.getCookie(name);
        return c == null ? null : c.getValue();
    }

    @Override
    public String queryParam(String name) {
        return in.getParam(name);
    }

    @Override
    public boolean requestEnded() {
        return in.isEnded();
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public void listen(Listener l) {
        this.listener = l;
        in.handler(this);
        in.endHandler(new End());
        Handler gone = new Gone(); // one object for both: the request's exception and the response's close
        in.exceptionHandler(gone);
        out.closeHandler(gone);
    }

    // Vert.x throws from pause/resume of an HTTP/2 request whose body has ended (a GET ends with its headers).
    @Override
    public void pause() {
        if (!in.isEnded()) {
            in.pause();
        }
    }

    @Override
    public void resume() {
        if (!in.isEnded()) {
            in.resume();
        }
    }

    /** A request body chunk from Vert.x: lent to the listener as the heap {@code ByteBuf} it holds. */
    @Override
    public void handle(Buffer chunk) {
        listener.onRequestBody(VertxInternals.unwrap(chunk));
    }

    /** The request's end handler. */
    private final class End implements Handler<Void> {
        @Override
        public void handle(Void v) {
            listener.onRequestEnd(null); // Vert.x's request trailers are not passed on (nor were they before)
        }
    }

    /** The request's exception handler and the response's close handler: the client went away. */
    private final class Gone implements Handler<Object> {
        @Override
        public void handle(Object cause) {
            listener.onClientGone(cause instanceof Throwable t ? t : null);
        }
    }

    // ---- the response ----

    @Override
    public void status(int code, String reason) {
        out.setStatusCode(code);
        if (reason != null && in.version() != HttpVersion.HTTP_2
                && !reason.equals(HttpResponseStatus.valueOf(code).reasonPhrase())) {
            // Only a reason phrase of the endpoint's own: Vert.x makes a status object for every message set.
            out.setStatusMessage(reason);
        }
    }

    @Override
    public MultiMap responseHeaders() {
        return out.headers();
    }

    @Override
    public void chunked() {
        out.setChunked(true);
    }

    @Override
    public boolean isChunked() {
        return out.isChunked();
    }

    @Override
    public MultiMap trailers() {
        return out.trailers();
    }

    @Override
    public void write(ByteBuf chunk) {
        out.write(VertxInternals.take(chunk));
    }

    @Override
    public void end(ByteBuf last) {
        if (out.ended()) {
            if (last != null) {
                last.release();
            }
            return;
        }
        Future<Void> sent = last == null ? out.end() : out.end(VertxInternals.take(last));
        // What Vert.x's response end handler did: the connection waits for its next head (ListenerGuard).
        ListenerGuard.responseEnded(ch, head, in.isEnded());
        if (closeAfter) {
            HttpConnection conn = in.connection();
            sent.onComplete(v -> conn.close());
        }
    }

    @Override
    public boolean writeQueueFull() {
        return out.writeQueueFull();
    }

    @Override
    public void drainHandler(Runnable onDrain) {
        out.drainHandler(v -> onDrain.run());
    }

    @Override
    public void writeContinue() {
        out.writeContinue();
    }

    @Override
    public void reset() {
        out.reset();
    }

    /**
     * Vert.x's server keeps an HTTP/1.1 connection open whatever the response's {@code Connection} header says (it
     * reads only the request's), so the connection is closed once the answer is written. Vert.x hands over a request
     * pipelined behind this one as soon as this answer ends, before the close: the mark, set before the end, keeps it
     * from being served ({@link #accept}).
     */
    @Override
    public void closeAfterResponse() {
        if (in.version() == HttpVersion.HTTP_2 || closeAfter) {
            return;
        }
        if (ch != null) {
            closeAfter = true;
            ch.attr(CLOSING).set(Boolean.TRUE);
        }
    }

    @Override
    public boolean headWritten() {
        return out.headWritten();
    }

    @Override
    public boolean ended() {
        return out.ended();
    }

    @Override
    public boolean closed() {
        return out.closed();
    }

    @Override
    public Future<Void> tunnel(NetSocket peer) {
        return in.toNetSocket().map(down -> {
            down.pipeTo(peer);
            peer.pipeTo(down);
            down.closeHandler(v -> peer.close());
            peer.closeHandler(v -> down.close());
            return (Void) null;
        });
    }
}
