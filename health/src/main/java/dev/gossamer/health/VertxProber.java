package dev.gossamer.health;

import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
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
 * probes reuse one connection) or a TCP connect with {@link NetClient} (connected = healthy, then closed;
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
                f = httpClient != null ? httpProbe(target, timeout) : tcpProbe(target, timeout);
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
