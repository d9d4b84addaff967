package dev.gossamer.health;

import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.ConnectOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.net.SocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeoutException;

/**
 * The real {@link Prober}: an HTTP GET with Vert.x {@link HttpClient} (keep-alive, a small pool per target so
 * probes reuse one connection), a gRPC {@code grpc.health.v1.Health/Check} over HTTP/2 cleartext (passes on
 * {@code grpc-status} 0 and {@code SERVING}; Envoy's {@code grpc_health_check}), or a TCP connect with {@link NetClient} (connected = healthy, then closed;
 * Envoy's TCP check with an empty payload).
 *
 * <p>HTTP probes pass when the response status is in {@code expected_statuses}; the body is read and dropped
 * so the connection can be reused. The timeout bounds the connect and every wait for bytes (Vert.x connect and
 * idle timeouts), so a hung server releases its connection. Failures are classified as
 * {@link ProbeResult.Failure#TIMEOUT}, {@link ProbeResult.Failure#CONNECT} or
 * {@link ProbeResult.Failure#STATUS}; the returned Future never fails.
 *
 * <p>Thread-safe. Call {@link #close()} to release the client. A probe that races {@code close} (it was queued on its
 * event loop just before) completes as failed with "prober closed" instead of throwing Vert.x's
 * {@code IllegalStateException: Client is closed} into the event loop (issue 12: seen as an ERROR with a stack trace
 * when the demo shut down under load).
 */
public final class VertxProber implements Prober, AutoCloseable {

    /** One connection per target is enough: a checker has at most one probe in flight. */
    static final int POOL_SIZE_PER_TARGET = 1;

    private final HealthCheckOptions options;
    private final HttpClient httpClient;
    private final NetClient netClient;
    private final Vertx vertx;
    private volatile boolean closed;

