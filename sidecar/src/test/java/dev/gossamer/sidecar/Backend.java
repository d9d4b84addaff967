package dev.gossamer.sidecar;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** A test backend on 127.0.0.1 that answers with its id, and can be killed, restarted on its port, or hung. */
final class Backend {

    final String id;
    private final Vertx vertx;
    private HttpServer server;
    private int port;
    final AtomicBoolean hang = new AtomicBoolean();
    final AtomicInteger healthStatus = new AtomicInteger(200);
    final AtomicInteger served = new AtomicInteger();

    Backend(Vertx vertx, String id) {
        this.vertx = vertx;
        this.id = id;
    }

    Future<Backend> start() {
        server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port))
                .requestHandler(req -> {
                    if (req.path().equals("/healthz")) {
                        req.response().setStatusCode(healthStatus.get()).end();
                        return;
                    }
                    if (hang.get()) {
                        return; // accept, read, never answer
                    }
                    served.incrementAndGet();
                    req.response().putHeader("x-backend", id).end(id + "\n");
                });
        return server.listen().map(s -> {
            port = s.actualPort();
            return this;
        });
    }

    /** Starts on a given port (a restart of an instance that was killed). */
    Future<Backend> startOn(int fixedPort) {
        this.port = fixedPort;
        return start();
    }

    int port() {
        return port;
    }

    /** Closes the listening socket and every open connection. */
    Future<Void> kill() {
        return server.close();
    }
}
