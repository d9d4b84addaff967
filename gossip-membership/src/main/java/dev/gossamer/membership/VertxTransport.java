package dev.gossamer.membership;

import dev.gossamer.common.Scheduler;
import io.vertx.core.Context;
import io.vertx.core.Future;
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

/**
 * {@link Transport} on Vert.x: a UDP {@link DatagramSocket} for packets and a TCP {@link NetServer}/{@link NetClient}
 * on the same port for push-pull. A stream frame is {@code u32 length | bytes}; one request, one response, close.
 *
 * <p>Threading: create it with {@link #bind} from the context it will live on; the receiver and exchange callbacks
 * run on that context. Host names in addresses are resolved by Vert.x at every send and connect.
 */
public final class VertxTransport implements Transport {

    private final Vertx vertx;
    private final Context context;
    private final Scheduler scheduler;
    private final DatagramSocket udp;
    private final NetServer tcp;
    private final NetClient client;
    private final String localAddress;
    private volatile Receiver receiver;
    private volatile boolean closed;

    private VertxTransport(Vertx vertx, Context context, Scheduler scheduler, DatagramSocket udp, NetServer tcp,
                           NetClient client, String localAddress) {
        this.vertx = vertx;
        this.context = context;
        this.scheduler = scheduler;
        this.udp = udp;
        this.tcp = tcp;
        this.client = client;
        this.localAddress = localAddress;
    }

    /**
     * Binds UDP and TCP on {@code bindHost:port} (port 0: an ephemeral port free for both) and advertises
     * {@code advertiseHost} with the bound port. Must be called on the Vert.x context the transport will use.
     */
    static Future<VertxTransport> bind(Vertx vertx, Scheduler scheduler, String bindHost, int port,
                                       String advertiseHost) {
        return bindAttempt(vertx, scheduler, bindHost, port, advertiseHost, port == 0 ? 10 : 1);
    }

    private static Future<VertxTransport> bindAttempt(Vertx vertx, Scheduler scheduler, String bindHost, int port,
                                                      String advertiseHost, int attemptsLeft) {
        Context ctx = vertx.getOrCreateContext();
        DatagramSocket udp = vertx.createDatagramSocket(new DatagramSocketOptions()
                .setReceiveBufferSize(4 << 20).setSendBufferSize(4 << 20));
        Holder h = new Holder();
        Future<VertxTransport> f = udp.listen(port, bindHost).compose(u -> {
            int bound = u.localAddress().port();
            NetServer server = vertx.createNetServer(new NetServerOptions().setHost(bindHost).setPort(bound));
            server.connectHandler(sock -> h.transport.serve(sock));
            return server.listen().map(s -> {
                NetClient c = vertx.createNetClient(new NetClientOptions().setConnectTimeout(10_000));
                VertxTransport t = new VertxTransport(vertx, ctx, scheduler, udp, server, c,
                        hostPort(advertiseHost, bound));
                h.transport = t;
                return t;
            });
        });
        return f.recover(err -> {
            udp.close();
            if (attemptsLeft > 1) {
                return bindAttempt(vertx, scheduler, bindHost, port, advertiseHost, attemptsLeft - 1);
            }
            return Future.failedFuture(err);
        });
    }

    private static final class Holder {
        VertxTransport transport;
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

    @Override
    public void exchange(String address, byte[] request, Duration timeout, ExchangeCallback callback) {
        boolean[] done = {false};
        NetSocket[] sock = new NetSocket[1];
        ExchangeCallback once = (resp, err) -> {
            if (!done[0]) {
                done[0] = true;
                if (sock[0] != null) {
                    sock[0].close();
                }
                callback.done(resp, err);
            }
        };
        if (closed) {
            context.runOnContext(v -> once.done(null, new IOException("transport closed")));
            return;
        }
        Scheduler.Cancellable timer = scheduler.schedule(timeout,
                () -> once.done(null, new IOException("exchange with " + address + " timed out")));
        client.connect(port(address), host(address)).onComplete(ar -> {
            if (ar.failed()) {
                timer.cancel();
                once.done(null, ar.cause());
                return;
            }
            NetSocket s = ar.result();
            sock[0] = s;
            if (done[0]) {
                s.close();
                return;
            }
            readOneFrame(s, resp -> {
                timer.cancel();
                once.done(resp, null);
            }, err -> {
                timer.cancel();
                once.done(null, err);
            });
            s.write(frame(request));
        });
    }

    private static Buffer frame(byte[] bytes) {
        return Buffer.buffer(4 + bytes.length).appendInt(bytes.length).appendBytes(bytes);
    }

    private static void readOneFrame(NetSocket s, java.util.function.Consumer<byte[]> onFrame,
                                     java.util.function.Consumer<Throwable> onError) {
        RecordParser parser = RecordParser.newFixed(4);
        boolean[] header = {true};
        boolean[] got = {false};
        parser.handler(buf -> {
            if (header[0]) {
                int len = buf.getInt(0);
                if (len <= 0 || len > WireCodec.MAX_STREAM_BYTES) {
                    onError.accept(new IOException("stream frame: " + len + " bytes"));
                    s.close();
                    return;
                }
                header[0] = false;
                parser.fixedSizeMode(len);
            } else if (!got[0]) {
                got[0] = true;
                onFrame.accept(buf.getBytes());
            }
        });
        s.handler(parser);
        s.exceptionHandler(onError::accept);
        s.closeHandler(v -> {
            if (!got[0]) {
                onError.accept(new IOException("connection closed before a response"));
            }
        });
    }

    private void serve(NetSocket s) {
        if (closed) {
            s.close();
            return;
        }
        String from = hostPort(s.remoteAddress().host(), s.remoteAddress().port());
        readOneFrame(s, req -> {
            Receiver r = receiver;
            byte[] resp = r == null || closed ? null : r.onStream(from, req);
            if (resp == null) {
                s.close();
            } else {
                s.write(frame(resp)).onComplete(ar -> s.close());
            }
        }, err -> s.close());
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
