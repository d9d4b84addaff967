package dev.gossamer.vertx;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpHeaders;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.impl.Http1xOrH2CHandler;
import io.vertx.core.http.impl.headers.HeadersMultiMap;
import io.vertx.core.impl.buffer.VertxByteBufAllocator;
import io.vertx.core.impl.transports.TransportLoader;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.core.net.impl.ShutdownEvent;
import io.vertx.core.net.impl.VertxHandler;
import io.vertx.core.transport.Transport;
import java.lang.reflect.Field;

/**
 * Every Vert.x internal type the project touches, behind plain static functions. Forwarding HTTP/1.1 on Netty's
 * codec (the proxy's {@code H1Upstream}) needs the event loop of a Vert.x context, Vert.x's channel factory and DNS
 * resolver for its own connections, and zero-copy hand-offs between Netty's {@code ByteBuf} and Vert.x's
 * {@code Buffer}. Those live in {@code io.vertx.core.internal} and {@code impl} packages, which change between
 * minor versions; keeping them here means a Vert.x upgrade changes this file, not the data plane.
 *
 * <p>All functions are thread-safe and allocation-free unless they say otherwise.
 */
public final class VertxInternals {

    private VertxInternals() {
    }

    /**
     * The simple class name of the socket transport {@code vertx} runs on ({@code NioTransport},
     * {@code EpollTransport}, {@code IoUringTransport}); Vert.x has no public accessor for it.
     */
    public static String transportName(Vertx vertx) {
        return ((VertxInternal) vertx).transport().getClass().getSimpleName();
    }

    /**
     * The native socket transport {@code name} ({@code "io_uring"} or {@code "epoll"}), loaded alone, or null when its
     * classes are not on the class path; {@link Transport#available()} says whether it can run here. Reading one of
     * {@link Transport}'s constants initialises all of them, and that loads and links every native transport's
     * library: a sidecar on io_uring loaded epoll's too (22-27 ms of CPU in a profile of a start on one core,
     * docs/performance.md, "Start-up").
     */
    public static Transport nativeTransport(String name) {
        return switch (name) {
            case "io_uring" -> TransportLoader.io_uring();
            case "epoll" -> TransportLoader.epoll();
            default -> throw new IllegalArgumentException(name + " (expected: io_uring or epoll)");
        };
    }

    /** The Netty event loop that runs {@code ctx}'s tasks. */
    public static EventLoop eventLoop(Context ctx) {
        return ((ContextInternal) ctx).nettyEventLoop();
    }

    /**
     * Configures {@code bootstrap} to create the same kind of channels as {@code vertx} (io_uring, epoll or NIO) and
     * to resolve host names with its asynchronous resolver. An IP literal is not looked up: the bootstrap connects to
     * it without Vert.x's DNS resolver building its per-event-loop resolver and UDP socket, which a cluster of IP
     * addresses never needs ({@link LiteralFirstResolverGroup}).
     */
    public static Bootstrap useTransportOf(Vertx vertx, Bootstrap bootstrap) {
        VertxInternal vi = (VertxInternal) vertx;
        return bootstrap.channelFactory(vi.transport().channelFactory(false))
                .resolver(new LiteralFirstResolverGroup(vi.nameResolver().nettyAddressResolverGroup()));
    }

    /** The {@code ByteBuf} behind a Vert.x buffer, without a copy (the buffer keeps ownership). */
    public static ByteBuf byteBuf(Buffer buffer) {
        return ((BufferInternal) buffer).getByteBuf();
    }

    /**
     * The {@code ByteBuf} a Vert.x buffer holds, itself: no slice is made (unlike {@link #byteBuf}), so its reader and
     * writer indices are the buffer's own. Vert.x's buffers hold un-releasable heap {@code ByteBuf}s, whose
     * {@code retain}/{@code release} do nothing.
     */
    public static ByteBuf unwrap(Buffer buffer) {
        return buffer instanceof io.vertx.core.buffer.impl.BufferImpl b ? b.byteBuf()
                : ((BufferInternal) buffer).getByteBuf();
    }

    /**
     * Whether {@code buf} is one of Vert.x's heap {@code ByteBuf}s, or a slice or duplicate of one, on which reference
     * counting does nothing.
     */
    public static boolean unreleasable(ByteBuf buf) {
        for (ByteBuf b = buf; b != null; b = b.unwrap()) {
            if (b instanceof io.vertx.core.buffer.impl.VertxHeapByteBuf
                    || b instanceof io.vertx.core.buffer.impl.VertxUnsafeHeapByteBuf) {
                return true;
            }
        }
        return false;
    }

    /**
     * A Vert.x buffer with the readable bytes of {@code given}, taking its reference: a Vert.x heap buffer (or a slice
     * of one) is wrapped as it is; any other (a pooled read buffer) is copied to the heap and released, because
     * Vert.x's writes never release a {@code ByteBuf} they did not make. Allocates the wrapper (and the copy).
     */
    public static Buffer take(ByteBuf given) {
        if (unreleasable(given)) {
            return buffer(given);
        }
        try {
            ByteBuf copy = heapBuffer(given.readableBytes());
            copy.writeBytes(given, given.readerIndex(), given.readableBytes());
            return buffer(copy);
        } finally {
            given.release();
        }
    }

    /** A Vert.x buffer over {@code buf}, without a copy (the buffer takes ownership). */
    public static Buffer buffer(ByteBuf buf) {
        return BufferInternal.buffer(buf);
    }

