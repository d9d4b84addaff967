package dev.gossamer.proxy;

import dev.gossamer.vertx.VertxInternals;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.net.NetSocket;
import java.util.List;

/**
 * {@link Downstream} for one HTTP/1.x request read by Netty's codec on an {@link H1Connection}: the request head
 * the codec decoded (its headers are Vert.x's map, handed to the exchange as they are), its body chunks lent as the
 * codec's {@code ByteBuf}s, and the response written back through the codec's encoder.
 *
 * <p>The response is {@code HTTP/1.0} to an HTTP/1.0 request, else {@code HTTP/1.1}. It keeps the connection when
 * the request asked for it ({@link HttpUtil#isKeepAlive}), the body's end can be told without a close (a
 * {@code Content-Length}, chunked coding, or no body: HEAD, 1xx, 204, 304), the exchange did not ask to close, and
 * the data plane is not draining; {@code Connection: close} (HTTP/1.1) or {@code keep-alive} (HTTP/1.0) says so.
 *
 * <p>Threading: on the connection's event loop, as every {@link Downstream}.
 */
final class H1Downstream implements Downstream {

    private final H1Connection conn;
    private final HttpRequest req;
    private final long head; // this request's number on its connection (the head timer's count)
    private final HttpVersion version;
    private final MultiMap headers;
    private final boolean keepAlive; // read before the exchange may take the headers over (headersReusable)
    private Listener listener;
    private boolean paused;
    private boolean requestEnded;
    private boolean gone; // the client went away (heard once)
    // the response
    private int status = 200;
    private String reason;
    private MultiMap responseHeaders;
    private MultiMap trailers;
    private boolean chunked;
    private boolean headWritten;
    private boolean ended;
    private boolean responseEnded; // the end was written
    private boolean closeAfter;
    private boolean closesConnection; // decided with the head
    private Runnable onDrain;

    H1Downstream(H1Connection conn, HttpRequest req, long head) {
        this.conn = conn;
        this.req = req;
        this.head = head;
        this.version = req.protocolVersion().minorVersion() == 0 ? HttpVersion.HTTP_1_0 : HttpVersion.HTTP_1_1;
        this.headers = (MultiMap) req.headers(); // the codec's headers factory makes Vert.x maps
        this.keepAlive = HttpUtil.isKeepAlive(req);
    }

    // ---- the request ----

    @Override
    public HttpMethod method() {
        return HttpMethod.valueOf(req.method().name());
    }

    @Override
    public HttpVersion version() {
        return version;
    }

    @Override
    public String uri() {
        return req.uri();
    }

    @Override
    public String path() {
        String uri = req.uri();
        if (uri.isEmpty() || uri.charAt(0) != '/') {
            return uri.equals("*") ? uri : null; // absolute-form: RequestTarget reads its path itself
        }
        int end = uri.length();
        for (int i = 0; i < uri.length(); i++) {
            char c = uri.charAt(i);
            if (c == '?' || c == '#') {
                end = i;
                break;
            }
        }
        return end == uri.length() ? uri : uri.substring(0, end);
    }

    @Override
    public HostAndPort authority() {
        String host = headers.get(HttpHeaderNames.HOST);
        return host == null || host.isEmpty() ? null : HostAndPort.parseAuthority(host, -1);
    }

    @Override
    public String scheme() {
        return "http";
    }

    @Override
    public MultiMap headers() {
        return headers;
    }

    /**
     * True: the decoded map is this request's alone, and nothing here reads it once the exchange started (the
     * keep-alive decision was read when the head came), so the exchange may send it upstream as it is.
     */
    @Override
    public boolean headersReusable() {
        return true;
    }

    @Override
    public String remoteHost() {
        return conn.remoteHost();
    }

    @Override
    public String cookie(String name) {
        for (String line : headers.getAll(HttpHeaderNames.COOKIE)) {
            for (io.netty.handler.codec.http.cookie.Cookie c : ServerCookieDecoder.STRICT.decodeAll(line)) {
                if (c.name().equals(name)) {
                    return c.value();
                }
            }
        }
        return null;
    }

