package dev.gossamer.sidecar;

import dev.gossamer.config.ConfigProblem;
import dev.gossamer.health.HealthState;
import dev.gossamer.health.OutlierSnapshot;
import dev.gossamer.membership.Member;
import dev.gossamer.membership.ServiceEndpoint;
import dev.gossamer.proxy.ClusterStatus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The per-sidecar admin API (bound to 127.0.0.1 by default): Kubernetes probes, Prometheus metrics, cluster and
 * config state, reload, drain and exit. JSON shapes are documented in {@code docs/admin-api.md}.
 *
 * <p>Threading: handlers run on the admin server's event loop and only read immutable snapshots.
 */
final class AdminServer {

    static final String PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final Vertx vertx;
    private final Sidecar sidecar;
    private HttpServer server;

    AdminServer(Vertx vertx, Sidecar sidecar) {
        this.vertx = vertx;
        this.sidecar = sidecar;
    }

    Future<Void> listen(String host, int port) {
        Router router = Router.router(vertx);
        router.route().handler(new AdminGuard(host, sidecar.adminToken()));
        router.get("/ready").handler(this::ready);
        router.get("/live").handler(ctx -> ctx.response().end("live\n"));
        router.get("/metrics").handler(ctx -> ctx.response()
                .putHeader("content-type", PROMETHEUS_CONTENT_TYPE)
                .end(sidecar.registry().scrape()));
        router.get("/admin/clusters").handler(ctx -> json(ctx, 200, clusters(sidecar)));
        router.get("/admin/config").handler(ctx -> json(ctx, 200, config()));
        router.get("/admin/members").handler(ctx -> json(ctx, 200, members(sidecar)));
        router.post("/admin/reload").handler(this::reload);
        router.post("/admin/drain").handler(ctx -> {
            sidecar.drain();
            json(ctx, 202, new JsonObject().put("draining", true));
        });
        router.post("/quitquitquit").handler(ctx -> {
            // Answer first, and shut down once the answer is written: the admin server itself closes at the end
            // of the shutdown, and an HTTP/2 caller must see the answer before the GOAWAY.
            json(ctx, 202, new JsonObject().put("exiting", true)).onComplete(v -> sidecar.shutdown());
        });
        router.get("/").handler(ctx -> ctx.response()
                .putHeader("content-type", "text/html; charset=utf-8")
                .end(Dashboard.html()));
        server = vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port))
                .requestHandler(router);
        return server.listen().mapEmpty();
    }

    int port() {
        return server == null ? -1 : server.actualPort();
    }

    Future<Void> close() {
        return server == null ? Future.succeededFuture() : server.close();
    }

    private void ready(RoutingContext ctx) {
        boolean ready = sidecar.ready();
        ctx.response().setStatusCode(ready ? 200 : 503).end(ready ? "ready\n" : "not ready\n");
    }

    private void reload(RoutingContext ctx) {
        sidecar.reload().onComplete(ar -> {
            if (ar.failed()) {
                json(ctx, 500, new JsonObject().put("error", String.valueOf(ar.cause().getMessage())));
                return;
            }
            List<ConfigProblem> problems = ar.result();
            MeshConfigState s = sidecar.meshState();
            JsonObject body = new JsonObject().put("applied", problems.isEmpty()).put("version", s.version());
            if (!problems.isEmpty()) {
                body.put("problems", problems(problems));
            }
            json(ctx, problems.isEmpty() ? 200 : 400, body);
        });
    }

    /** The body of {@code GET /admin/clusters}. */
    static JsonObject clusters(Sidecar sidecar) {
        JsonArray clusters = new JsonArray();
        for (ClusterStatus c : sidecar.dataPlane().clusters()) {
            JsonArray endpoints = new JsonArray();
            ClusterHealth health = sidecar.health(c.name()).orElse(null);
            for (ClusterStatus.EndpointStatus e : c.endpoints()) {
                JsonObject ep = new JsonObject()
                        .put("id", e.id())
                        .put("address", e.address())
                        .put("weight", e.weight())
                        .put("eligible", e.eligible())
                        .put("down", e.down())
                        .put("down_for_ms", e.downForMillis())
                        .put("active_requests", e.active())
                        .put("requests", e.total())
                        .put("connect_failures", e.connectFailures())
                        .put("resets", e.resets())
                        .put("timeouts", e.timeouts())
                        .put("http_5xx", e.http5xx())
                        .put("mean_latency_ms", e.meanLatencyMillis());
                putHealth(ep, health, e.id());
                endpoints.add(ep);
            }
            clusters.add(new JsonObject()
                    .put("name", c.name())
                    .put("policy", c.policy())
                    .put("protocol", c.protocol().name().toLowerCase(java.util.Locale.ROOT))
                    .put("active_requests", c.active())
                    .put("panic", c.panic())
                    .put("endpoints", endpoints));
        }
        return new JsonObject().put("clusters", clusters);
    }

    /** Active-check state and outlier ejection of one endpoint; absent keys mean "not configured". */
    private static void putHealth(JsonObject ep, ClusterHealth health, String id) {
        if (health == null) {
            return;
        }
        HealthState active = health.activeState(id);
        if (active != null) {
            ep.put("health", active.name().toLowerCase(java.util.Locale.ROOT));
        }
        OutlierSnapshot o = health.outlier(id);
        if (o != null) {
            ep.put("ejected", o.ejected())
                    .put("times_ejected", o.timesEjected())
                    .put("ejected_for_ms", o.ejected() ? o.remaining().toMillis() : 0)
                    .put("ejection_reason", o.lastEjectionReason().map(Object::toString).orElse(null))
                    .put("outlier", o.describe());
        }
    }

    /** The body of {@code GET /admin/members}; also what {@code gossamer members} prints. */
    static JsonObject members(Sidecar sidecar) {
        JsonArray members = new JsonArray();
        Optional<MeshMembership> mm = sidecar.membership();
        if (mm.isPresent()) {
            for (Member m : mm.get().members()) {
                JsonArray services = new JsonArray();
                for (ServiceEndpoint s : m.metadata().services()) {
                    String health = m.metadata().fields().get(MeshMembership.HEALTH_FIELD_PREFIX + s.name());
                    services.add(new JsonObject()
                            .put("name", s.name())
                            .put("port", s.port())
                            .put("weight", s.weight())
                            .put("tags", new JsonArray(s.tags()))
                            .put("health", health));
                }
                members.add(new JsonObject()
                        .put("id", m.id())
                        .put("address", m.address())
                        .put("state", MeshMembership.state(m.state()))
                        .put("incarnation", m.incarnation())
                        .put("zone", m.zone())
                        .put("local", m.local())
                        .put("local_health", m.local() ? m.localHealth() : null)
                        .put("services", services)
                        .put("fields", new JsonObject(new java.util.TreeMap<>(m.metadata().fields()))));
            }
        }
        return new JsonObject()
                .put("enabled", mm.isPresent())
                .put("self", sidecar.config().node().id())
                .put("members", members);
    }

    JsonObject config() {
        MeshConfigState s = sidecar.meshState();
        JsonObject body = new JsonObject()
                .put("version", s.version())
                .put("digest", s.digest())
                .put("source", s.source())
                .put("applied_at", s.applied() ? Instant.ofEpochMilli(s.appliedAtMillis()).toString() : null)
                .put("yaml", s.yaml());
        if (!s.lastError().isEmpty()) {
            body.put("last_error", new JsonObject()
                    .put("at", Instant.ofEpochMilli(s.lastErrorAtMillis()).toString())
                    .put("problems", problems(s.lastError())));
        } else {
            body.putNull("last_error");
        }
        return body;
    }

    static JsonArray problems(List<ConfigProblem> problems) {
        JsonArray a = new JsonArray();
        problems.forEach(p -> a.add(p.toString()));
        return a;
    }

    private static Future<Void> json(RoutingContext ctx, int status, JsonObject body) {
        return ctx.response().setStatusCode(status).putHeader("content-type", "application/json")
                .end(body.encodePrettily());
    }
}