    /** An unpooled heap {@code ByteBuf} of {@code capacity}, as Vert.x allocates for buffers it hands to user code. */
    public static ByteBuf heapBuffer(int capacity) {
        return VertxByteBufAllocator.DEFAULT.heapBuffer(capacity);
    }

    /**
     * A new, empty, case-insensitive HTTP headers map, at once a Vert.x {@link MultiMap} and a Netty
     * {@link HttpHeaders} ({@link #asNetty}), so one object is filled on one side and written on the other without a
     * copy: a {@link FieldMap}, which behaves as Vert.x's own map of that kind and allocates less.
     */
    public static MultiMap httpHeaders() {
        return new FieldMap();
    }

    /** The same new headers map as {@link #httpHeaders()}, typed for Netty's codec (it is a {@link MultiMap} too). */
    public static HttpHeaders newNettyHeaders() {
        return new FieldMap();
    }

    /**
     * Whether {@code headers} is an HTTP/1.x map that is a Netty {@link HttpHeaders} too ({@link #httpHeaders()}'s
     * kind, or Vert.x's own, which its HTTP/1.x server decodes requests into), so {@link #asNetty} takes it as it is.
     */
    public static boolean isHttpHeaders(MultiMap headers) {
        return headers instanceof FieldMap || headers instanceof HeadersMultiMap;
    }

    /** A map {@link #isHttpHeaders} accepts, as Netty's {@link HttpHeaders}, without a copy. */
    public static HttpHeaders asNetty(MultiMap headers) {
        return (HttpHeaders) headers;
    }

    /**
     * The Netty channel of an HTTP connection (HTTP/1.x, or the connection an HTTP/2 stream runs on).
     */
    public static Channel channel(HttpConnection connection) {
        return ((ConnectionBase) connection).channel();
    }

    /**
     * The listening Netty channel behind a bound {@link HttpServer}: the one socket every server instance sharing the
     * port accepts on. Its pipeline sees each accepted connection (a {@code Channel} read) before Vert.x sets it up,
     * which is the only place to act on a connection at accept time: Vert.x's own connection handler runs only once
     * a first request byte told HTTP/1.1 from h2c. Vert.x has no public accessor, so this reads the private fields of
     * {@code HttpServerImpl} ({@code tcpServer}) and {@code NetServerImpl} ({@code actualServer}, {@code bindFuture})
     * of Vert.x 5.0; a Vert.x upgrade that renames them fails here, at listener start, with this message.
     *
     * @throws IllegalStateException when the server is not bound or Vert.x's internals changed
     */
    public static Channel serverChannel(HttpServer server) {
        try {
            Object tcp = field(server, "tcpServer");
            Object actual = field(tcp, "actualServer");
            Object bind = field(actual != null ? actual : tcp, "bindFuture");
            Channel ch = bind instanceof io.vertx.core.Future<?> f && f.succeeded() ? (Channel) f.result() : null;
            if (ch == null) {
                throw new IllegalStateException("serverChannel: the server is not bound");
            }
            return ch;
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("serverChannel: cannot reach Vert.x's listening channel (Vert.x "
                    + "internals changed?): " + e, e);
        }
    }

    /**
     * Takes a connection of a Vert.x {@link HttpServer} away from Vert.x, before the server read a byte of it: removes
     * the handler that tells HTTP/1.x from h2c ({@code Http1xOrH2CHandler}, which would set up Vert.x's HTTP/1.x or
     * HTTP/2 connection) and Vert.x's connection placeholder ({@code VertxHandler}), exactly what Vert.x 5.0's
     * {@code HttpServerConnectionInitializer} replaces when it sets the connection up itself. What stays is Netty's:
     * the listener's {@code IdleStateHandler} ("idle", when an idle timeout is set), whose events the new last handler
     * then hears, and the server's channel group, so {@link HttpServer#shutdown} still broadcasts its shutdown event
     * ({@link #isShutdownEvent}) to the connection and waits for it to close. Call on the channel's event loop.
     *
     * @return false, changing nothing, when the pipeline is not the one Vert.x 5.0 builds (a Vert.x upgrade moved
     *         it, or bytes were read already): the connection then stays with Vert.x
     */
    public static boolean detachHttpServer(ChannelPipeline pipeline) {
        ChannelHandler sniffer = null;
        ChannelHandler placeholder = null;
        for (java.util.Map.Entry<String, ChannelHandler> e : pipeline) {
            if (e.getValue() instanceof Http1xOrH2CHandler h) {
                sniffer = h;
            } else if (e.getValue() instanceof VertxHandler<?> v) {
                placeholder = v;
            }
        }
        if (sniffer == null || placeholder == null) {
            return false;
        }
        pipeline.remove(sniffer);
        pipeline.remove(placeholder);
        return true;
    }

    /**
     * Whether a user event on a server connection's pipeline is Vert.x's graceful shutdown
     * ({@link HttpServer#shutdown}): finish what is in flight, then close; the server waits for the close up to
     * its timeout, then closes the connection itself.
     */
    public static boolean isShutdownEvent(Object event) {
        return event instanceof ShutdownEvent;
    }

    private static Object field(Object o, String name) throws ReflectiveOperationException {
        for (Class<?> c = o.getClass(); c != null; c = c.getSuperclass()) {
            try {
                Field f = c.getDeclaredField(name);
                f.setAccessible(true);
                return f.get(o);
            } catch (NoSuchFieldException e) {
                // look in the superclass
            }
        }
        throw new NoSuchFieldException(o.getClass().getName() + "." + name);
    }
}