    @Override
    public String queryParam(String name) {
        List<String> values = new QueryStringDecoder(req.uri()).parameters().get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    @Override
    public boolean requestEnded() {
        return requestEnded;
    }

    @Override
    public void listen(Listener listener) {
        this.listener = listener;
    }

    @Override
    public void pause() {
        if (!requestEnded && !paused) {
            paused = true;
            conn.autoRead(false);
        }
    }

    @Override
    public void resume() {
        if (!requestEnded && paused) {
            paused = false;
            conn.autoRead(true);
        }
    }

    /** A body chunk from the codec, lent for the call; dropped once the response ended. */
    void onBody(ByteBuf chunk) {
        if (listener != null && !responseEnded && !gone) {
            listener.onRequestBody(chunk);
        }
    }

    void onEnd(MultiMap requestTrailers) {
        requestEnded = true;
        paused = false;
        if (listener != null && !responseEnded && !gone) {
            listener.onRequestEnd(requestTrailers);
        }
    }

    /** The client went away, or its request could not be read to the end. */
    void clientGone(Throwable cause) {
        if (gone) {
            return;
        }
        gone = true;
        if (listener != null && !responseEnded) {
            listener.onClientGone(cause);
        }
    }

    long head() {
        return head;
    }

    boolean responseEnded() {
        return responseEnded;
    }

    /** Whether the connection closes after this response (decided when its head was written). */
    boolean closesConnection() {
        return closesConnection || closeAfter;
    }

    void onWritable() {
        Runnable d = onDrain;
        onDrain = null;
        if (d != null && !gone) {
            d.run();
        }
    }

    // ---- the response ----

    @Override
    public void status(int code, String reason) {
        this.status = code;
        this.reason = reason;
    }

    @Override
    public MultiMap responseHeaders() {
        if (responseHeaders == null) {
            responseHeaders = VertxInternals.httpHeaders();
        }
        return responseHeaders;
    }

    /** Takes {@code fields} as the response's map when nothing was set yet and the encoder can write it as it is. */
    @Override
    public void useResponseHeaders(MultiMap fields) {
        responseHeaders = Headers.take(responseHeaders, fields);
    }

    @Override
    public void chunked() {
        if (version == HttpVersion.HTTP_1_1) {
            chunked = true;
        }
    }

    @Override
    public boolean isChunked() {
        return chunked;
    }

    @Override
    public MultiMap trailers() {
        if (trailers == null) {
            trailers = VertxInternals.httpHeaders();
        }
        return trailers;
    }

    /** Writes the head into the channel's buffer (not flushed): the body's first write or the end flushes it. */
    private void writeHead() {
        headWritten = true;
        MultiMap h = responseHeaders();
        HttpResponseStatus st = HttpResponseStatus.valueOf(status);
        if (reason != null && !reason.equals(st.reasonPhrase())) {
            st = new HttpResponseStatus(status, reason); // the endpoint's own phrase
        }
        DefaultHttpResponse resp = new DefaultHttpResponse(version == HttpVersion.HTTP_1_0
                ? io.netty.handler.codec.http.HttpVersion.HTTP_1_0 : io.netty.handler.codec.http.HttpVersion.HTTP_1_1,
                st, VertxInternals.asNetty(h));
        if (chunked) {
            HttpUtil.setTransferEncodingChunked(resp, true);
        }
        boolean delimited = chunked || h.contains(HttpHeaderNames.CONTENT_LENGTH) || bodiless();
        closesConnection = closeAfter || !keepAlive || !delimited || conn.draining()
                || h.contains(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE, true);
        if (closesConnection) {
            if (version == HttpVersion.HTTP_1_1) {
                h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            } else {
                h.remove(HttpHeaderNames.CONNECTION);
            }
        } else if (version == HttpVersion.HTTP_1_0) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        conn.ctx().write(resp, conn.ctx().voidPromise());
    }

    /** A response that has no body whatever its headers say (RFC 9112 §6.3). */
    private boolean bodiless() {
        return req.method() == io.netty.handler.codec.http.HttpMethod.HEAD || status < 200 || status == 204
                || status == 304;
    }

    private boolean writable() {
        return !ended && !gone && conn.ctx().channel().isActive();
    }

    @Override
    public void write(ByteBuf chunk) {
        if (!writable()) {
            chunk.release();
            return;
        }
        if (!headWritten) {
            writeHead();
        }
        conn.ctx().writeAndFlush(new DefaultHttpContent(chunk), conn.ctx().voidPromise());
    }

    @Override
    public void end(ByteBuf last) {
        if (!writable()) {
            if (last != null) {
                last.release();
            }
            return;
        }
        ended = true;
        if (!headWritten) {
            writeHead();
        }
        ByteBuf body = last == null ? Unpooled.EMPTY_BUFFER : last;
        LastHttpContent end;
        if (chunked && trailers != null && !trailers.isEmpty()) {
            end = new DefaultLastHttpContent(body, VertxInternals.asNetty(trailers));
        } else if (last == null) {
            end = LastHttpContent.EMPTY_LAST_CONTENT;
        } else {
            // Netty's one-argument constructor makes an empty trailers map (an entry array of 16) per response.
            end = new DefaultLastHttpContent(body, EmptyHttpHeaders.INSTANCE);
        }
        boolean close = conn.closesAfter(this);
        ChannelHandlerContext ctx = conn.ctx();
        if (close) {
            ctx.writeAndFlush(end).addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.writeAndFlush(end, ctx.voidPromise()); // no promise per response
        }
        responseEnded = true;
        conn.responseEnded(this, close);
    }

    @Override
    public boolean writeQueueFull() {
        return !conn.ctx().channel().isWritable();
    }

    @Override
    public void drainHandler(Runnable onDrain) {
        this.onDrain = onDrain;
    }

    @Override
    public void writeContinue() {
        if (!headWritten && writable()) {
            conn.ctx().writeAndFlush(new DefaultFullHttpResponse(io.netty.handler.codec.http.HttpVersion.HTTP_1_1,
                    HttpResponseStatus.CONTINUE, Unpooled.EMPTY_BUFFER), conn.ctx().voidPromise());
        }
    }

    @Override
    public void reset() {
        if (ended || gone) {
            return;
        }
        ended = true;
        responseEnded = true;
        conn.reset(this);
    }

    @Override
    public void closeAfterResponse() {
        closeAfter = true;
        conn.closeAfterResponse();
    }

    @Override
    public boolean headWritten() {
        return headWritten;
    }

    @Override
    public boolean ended() {
        return ended;
    }

    @Override
    public boolean closed() {
        return gone || !conn.ctx().channel().isActive();
    }

    // ---- WebSocket ----

    @Override
    public Future<Void> tunnel(NetSocket peer) {
        Promise<Void> joined = Promise.promise();
        if (ended || gone || headWritten) {
            joined.fail(new IllegalStateException("tunnel: the response is under way or the client is gone"));
            return joined.future();
        }
        ended = true;
        headWritten = true;
        MultiMap h = responseHeaders();
        DefaultHttpResponse resp = new DefaultHttpResponse(io.netty.handler.codec.http.HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(status), VertxInternals.asNetty(h));
        ChannelHandlerContext ctx = conn.ctx();
        // The 101 has no body: its end goes through the encoder too, so the codec is idle when it is removed.
        ctx.write(resp, ctx.voidPromise());
        ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(f -> {
            if (!f.isSuccess()) {
                joined.fail(f.cause());
                return;
            }
            Channel ch = ctx.channel();
            conn.tunnelled(this);
            ChannelPipeline p = ch.pipeline();
            p.remove("gossamer-h1");
            p.remove("gossamer-h1-flow");
            long idle = conn.idleTimeoutNanos();
            if (idle > 0) {
                // A tunnel that carries nothing either way for the idle timeout is closed, as Vert.x's sockets were.
                p.addLast("gossamer-tunnel-idle", new io.netty.handler.timeout.IdleStateHandler(0, 0, idle,
                        java.util.concurrent.TimeUnit.NANOSECONDS));
            }
            p.addLast("gossamer-tunnel", new Splice(peer));
            p.remove("gossamer-h1-codec"); // what the client sent after the upgrade request reaches the splice
            joined.complete();
            ch.config().setAutoRead(true);
        });
        return joined.future();
    }

    /**
     * The client's connection joined to the endpoint's socket once the 101 is out: bytes both ways as they come,
     * copied into Vert.x buffers towards the endpoint, with back-pressure on both sides; either close closes the other.
     */
    private static final class Splice extends ChannelInboundHandlerAdapter {
        private final NetSocket peer;

        Splice(NetSocket peer) {
            this.peer = peer;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            Channel ch = ctx.channel();
            peer.handler(b -> {
                ch.writeAndFlush(Unpooled.wrappedBuffer(b.getBytes()), ch.voidPromise());
                if (!ch.isWritable()) {
                    peer.pause();
                }
            });
            peer.closeHandler(v -> ch.close());
            ch.closeFuture().addListener(f -> peer.close());
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof ByteBuf b)) {
                io.netty.util.ReferenceCountUtil.release(msg);
                return;
            }
            try {
                peer.write(io.vertx.core.buffer.Buffer.buffer(io.netty.buffer.ByteBufUtil.getBytes(b)));
            } finally {
                b.release();
            }
            if (peer.writeQueueFull()) {
                ctx.channel().config().setAutoRead(false);
                peer.drainHandler(v -> ctx.channel().config().setAutoRead(true));
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) {
                peer.resume();
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof io.netty.handler.timeout.IdleStateEvent) {
                ctx.close(); // the listener's idle timeout, as for Vert.x's own tunnelled sockets
            } else {
                ctx.fireUserEventTriggered(evt);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
