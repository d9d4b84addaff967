package dev.gossamer.proxy;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.Context;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.net.SocketAddress;
import java.time.Duration;

/**
 * How one try reaches an endpoint: a pooled connection, a request streamed up, a response streamed back. Two
 * implementations: {@link H1Upstream} (HTTP/1.1 on Netty's codec, the common case and the hot path) and
 * {@link VertxUpstream} (Vert.x's client, for HTTP/2 endpoints).
 *
 * <p>Threading: {@link #open} is called on the event loop of {@code ctx}, and every callback of the {@link Listener}
 * and every method of the {@link Call} runs on that same loop.
 */
interface Upstream {

    /** Opens a request on a connection to {@code server}; the listener hears {@code onOpen} or the failure. */
    void open(Context ctx, SocketAddress server, HttpMethod method, String uri, Listener listener);

    /** No new connections; requests in flight get up to {@code grace} to finish, then everything closes. */
    Future<Void> shutdown(Duration grace);

    /** Closes every connection now. */
    Future<Void> close();

    /** One request on one connection, as the exchange drives it. */
    interface Call {
        /** The request headers, written before the first {@link #write} or {@link #end}. */
        MultiMap headers();

        /**
         * Sends {@code fields} as the request's header fields; before the first {@link #write} or {@link #end}, and
         * instead of filling {@link #headers()}. A call may take the map itself instead of copying it (then it may set
         * {@code Host} and {@code Transfer-Encoding} in it): the exchange makes one map per request and hands it to
         * every try. By default the fields are added to {@link #headers()}.
         */
        default void useHeaders(MultiMap fields) {
            Headers.addAll(fields, headers());
        }

        /**
         * The authority sent upstream (Host); the endpoint's address when never set. {@code text} is the same as
         * {@code host[:port]} (made once by the exchange, so a call need not build it again).
         */
        void authority(HostAndPort authority, String text);

        /** The body has no declared length: send it chunked. Call before the first write. */
        void chunked();

        /**
         * Sends a body chunk. One reference of the chunk's {@code ByteBuf} ({@code VertxInternals.unwrap}) is given
         * with the call: the call releases it once written, or at once when it drops the chunk; the bytes may be
         * consumed (pass a slice of a buffer kept for a retry).
         */
        void write(Buffer chunk);

        /**
         * The request is complete; {@code trailers} are its trailer fields to send after the body, or null. Only a
         * chunked HTTP/1.1 body carries them ({@code H1Upstream}); Vert.x's client has no way to send request
         * trailers, so {@code VertxUpstream} (HTTP/2 endpoints) drops them.
         */
        void end(MultiMap trailers);

        /**
         * Whether the listener may keep the map {@link Listener#onResponse} gave it and change it in place (make it
         * the client's response map, its hop-by-hop fields removed): true only when the call reads none of the head's
         * fields once it has handed the head over. False by default: the exchange copies the fields it forwards.
         */
        default boolean responseHeadersReusable() {
            return false;
        }

        boolean writeQueueFull();

        /** Runs once when the write queue drains after {@link #writeQueueFull} said true. */
        void drainHandler(Runnable onDrain);

        void pauseResponse();

        void resumeResponse();

        /**
         * The response is not wanted (a retry follows): no further callbacks; the connection is kept for reuse
         * when the request was complete (the rest of the response is read and dropped), else reset.
         */
        void discard();

        /**
         * Abandons the request: no further callbacks. The connection is closed unless nothing was sent on it; even
         * then, one opened for this request and wanted by no other is closed (it would only idle on the endpoint).
         */
        void reset();
    }

    /** What the exchange hears about one try. */
    interface Listener {
        /** Connected: set the headers and write the body on {@code call}. */
        void onOpen(Call call);

        /** No connection could be made (refused, timed out, unresolvable, pool closed). */
        void onConnectFailure(Throwable cause);

        /** The response head; {@code http2} is the protocol it came over. */
        void onResponse(int status, String statusMessage, MultiMap headers, boolean http2);

        /**
         * A response body chunk, never empty. One reference of its {@code ByteBuf} ({@code VertxInternals.unwrap}) is
         * given to the listener, which releases it or passes it on ({@link Downstream#write} takes it): {@code
         * H1Upstream}'s are the pooled read buffers themselves, Vert.x's are heap buffers on which releasing does
         * nothing.
         */
        void onData(Buffer chunk);

        /** The response is complete; {@code trailers} may be empty. */
        void onEnd(MultiMap trailers);

        /** The request or the response failed after {@link #onOpen}. */
        void onReset(Throwable cause);
    }
}
