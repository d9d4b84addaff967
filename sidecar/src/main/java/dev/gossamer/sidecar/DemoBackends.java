package dev.gossamer.sidecar;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.util.ArrayList;
import java.util.List;

/**
 * In-process HTTP backends for the demo: each answers every request with its own id (and {@code /healthz} with
 * 200), so the demo can show where requests went.
 */
final class DemoBackends {

    private final Vertx vertx;
    private final List<String> ids = new ArrayList<>();
    private final List<HttpServer> servers = new ArrayList<>();

    private DemoBackends(Vertx vertx) {
        this.vertx = vertx;
    }

    /** Starts {@code n} backends named b1..bn on 127.0.0.1, each on a free port. */
    static Future<DemoBackends> start(Vertx vertx, int n) {
        DemoBackends b = new DemoBackends(vertx);
        List<Future<HttpServer>> started = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            String id = "b" + i;
            b.ids.add(id);
            HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
                    .requestHandler(req -> req.response()
                            .putHeader("content-type", "text/plain")
                            .putHeader("x-backend", id)
                            .end(id + "\n"));
            b.servers.add(server);
            started.add(server.listen());
        }
        return Future.all(started).map(v -> b);
    }

    List<String> ids() {
        return ids;
    }

    int port(int index) {
        return servers.get(index).actualPort();
    }

    /** Closes backend {@code index} abruptly: its listening socket and every open connection. */
    Future<Void> kill(int index) {
        return servers.get(index).close();
    }

    Future<Void> close() {
        List<Future<Void>> closed = new ArrayList<>();
        for (HttpServer s : servers) {
            closed.add(s.close());
        }
        return Future.join(closed).mapEmpty();
    }
}
