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
import io.vertx.ext.web.handler.BodyHandler;
import dev.gossamer.control.ConfigVersion;
import dev.gossamer.control.ControlOptions;
import dev.gossamer.control.LeaderInfo;
import dev.gossamer.control.VersionInfo;
import dev.gossamer.control.WriteResult;
import java.util.OptionalLong;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The per-sidecar admin API (bound to 127.0.0.1 by default): Kubernetes probes, Prometheus metrics, cluster and
 * config state, reload, drain and exit; the dashboard and the event feed are {@link DashboardRoutes}. JSON shapes are
 * documented in {@code docs/admin-api.md}.
 *
 * <p>Threading: handlers run on the admin server's event loop and only read immutable snapshots.
 */
final class AdminServer {

    static final String PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final Vertx vertx;
    private final Sidecar sidecar;
    private HttpServer server;
    private DashboardRoutes dashboard;

    AdminServer(Vertx vertx, Sidecar sidecar) {
        this.vertx = vertx;
        this.sidecar = sidecar;
    }

    Future<Void> listen(String host, int port) {
        Router router = Router.router(vertx);
        router.route().handler(new AdminGuard(host, sidecar.adminToken(), sidecar.registry()));
        router.get("/ready").handler(this::ready);
        router.get("/live").handler(ctx -> ctx.response().end("live\n"));
        router.get("/metrics").handler(ctx -> ctx.response()
                .putHeader("content-type", PROMETHEUS_CONTENT_TYPE)
                .end(sidecar.registry().scrape()));
        router.get("/admin/clusters").handler(ctx -> json(ctx, 200, clusters(sidecar)));
        router.get("/admin/config").handler(this::getConfig);
        router.put("/admin/config").handler(BodyHandler.create().setBodyLimit(ControlOptions.DEFAULT_MAX_CONFIG_BYTES))
                .handler(this::putConfig);
        router.get("/admin/config/history").handler(this::history);
        router.post("/admin/config/rollback").handler(this::rollback);
        router.get("/admin/leader").handler(this::leader);
        router.get("/admin/members").handler(ctx -> json(ctx, 200, members(sidecar)));
        router.post("/admin/reload").handler(this::reload);
        router.get("/admin/logging").handler(ctx -> json(ctx, 200, logging()));
        router.post("/admin/logging").handler(this::setLogLevel);
        router.post("/admin/drain").handler(ctx -> {
            sidecar.drain();
            json(ctx, 202, new JsonObject().put("draining", true));
        });
        router.post("/quitquitquit").handler(ctx -> {
            // Answer first, and shut down once the answer is written: the admin server itself closes at the end
            // of the shutdown, and an HTTP/2 caller must see the answer before the GOAWAY.
            json(ctx, 202, new JsonObject().put("exiting", true)).onComplete(v -> sidecar.shutdown());
        });
        dashboard = new DashboardRoutes(sidecar, sidecar.scheduler(), sidecar.ticker());
        dashboard.mount(router);
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

    /** {@code POST /admin/logging?level=debug[&logger=dev.gossamer.proxy]}: a level at run time (root by default). */
    private void setLogLevel(RoutingContext ctx) {
        String name = ctx.request().getParam("level");
        String logger = ctx.request().getParam("logger", "");
        java.util.Optional<java.util.logging.Level> level = Logging.level(name);
        if (level.isEmpty()) {
            json(ctx, 400, new JsonObject().put("error", "level " + (name == null ? "missing" : "\"" + name + "\"")
                    + " (expected: ?level= one of " + Logging.levelNames() + ", and optionally &logger=NAME)"));
            return;
        }
        Logging.setLevel(logger, level.get());
        org.slf4j.LoggerFactory.getLogger(AdminServer.class).info("log level of {} set to {} through the admin API",
                logger.isEmpty() ? "the root logger" : logger, name);
        json(ctx, 200, logging());
    }

    private static JsonObject logging() {
        JsonObject levels = new JsonObject();
        Logging.levelsSet().forEach((k, v) -> levels.put(k.isEmpty() ? "root" : k, v));
        return new JsonObject().put("levels", levels);
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
                        .put("config_version", m.metadata().fields().get(MeshMembership.CONFIG_VERSION))
                        .put("services", services)
                        .put("fields", new JsonObject(new java.util.TreeMap<>(m.metadata().fields()))));
            }
        }
        return new JsonObject()
                .put("enabled", mm.isPresent())
                // false: this node has not joined through any seed yet and sees only itself (see the log)
                .put("joined", mm.map(m -> (Object) m.joined()).orElse(null))
                .put("self", sidecar.config().node().id())
                .put("members", members);
    }

    JsonObject config() {
        MeshConfigState s = sidecar.meshState();
        Optional<ControlLink> control = sidecar.control();
        JsonObject body = new JsonObject()
                .put("version", s.version())
                .put("applied_version", s.version())
                .put("committed_version", control.map(c -> (Object) Math.max(c.committedVersion(), s.version()))
                        .orElse(null))
                .put("control", control.map(c -> c.isVoter() ? "voter" : "client").orElse("none"))
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

    // ---- the control plane: versions, writes, leader ----

    /** {@code GET /admin/config}, or {@code ?version=N}: that committed version from the control plane. */
    private void getConfig(RoutingContext ctx) {
        String v = ctx.request().getParam("version");
        if (v == null) {
            json(ctx, 200, config());
            return;
        }
        withControl(ctx, c -> {
            long version = longParam(ctx, "version", v, 1);
            if (version < 0) {
                return;
            }
            c.get(version).onComplete(ar -> {
                if (ar.failed()) {
                    unavailable(ctx, ar.cause());
                } else if (ar.result().isEmpty()) {
                    json(ctx, 404, new JsonObject().put("error", "version " + version + " (expected: a committed "
                            + "version; see /admin/config/history)"));
                } else {
                    ConfigVersion cv = ar.result().get();
                    json(ctx, 200, info(cv.info()).put("yaml", cv.yaml()));
                }
            });
        });
    }

    /**
     * {@code PUT /admin/config[?if_version=N]} with the YAML as body: validated by the leader before the log, then
     * committed by a majority. 200 with the version, 400 with every problem, 409 when {@code if_version} is not the
     * latest version.
     */
    private void putConfig(RoutingContext ctx) {
        withControl(ctx, c -> {
            if (!writeAllowed(ctx)) {
                return;
            }
            String ifParam = ctx.request().getParam("if_version");
            OptionalLong ifVersion = OptionalLong.empty();
            if (ifParam != null) {
                long n = longParam(ctx, "if_version", ifParam, 0);
                if (n < 0) {
                    return;
                }
                ifVersion = OptionalLong.of(n);
            }
            String yaml = ctx.body().asString("UTF-8");
            if (yaml == null || yaml.isBlank()) {
                json(ctx, 400, new JsonObject().put("problems", new JsonArray().add("admin-api:1:1: $: an empty body "
                        + "(expected: the whole mesh config as YAML)")));
                return;
            }
            c.put(yaml, ifVersion, "admin-api", author(ctx)).onComplete(ar -> written(ctx, ar));
        });
    }

    /** {@code POST /admin/config/rollback?version=N}: commits version N's text again, as a new version. */
    private void rollback(RoutingContext ctx) {
        withControl(ctx, c -> {
            if (!writeAllowed(ctx)) {
                return;
            }
            long version = longParam(ctx, "version", ctx.request().getParam("version"), 1);
            if (version < 0) {
                return;
            }
            c.rollback(version, "rollback to " + version, author(ctx)).onComplete(ar -> written(ctx, ar));
        });
    }

    private void written(RoutingContext ctx, io.vertx.core.AsyncResult<WriteResult> ar) {
        if (ar.failed()) {
            unavailable(ctx, ar.cause());
            return;
        }
        WriteResult r = ar.result();
        if (r instanceof WriteResult.Committed c) {
            json(ctx, 200, new JsonObject().put("version", c.version()).put("digest", c.digest())
                    .put("created", c.created()));
        } else if (r instanceof WriteResult.Rejected rej) {
            json(ctx, 400, new JsonObject().put("problems", new JsonArray(rej.problems())));
        } else if (r instanceof WriteResult.Conflict conflict) {
            json(ctx, 409, new JsonObject().put("error", "if_version is not the latest version")
                    .put("current_version", conflict.currentVersion()));
        }
    }

    private void history(RoutingContext ctx) {
        withControl(ctx, c -> c.history().onComplete(ar -> {
            if (ar.failed()) {
                unavailable(ctx, ar.cause());
                return;
            }
            JsonArray versions = new JsonArray();
            ar.result().forEach(v -> versions.add(info(v)));
            json(ctx, 200, new JsonObject().put("versions", versions));
        }));
    }

    private void leader(RoutingContext ctx) {
        withControl(ctx, c -> c.leader().onComplete(ar -> {
            if (ar.failed()) {
                unavailable(ctx, ar.cause());
                return;
            }
            LeaderInfo li = ar.result();
            JsonArray voters = new JsonArray();
            li.voters().forEach(v -> voters.add(new JsonObject().put("id", v.id()).put("address", v.address())
                    .put("role", v.role().name().toLowerCase(java.util.Locale.ROOT)).put("last_index", v.lastIndex())));
            json(ctx, 200, new JsonObject().put("leader", li.leader().orElse(null)).put("term", li.term())
                    .put("voters", voters));
        }));
    }

    private static JsonObject info(VersionInfo v) {
        return new JsonObject().put("version", v.version())
                .put("time", Instant.ofEpochMilli(v.committedAt()).toString())
                .put("source", v.source()).put("author", v.author()).put("digest", v.digest());
    }

    private void withControl(RoutingContext ctx, java.util.function.Consumer<ControlLink> then) {
        Optional<ControlLink> c = sidecar.control();
        if (c.isEmpty()) {
            json(ctx, 409, new JsonObject().put("error", "no control plane: this node reads mesh_config from its file "
                    + "(expected: a control: section in sidecar.yaml)"));
            return;
        }
        then.accept(c.get());
    }

    /**
     * A config write from beyond this machine must carry the bearer token; {@link AdminGuard} has checked it when one
     * is configured, so here only a remote caller without any configured token is refused.
     */
    private boolean writeAllowed(RoutingContext ctx) {
        io.vertx.core.net.SocketAddress remote = ctx.request().remoteAddress();
        if (configWriteAllowed(remote == null ? null : remote.hostAddress(), sidecar.adminToken().isPresent())) {
            return true;
        }
        json(ctx, 401, new JsonObject().put("error", "config writes from beyond this machine need a bearer token "
                + "(expected: a write from loopback, or control.token_file configured and its token sent)"));
        return false;
    }

    /**
     * Whether a config write from {@code remoteHost} may proceed: from loopback always; from beyond it only when a
     * token is configured (then {@link AdminGuard} has already checked that the request carries it).
     */
    static boolean configWriteAllowed(String remoteHost, boolean tokenConfigured) {
        return remoteHost == null || AdminGuard.loopback(remoteHost) || tokenConfigured;
    }

    private static String author(RoutingContext ctx) {
        String a = ctx.request().getHeader("x-gossamer-author");
        io.vertx.core.net.SocketAddress remote = ctx.request().remoteAddress();
        return a != null ? a : remote == null ? "" : remote.hostAddress();
    }

    /** The value of a number parameter of at least {@code min}, or -1 after answering 400. */
    private static long longParam(RoutingContext ctx, String name, String value, long min) {
        try {
            long v = Long.parseLong(value == null ? "" : value.trim());
            if (v >= min) {
                return v;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        json(ctx, 400, new JsonObject().put("error", name + ": " + value + " (expected: a version number >= " + min + ")"));
        return -1;
    }

    private static void unavailable(RoutingContext ctx, Throwable cause) {
        json(ctx, 503, new JsonObject().put("error", "control plane unavailable: " + cause.getMessage()
                + " (expected: a majority of voters reachable)"));
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
