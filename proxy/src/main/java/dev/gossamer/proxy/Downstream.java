package dev.gossamer.proxy;

import io.netty.buffer.ByteBuf;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.net.NetSocket;

/**
 * The client's side of one exchange: the request as it arrived and the response going back, whatever server read
 * it. {@link Exchange} reads and writes the client only through this interface, as it reaches endpoints only
 * through {@link Upstream}. Two implementations: {@code VertxDownstream} over Vert.x's {@code HttpServerRequest} /
 * {@code HttpServerResponse} (HTTP/2, h2c, and HTTP/1.1 until the Netty listener takes it) and {@code H1Downstream}
 * on Netty's HTTP/1.x codec ({@link H1ServerCodec}; docs/design.md, "the HTTP/1.1 listener on Netty's codec").
 *
 * <p><b>Threading:</b> one downstream belongs to one connection's event loop. Every method is called on that loop,
 * and every {@link Listener} callback and every callback passed in ({@link #drainHandler}) runs on it.
 *
 * <p><b>Reference counts:</b> a {@link ByteBuf} handed to the exchange ({@link Listener#onRequestBody}) is
 * <em>lent</em>: valid for the call only, released by the downstream after it returns; the exchange
 * {@code retain()}s what it keeps (the replay buffer) and releases it itself. A {@code ByteBuf} handed to the
 * downstream ({@link #write}, {@link #end}) is <em>given</em>: one reference passes with the call, and the downstream
 * releases it once written, or at once when it drops it (response ended, closed, reset). Vert.x's own heap buffers
 * are un-releasable, so both rules cost {@code VertxDownstream} nothing.
 *
 * <p><b>Types:</b> no server, stream, handler or buffer type of Vert.x appears here, except in the WebSocket hand-off
 * ({@link #tunnel}: its peer is a socket of Vert.x's client, which opens every upgrade). Headers are Vert.x's
 * {@link MultiMap} because it costs neither side a copy: the HTTP/1.x map ({@code FieldMap}, as Vert.x's own
 * {@code HeadersMultiMap}) is a Netty {@code HttpHeaders} too, so {@code H1Downstream} configures its decoder with that
 * map (as {@code H1Upstream} does, {@code HttpDecoderConfig.setHeadersFactory}) and hands the decoded map over as is,
 * while Vert.x's HTTP/2
 * map ({@code Http2HeadersAdaptor}) is a {@code MultiMap} only; Netty's {@code HttpHeaders} here would need an
 * adapter per HTTP/2 request. Everything the exchange hands on takes a {@code MultiMap} already (the route match,
 * {@link LocalReply}, {@link Headers}, {@link Upstream.Call#headers()}). {@link HttpMethod}, {@link HttpVersion} and
 * {@link HostAndPort} are the plain values {@link Upstream} and {@link RetryState} already take. Bodies are Netty
 * {@code ByteBuf}s: what both servers read and write, without a wrapper per chunk.
 */
interface Downstream {

    // ---- the request ----

    /** The request method. */
    HttpMethod method();

    /** {@code HTTP/1.0}, {@code HTTP/1.1} or {@code HTTP/2}. */
    HttpVersion version();

    /** The request-target as received (HTTP/2: {@code :path}); origin-form, absolute-form or {@code *}. */
    String uri();

    /** {@link #uri()}'s path as the server parsed it (no query); null when the target has none. */
    String path();

    /**
     * HTTP/2's {@code :authority} (or {@code Host}) as the server checked it; null when the request has none. Over
     * HTTP/1.x the exchange reads the {@code Host} lines itself ({@link RequestTarget}) and does not call this.
     */
    HostAndPort authority();

    /** {@code http} or {@code https}: the scheme the client used to reach this listener. */
    String scheme();

    /**
     * The request headers, a read-only view for the exchange (it never writes them). Allocation-free to return: the
     * server's own map.
     */
    MultiMap headers();

    /**
     * Whether the exchange may make {@link #headers()} itself the upstream request's header map once it has read
     * the request's own fields (hop-by-hop fields removed in place, forwarding fields added; {@code Headers}): true
     * only for a mutable map of the request's own that nothing reads after the exchange started, which saves a map
     * and a copy per request. So a downstream that says true decides what it needs from the head before handing the
     * request over: keep-alive ({@code Connection} is removed), an {@code Upgrade}. False (the default): the exchange
     * copies the fields it forwards.
     */
    default boolean headersReusable() {
        return false;
    }

    /** The client's IP address as text ({@code 10.0.0.7}, no port); null when unknown. Made once per connection. */
    String remoteHost();

    /** The value of the first cookie named {@code name} in the request's {@code Cookie} lines, or null (hash_on). */
    String cookie(String name);

    /** The first value of query parameter {@code name} in the request-target (percent-decoded), or null (hash_on). */
    String queryParam(String name);