    private VertxProber(Vertx vertx, HealthCheckOptions options) {
        this.options = Objects.requireNonNull(options, "options");
        this.vertx = vertx;
        if (options.protocol() == HealthCheckOptions.Protocol.HTTP) {
            this.httpClient = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
                    new PoolOptions().setHttp1MaxSize(POOL_SIZE_PER_TARGET));
            this.netClient = null;
        } else if (options.protocol() == HealthCheckOptions.Protocol.GRPC) {
            // gRPC is HTTP/2; cleartext with prior knowledge, as gRPC's plaintext channels (and Envoy's check).
            this.httpClient = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true)
                            .setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false),
                    new PoolOptions().setHttp2MaxSize(POOL_SIZE_PER_TARGET));
            this.netClient = null;
        } else {
            this.httpClient = null;
            this.netClient = vertx.createNetClient(new NetClientOptions());
        }
    }

    /** A prober for {@code options}: HTTP or TCP as the options say. */
    public static VertxProber create(Vertx vertx, HealthCheckOptions options) {
        return new VertxProber(Objects.requireNonNull(vertx, "vertx"), options);
    }

    @Override
    public Future<ProbeResult> probe(HealthTarget target, Duration timeout) {
        // A probe runs on a Vert.x context, so the response is handed over on its event loop before its body can
        // end; from a plain thread the callback could run after the end, and reading the body then throws.
        Context ctx = Vertx.currentContext() != null ? Vertx.currentContext() : vertx.getOrCreateContext();
        Promise<ProbeResult> result = Promise.promise();
        ctx.runOnContext(v -> {
            if (closed) {
                result.complete(ProbeResult.failed(ProbeResult.Failure.CONNECT, "prober closed"));
                return;
            }
            Future<ProbeResult> f;
            try {
                f = switch (options.protocol()) {
                    case HTTP -> httpProbe(target, timeout);
                    case GRPC -> grpcProbe(target, timeout);
                    case TCP -> tcpProbe(target, timeout);
                };
            } catch (RuntimeException e) {
                // A client closed by another thread between the check above and the request: a failed probe.
                f = Future.failedFuture(closed ? new IllegalStateException("prober closed", e) : e);
            }
            f.recover(e -> Future.succeededFuture(classify(e, timeout))).onComplete(result);
        });
        return result.future();
    }

    private Future<ProbeResult> httpProbe(HealthTarget target, Duration timeout) {
        long ms = Math.max(1, timeout.toMillis());
        RequestOptions ro = new RequestOptions()
                .setMethod(HttpMethod.GET)
                .setServer(SocketAddress.inetSocketAddress(target.port(), target.host()))
                .setURI(options.path())
                .setConnectTimeout(ms)
                .setIdleTimeout(ms)
                .putHeader("User-Agent", "gossamer-health-check");
        ro.setHost(target.host()).setPort(target.port());
        String hostHeader = options.hostHeader();
        return httpClient.request(ro)
                .compose(req -> {
                    if (hostHeader != null) {
                        // Sent verbatim, like Envoy's http_health_check.host: no port appended.
                        HostAndPort hp = HostAndPort.parseAuthority(hostHeader, -1);
                        req.authority(hp != null ? hp : HostAndPort.authority(hostHeader));
                    }
                    return req.send();
                })
                .compose(resp -> {
                    int status = resp.statusCode();
                    resp.handler(b -> { });
                    return resp.end().map(v -> options.accepts(status)
                            ? ProbeResult.passed("status " + status)
                            : ProbeResult.failed(ProbeResult.Failure.STATUS, "status " + status));
                });
    }

    /**
     * grpc's health checking protocol: {@code grpc.health.v1.Health/Check} for the configured service; passes on
     * {@code grpc-status} 0 with {@code SERVING}. The timeout goes to the server as {@code grpc-timeout} too.
     */
    private Future<ProbeResult> grpcProbe(HealthTarget target, Duration timeout) {
        long ms = Math.max(1, timeout.toMillis());
        RequestOptions ro = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setServer(SocketAddress.inetSocketAddress(target.port(), target.host()))
                .setURI(GrpcHealthCodec.PATH)
                .setConnectTimeout(ms)
                .setIdleTimeout(ms)
                .putHeader("content-type", "application/grpc")
                .putHeader("te", "trailers")
                .putHeader("grpc-timeout", ms + "m")
                .putHeader("user-agent", "gossamer-health-check");
        ro.setHost(target.host()).setPort(target.port());
        String hostHeader = options.hostHeader();
        return httpClient.request(ro)
                .compose(req -> {
                    if (hostHeader != null) {
                        HostAndPort hp = HostAndPort.parseAuthority(hostHeader, -1);
                        req.authority(hp != null ? hp : HostAndPort.authority(hostHeader));
                    }
                    return req.send(GrpcHealthCodec.request(options.path()));
                })
                .compose(resp -> resp.body().map(body -> {
                    if (resp.statusCode() != 200) {
                        return ProbeResult.failed(ProbeResult.Failure.STATUS, "status " + resp.statusCode());
                    }
                    // A trailers-only answer carries grpc-status in the headers.
                    String gs = resp.getTrailer("grpc-status");
                    if (gs == null) {
                        gs = resp.getHeader("grpc-status");
                    }
                    if (!"0".equals(gs)) {
                        String msg = resp.getTrailer("grpc-message");
                        if (msg == null) {
                            msg = resp.getHeader("grpc-message");
                        }
                        return ProbeResult.failed(ProbeResult.Failure.STATUS, "grpc-status " + gs
                                + (msg == null ? "" : " " + msg));
                    }
                    int serving = GrpcHealthCodec.status(body);
                    return serving == GrpcHealthCodec.SERVING ? ProbeResult.passed("SERVING")
                            : ProbeResult.failed(ProbeResult.Failure.STATUS, serving < 0 ? "malformed response"
                                    : GrpcHealthCodec.statusName(serving));
                }));
    }

    private Future<ProbeResult> tcpProbe(HealthTarget target, Duration timeout) {
        ConnectOptions co = new ConnectOptions().setHost(target.host()).setPort(target.port())
                .setTimeout((int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis())));
        return netClient.connect(co).compose(socket -> socket.close()
                .transform(ar -> Future.succeededFuture(ProbeResult.passed("connected"))));
    }

    static ProbeResult classify(Throwable e, Duration timeout) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof TimeoutException || t instanceof ConnectTimeoutException) {
                return ProbeResult.failed(ProbeResult.Failure.TIMEOUT,
                        "no result within " + timeout.toMillis() + " ms");
            }
        }
        String msg = e.getMessage();
        return ProbeResult.failed(ProbeResult.Failure.CONNECT,
                msg == null ? e.getClass().getSimpleName() : msg);
    }

    @Override
    public void close() {
        closed = true;
        if (httpClient != null) {
            httpClient.close();
        }
        if (netClient != null) {
            netClient.close();
        }
    }
}
