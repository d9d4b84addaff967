package dev.gossamer.injector;

import dev.gossamer.common.Scheduler;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.ServerSSLOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The injector's HTTPS server:
 * <ul>
 *   <li>{@code POST /inject}: the webhook for namespaces labelled {@code gossamer.io/inject=enabled} (inject unless
 *       the pod says {@code gossamer.io/inject: "false"});</li>
 *   <li>{@code POST /inject/annotated}: the webhook for every other namespace (inject only pods annotated
 *       {@code gossamer.io/inject: "true"});</li>
 *   <li>{@code GET /ready} (200 once serving, 503 when closing), {@code GET /metrics} (Prometheus).</li>
 * </ul>
 * A body over {@link InjectorOptions#maxReviewBytes()} is refused with 413 before it is parsed. The certificate and
 * key are re-read when they change ({@link CertReloader}).
 *
 * <p>Threading: requests run on the server's event loop; {@link AdmissionHandler} is thread-safe.
 */
public final class WebhookServer {

    static final String PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer server;
    private final CertReloader reloader;
    private final AtomicBoolean closing;

    private WebhookServer(HttpServer server, CertReloader reloader, AtomicBoolean closing) {
        this.server = server;
        this.reloader = reloader;
        this.closing = closing;
    }

    /**
     * Starts the server on {@code host:port} (0: any free port) with the PEM pair {@code cert}/{@code key}.
     *
     * @param scheduler runs the certificate checks every {@code reloadInterval}
     */
    public static Future<WebhookServer> start(Vertx vertx, Scheduler scheduler, InjectorOptions options,
                                              PrometheusMeterRegistry registry, String host, int port,
                                              Path cert, Path key, Duration reloadInterval) {
        AdmissionHandler admission = new AdmissionHandler(new PatchBuilder(options), registry);
        AtomicBoolean closing = new AtomicBoolean();
        Router router = Router.router(vertx);
        BodyHandler body = BodyHandler.create(false).setBodyLimit(options.maxReviewBytes());
        router.post("/inject").handler(body).handler(ctx -> review(ctx, admission, true));
        router.post("/inject/annotated").handler(body).handler(ctx -> review(ctx, admission, false));
        router.get("/ready").handler(ctx -> {
            if (closing.get()) {
                ctx.response().setStatusCode(503).end("closing\n");
            } else {
                ctx.response().end("ready\n");
            }
        });
        router.get("/metrics").handler(ctx -> ctx.response()
                .putHeader("content-type", PROMETHEUS_CONTENT_TYPE)
                .end(registry.scrape()));
        HttpServer[] holder = new HttpServer[1];
        CertReloader reloader = new CertReloader(scheduler, cert, key, reloadInterval,
                pair -> holder[0].updateSSLOptions(new ServerSSLOptions().setKeyCertOptions(pair), true)
                        .compose(changed -> Future.succeededFuture()),
                registry);
        PemKeyCertOptions first;
        try {
            first = reloader.load();
        } catch (IOException e) {
            return Future.failedFuture(new IOException("cannot read the serving certificate " + cert + " / key "
                    + key + ": " + e.getMessage(), e));
        }
        HttpServer server = vertx.createHttpServer(new HttpServerOptions()
                .setSsl(true)
                .setKeyCertOptions(first)
                .setHost(host)
                .setPort(port));
        holder[0] = server;
        return server.requestHandler(router).listen().map(s -> {
            reloader.start();
            return new WebhookServer(s, reloader, closing);
        });
    }

    private static void review(RoutingContext ctx, AdmissionHandler admission, boolean namespaceEnabled) {
        ctx.response().putHeader("content-type", "application/json")
                .end(admission.review(ctx.body().buffer() == null ? io.vertx.core.buffer.Buffer.buffer()
                        : ctx.body().buffer(), namespaceEnabled).toBuffer());
    }

    /** The bound port. */
    public int port() {
        return server.actualPort();
    }

    /** Stops reloading and closes the server. */
    public Future<Void> close() {
        closing.set(true);
        reloader.stop();
        return server.close();
    }
}