    /** Whether the whole request (head, body and trailers) has arrived; {@link Listener#onRequestEnd} was heard. */
    boolean requestEnded();

    /**
     * Installs the exchange's listener; called once, before {@link #pause()}/{@link #resume()} matter. Body chunks
     * are delivered only to it and only while not paused.
     */
    void listen(Listener listener);

    /** Stops delivering request body chunks (back-pressure to the client); a no-op once the request ended. */
    void pause();

    /** Delivers request body chunks again after {@link #pause()}; a no-op once the request ended. */
    void resume();

    // ---- the response ----

    /**
     * Sets the response status and, for HTTP/1.x, the endpoint's reason phrase ({@code reason} null, or the standard
     * phrase: the standard one, without an object made for it). Before the head is written.
     */
    void status(int code, String reason);

    /** The response headers to send, mutable until the head is written (the first write or the end). */
    MultiMap responseHeaders();

    /**
     * Adds {@code fields} to the response's header fields; before the head is written. The map is given over: a
     * downstream may make it {@link #responseHeaders()} itself instead of copying it, when it has none yet (the
     * endpoint's decoded response becomes the client's, no second map). By default the fields are copied.
     */
    default void useResponseHeaders(MultiMap fields) {
        Headers.addAll(fields, responseHeaders());
    }

    /** Sends the response body chunked (HTTP/1.1 without a {@code Content-Length}); before the head is written. */
    void chunked();

    /** Whether the response body is sent chunked (HTTP/1.1); false over HTTP/2. */
    boolean isChunked();

    /**
     * The trailers to send with {@link #end}, made on the first call; only HTTP/2 and chunked HTTP/1.1 carry them
     * (the caller decides whether the client takes them, {@code TE: trailers}).
     */
    MultiMap trailers();

    /** Writes a body chunk (the head first, if not written yet); takes one reference of {@code chunk}. */
    void write(ByteBuf chunk);

    /**
     * Ends the response with {@code last} as its last body chunk (null: none), and the {@link #trailers} set; takes
     * one reference of {@code last}. Writes the head too if it was not written: head, body and end may go out in one
     * write. A second end, or one after {@link #reset}, is ignored (and releases {@code last}).
     */
    void end(ByteBuf last);

    /** Whether the client's connection (stream) takes no more writes now; see {@link #drainHandler}. */
    boolean writeQueueFull();

    /** Runs {@code onDrain} once, when writes are taken again after {@link #writeQueueFull} said true. */
    void drainHandler(Runnable onDrain);

    /** Sends {@code 100 Continue} now (the client holds its body back for it); before the head is written. */
    void writeContinue();

    /**
     * Abandons the response so the client cannot take a cut one for a whole one: HTTP/2 resets the stream,
     * HTTP/1.x closes the connection. No callback follows; a no-op once ended or closed.
     */
    void reset();

    /**
     * The connection closes once this response is written (HTTP/1.x; RFC 9112 §9.6), and no request after it on this
     * connection is served, pipelined or not. The caller sets {@code Connection: close} on the response itself; call
     * before {@link #end}. A no-op over HTTP/2, where only the stream ends.
     */
    void closeAfterResponse();

    /** Whether the response head was written (status and headers can no longer change). */
    boolean headWritten();

    /** Whether {@link #end} was called. */
    boolean ended();

    /** Whether the client's connection (HTTP/2: stream) is closed or reset. */
    boolean closed();

    /**
     * A WebSocket (any HTTP/1.1 {@code Upgrade}) switched through: writes the {@code 101} with the status and headers
     * set on this response, takes the codec off the connection, and joins the client's bytes to {@code peer} both
     * ways (with back-pressure) until either side closes, which closes the other. The future completes on the event
     * loop once the two are joined (the downstream owns {@code peer} from then on), or fails when the connection
     * cannot be switched (then {@code peer} is the caller's to close). HTTP/1.1 only.
     */
    Future<Void> tunnel(NetSocket peer);

    /**
     * What the exchange hears from the client. Every callback runs on the connection's event loop, and must not
     * throw (the exchange guards each one).
     */
    interface Listener {

        /**
         * A request body chunk, lent for the call (retain it to keep it). May be empty (Vert.x hands over an h2c
         * upgrade request's empty body); the exchange skips those.
         */
        void onRequestBody(ByteBuf chunk);

        /** The request is complete; {@code trailers} are the request's trailers, or null when it had none. */
        void onRequestEnd(MultiMap trailers);

        /**
         * The client went away before the response ended: the connection (HTTP/2: the stream) was closed or reset,
         * or reading the request failed. May come more than once, or after the response ended (the exchange acts on
         * the first, and only while it is unfinished); {@code cause} may be null.
         */
        void onClientGone(Throwable cause);
    }
}
