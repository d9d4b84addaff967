package dev.gossamer.membership;

import dev.gossamer.common.Scheduler;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.parsetools.RecordParser;
import java.io.IOException;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * {@link Transport} on Vert.x: a UDP {@link DatagramSocket} for packets and a TCP {@link NetServer}/{@link NetClient}
 * on the same port for push-pull. A stream frame is {@code u32 length | bytes}; one request, one response, close.
 *
 * <p>Incoming stream connections are bounded: at most {@link MembershipOptions#maxConcurrentStreams()} are served
 * at once, and each must deliver its request within {@link MembershipOptions#streamTimeout()} (memberlist sets the
 * same TCPTimeout deadline on accepted connections). A connection over the cap or past its deadline is closed and
 * reported to the receiver as {@link DropReason#TOO_MANY_STREAMS} or {@link DropReason#STREAM_TIMEOUT}.
 *
 * <p>Threading: create it with {@link #bind} from the context it will live on; the receiver and exchange callbacks
 * run on that context. Host names in addresses are resolved by Vert.x at every send and connect.
 */
public final class VertxTransport implements Transport {

    private final Context context;
    private final Scheduler scheduler;
    private final DatagramSocket udp;
    private final NetServer tcp;
    private final NetClient client;
    private final String localAddress;
    private final String boundAddress;
    private final Limits limits;
    private volatile Receiver receiver;
    private volatile boolean closed;
    private int activeStreams; // on the context's thread only

    /**
     * Bounds on incoming stream connections.
     *
     * @param streamTimeout  how long an accepted connection may take to deliver its request
     * @param maxConcurrent  connections served at once; more are closed at once
     */
    record Limits(Duration streamTimeout, int maxConcurrent) {
        static Limits of(MembershipOptions o) {
            return new Limits(o.streamTimeout(), o.maxConcurrentStreams());
        }
    }

    private VertxTransport(Context context, Scheduler scheduler, DatagramSocket udp, NetServer tcp,
                           NetClient client, String localAddress, String boundAddress, Limits limits) {
        this.context = context;
        this.scheduler = scheduler;
        this.udp = udp;
        this.tcp = tcp;
        this.client = client;
        this.localAddress = localAddress;
        this.boundAddress = boundAddress;
        this.limits = limits;
    }

    /**
     * Binds UDP and TCP on {@code bindHost:bindPort} (port 0: an ephemeral port free for both) and advertises
     * {@code advertiseHost:advertisePort}, where an advertised port of 0 means the bound one (behind NAT or a
     * Kubernetes Service the two differ). Must be called on the Vert.x context the transport will use.
     */
    static Future<VertxTransport> bind(Vertx vertx, Scheduler scheduler, String bindHost, int bindPort,
                                       String advertiseHost, int advertisePort, Limits limits) {
        return bindAttempt(vertx, scheduler, bindHost, bindPort, advertiseHost, advertisePort, limits,
                bindPort == 0 ? 10 : 1);
    }

    private static Future<VertxTransport> bindAttempt(Vertx vertx, Scheduler scheduler, String bindHost,
                                                      int bindPort, String advertiseHost, int advertisePort,
                                                      Limits limits, int attemptsLeft) {
        Context ctx = vertx.getOrCreateContext();
        DatagramSocket udp = vertx.createDatagramSocket(new DatagramSocketOptions()
                .setReceiveBufferSize(4 << 20).setSendBufferSize(4 << 20));
        Future<VertxTransport> f = udp.listen(bindPort, bindHost).compose(u -> {
            int bound = u.localAddress().port();
            NetServer server = vertx.createNetServer(new NetServerOptions().setHost(bindHost).setPort(bound));
            NetClientOptions co = new NetClientOptions().setConnectTimeout(10_000);
            if (!wildcard(bindHost)) {
                // Stream connections leave from the bound address, as the UDP packets do: on a multi-homed host
                // peers (and firewall rules) see one address per member, whichever protocol it speaks.
                co.setLocalAddress(bindHost);
            }
            NetClient c = vertx.createNetClient(co);
            VertxTransport t = new VertxTransport(ctx, scheduler, udp, server, c,
                    hostPort(advertiseHost, advertisePort == 0 ? bound : advertisePort), hostPort(bindHost, bound),
                    limits);
            server.connectHandler(t::serve);
            return server.listen().map(s -> t).onFailure(err -> c.close());
        });
        return f.recover(err -> {
            udp.close();
            if (attemptsLeft > 1) {
                return bindAttempt(vertx, scheduler, bindHost, bindPort, advertiseHost, advertisePort, limits,
                        attemptsLeft - 1);
            }
            return Future.failedFuture(err);
        });
    }

    /** Whether {@code host} is the any-address (bind on every interface). */
    static boolean wildcard(String host) {
        return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]") || host.equals("0:0:0:0:0:0:0:0");
    }

        static String hostPort(String host, int port) {
        return (host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
    }

    static String host(String address) {
        String h = address.substring(0, address.lastIndexOf(':'));
        return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
    }

    static int port(String address) {
        return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
    }

    @Override
    public String localAddress() {
        return localAddress;
    }

    /** Where the sockets are bound, {@code host:port} (the real port when bound to 0). */
    String boundAddress() {
        return boundAddress;
    }

    /** Incoming stream connections being served now. On the transport's context only (tests). */
    int activeStreams() {
        return activeStreams;
    }

    @Override
    public void start(Receiver r) {
        this.receiver = r;
        udp.handler(p -> {
            Receiver rc = receiver;
            if (rc != null && !closed) {
                SocketAddress s = p.sender();
                rc.onPacket(hostPort(s.host(), s.port()), p.data().getBytes());
            }
        });
    }

    @Override
    public void sendPacket(String address, byte[] packet) {
        if (closed) {
            return;
        }
        try {
            udp.send(Buffer.buffer(packet), port(address), host(address));
        } catch (RuntimeException e) {
            // a bad address or a closed socket is a lost packet, as UDP allows
        }
    }

    /** One outgoing request/response exchange: completes its callback exactly once. */
    private static final class Exchange {
        private final ExchangeCallback callback;
        private boolean done;
        private NetSocket socket;
        private Scheduler.Cancellable timer;

        Exchange(ExchangeCallback callback) {
            this.callback = callback;
        }

        void finish(byte[] response, Throwable error) {
            if (done) {
                return;
            }
            done = true;
            if (timer != null) {
                timer.cancel();
            }
            if (socket != null) {
                socket.close();
            }
            callback.done(response, error);
        }
    }

    @Override
    public void exchange(String address, byte[] request, Duration timeout, ExchangeCallback callback) {
        Exchange ex = new Exchange(callback);
        if (closed) {
            context.runOnContext(v -> ex.finish(null, new IOException("transport closed")));
            return;
        }
        ex.timer = scheduler.schedule(timeout,
                () -> ex.finish(null, new IOException("exchange with " + address + " timed out")));
        client.connect(port(address), host(address)).onComplete(ar -> {
            if (ar.failed()) {
                ex.finish(null, ar.cause());
                return;
            }
            NetSocket s = ar.result();
            if (ex.done) {
                s.close();
                return;
            }
            ex.socket = s;
            FrameReader reader = new FrameReader(s, resp -> ex.finish(resp, null), err -> ex.finish(null, err));
            s.closeHandler(v -> reader.closed());
            s.write(frame(request));
        });
    }

    private static Buffer frame(byte[] bytes) {
        return Buffer.buffer(4 + bytes.length).appendInt(bytes.length).appendBytes(bytes);
    }

    /** Reads one {@code u32 length | bytes} frame from a socket; reports the frame or one error. */
    private static final class FrameReader implements Handler<Buffer> {
        private final NetSocket socket;
        private final RecordParser parser = RecordParser.newFixed(4);
        private final Consumer<byte[]> onFrame;
        private final Consumer<Throwable> onError;
        private boolean readingHeader = true;
        private boolean got;

        FrameReader(NetSocket socket, Consumer<byte[]> onFrame, Consumer<Throwable> onError) {
            this.socket = socket;
            this.onFrame = onFrame;
            this.onError = onError;
            parser.handler(this::onRecord);
            socket.handler(this);
            socket.exceptionHandler(onError::accept);
        }

        @Override
        public void handle(Buffer data) {
            parser.handle(data);
        }

        private void onRecord(Buffer buf) {
            if (readingHeader) {
                int len = buf.getInt(0);
                if (len <= 0 || len > WireCodec.MAX_STREAM_BYTES) {
                    onError.accept(new IOException("stream frame: " + len + " bytes"));
                    socket.close();
                    return;
                }
                readingHeader = false;
                parser.fixedSizeMode(len);
            } else if (!got) {
                got = true;
                onFrame.accept(buf.getBytes());
            }
        }

        /** The socket closed; an error unless the frame already arrived. */
        void closed() {
            if (!got) {
                onError.accept(new IOException("connection closed before a response"));
            }
        }

        boolean got() {
            return got;
        }
    }

    /** One accepted stream connection: counted while open, closed at its deadline if the request is late. */
    private final class InboundStream {
        private final NetSocket socket;
        private final Scheduler.Cancellable deadline;
        private final FrameReader reader;
        private boolean open = true;

        InboundStream(NetSocket socket, String from) {
            this.socket = socket;
            this.reader = new FrameReader(socket, req -> answer(from, req), err -> socket.close());
            this.deadline = scheduler.schedule(limits.streamTimeout(), this::expired);
            socket.closeHandler(v -> onClosed());
        }

        private void answer(String from, byte[] request) {
            deadline.cancel();
            Receiver r = receiver;
            byte[] resp = r == null || closed ? null : r.onStream(from, request);
            if (resp == null) {
                socket.close();
            } else {
                socket.write(frame(resp)).onComplete(ar -> socket.close());
            }
        }

        private void expired() {
            if (open && !reader.got()) {
                drop(DropReason.STREAM_TIMEOUT);
                socket.close();
            }
        }

        private void onClosed() {
            if (open) {
                open = false;
                activeStreams--;
                deadline.cancel();
            }
        }
    }

    private void serve(NetSocket s) {
        if (closed) {
            s.close();
            return;
        }
        if (activeStreams >= limits.maxConcurrent()) {
            drop(DropReason.TOO_MANY_STREAMS);
            s.close();
            return;
        }
        activeStreams++;
        new InboundStream(s, hostPort(s.remoteAddress().host(), s.remoteAddress().port()));
    }

    private void drop(DropReason reason) {
        Receiver r = receiver;
        if (r != null) {
            r.onDrop(reason);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        udp.close();
        tcp.close();
        client.close();
    }
}
