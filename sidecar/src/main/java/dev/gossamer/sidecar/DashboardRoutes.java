package dev.gossamer.sidecar;

import dev.gossamer.common.Scheduler;
import dev.gossamer.common.Ticker;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The live dashboard, mounted on the admin router by {@link AdminServer}:
 * <ul>
 *   <li>{@code GET /}, {@code /dashboard.js}, {@code /dashboard.css}: the page, its script and its style, served from
 *       the jar's resources under a strict Content-Security-Policy (no inline script or style, nothing from another
 *       origin), so it needs no build tool chain and works in an air-gapped cluster;</li>
 *   <li>{@code GET /admin/dashboard}: the state ({@link DashboardState}) as JSON;</li>
 *   <li>{@code GET /admin/events[?since=N]}: the recent events ({@link Events}) as JSON;</li>
 *   <li>{@code GET /admin/events/stream}: server-sent events: the backlog of events, then each new {@code event} as
 *       it happens and the whole {@code state} every {@link #STATE_INTERVAL}.</li>
 * </ul>
 * Every one of them passes {@link AdminGuard} like the rest of the admin API; the page and its two assets hold no
 * state and are served without the bearer token, so that the page can ask for it.
 *
 * <p>Threading: handlers run on the admin server's event loop; one sampling task runs there while a stream is
 * open; events from other threads hop onto it before they are written.
 */
final class DashboardRoutes {

    /** How often a stream gets the whole state: a person reads a second-old number as live. */
    static final Duration STATE_INTERVAL = Duration.ofSeconds(1);

    /** No inline script or style, nothing from elsewhere, no framing, no form posts. */
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
            + "img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private final Sidecar sidecar;
    private final Scheduler scheduler;
    private final DashboardState state;
    private final List<Stream> streams = new CopyOnWriteArrayList<>();
    private Context context; // the admin server's, set on the first request
    private boolean ticking; // on the context
    private boolean pushPending; // on the context
    private int ticks; // on the context

    /** One open server-sent-event stream. */
    private record Stream(HttpServerResponse response, AutoCloseable subscription) {
    }

    DashboardRoutes(Sidecar sidecar, Scheduler scheduler, Ticker ticker) {
        this.sidecar = sidecar;
        this.scheduler = scheduler;
        this.state = new DashboardState(sidecar, ticker);
    }

    /** Adds the dashboard's routes to the admin router (after {@link AdminGuard}). */
    void mount(Router router) {
        Buffer html = resource("dashboard.html");
        Buffer js = resource("dashboard.js");
        Buffer css = resource("dashboard.css");
        router.get("/").handler(ctx -> asset(ctx, "text/html; charset=utf-8", html));
        router.get("/dashboard.js").handler(ctx -> asset(ctx, "text/javascript; charset=utf-8", js));
        router.get("/dashboard.css").handler(ctx -> asset(ctx, "text/css; charset=utf-8", css));
        router.get("/favicon.ico").handler(ctx -> ctx.response().setStatusCode(204).end()); // browsers ask for it
        router.get("/admin/dashboard").handler(ctx -> {
            remember(ctx);
            if (!ticking) {
                state.sample();
                askLeader(); // a plain sidecar's answer shows from the next read on
            }
            json(ctx, state.json());
        });
        router.get("/admin/events").handler(this::events);
        router.get("/admin/events/stream").handler(this::stream);
    }

    /** The open streams, for tests. */
    int streams() {
        return streams.size();
    }

    private void remember(RoutingContext ctx) {
        if (context == null) {
            context = Vertx.currentContext();
        }
    }

    private static void asset(RoutingContext ctx, String type, Buffer body) {
        ctx.response()
                .putHeader("content-type", type)
                .putHeader("content-security-policy", CSP)
                .putHeader("x-content-type-options", "nosniff")
                .putHeader("referrer-policy", "no-referrer")
                .putHeader("cache-control", "no-cache")
                .end(body);
    }

    private void events(RoutingContext ctx) {
        String since = ctx.request().getParam("since");
        long after = 0;
        if (since != null) {
            try {
                after = Long.parseLong(since.trim());
            } catch (NumberFormatException e) {
                ctx.response().setStatusCode(400).putHeader("content-type", "application/json")
                        .end(new JsonObject().put("error", "since: " + since + " (expected: an event seq number)")
                                .encodePrettily());
                return;
            }
        }
        JsonArray a = new JsonArray();
        sidecar.events().since(after).forEach(e -> a.add(e.toJson()));
        json(ctx, new JsonObject().put("events", a));
    }

    private void stream(RoutingContext ctx) {
        remember(ctx);
        HttpServerResponse resp = ctx.response();
        resp.setChunked(true)
                .putHeader("content-type", "text/event-stream; charset=utf-8")
                .putHeader("cache-control", "no-cache")
                .putHeader("x-accel-buffering", "no");
        long after = 0;
        String last = ctx.request().getHeader("last-event-id");
        if (last != null) {
            try {
                after = Long.parseLong(last.trim());
            } catch (NumberFormatException ignored) {
                // a foreign id: send the whole backlog
            }
        }
        resp.write("retry: 2000\n\n");
        state.sample();
        write(resp, "state", null, state.json());
        for (Events.Event e : sidecar.events().since(after)) {
            write(resp, "event", e.seq(), e.toJson());
        }
        Context c = context;
        AutoCloseable sub = sidecar.events().subscribe(e -> c.runOnContext(v -> {
            if (!resp.closed() && !resp.ended()) {
                write(resp, "event", e.seq(), e.toJson());
                pushSoon();
            }
        }));
        Stream s = new Stream(resp, sub);
        streams.add(s);
        resp.closeHandler(v -> close(s));
        resp.exceptionHandler(err -> close(s));
        if (!ticking) {
            ticking = true;
            scheduleTick();
        }
    }

    private void close(Stream s) {
        if (streams.remove(s)) {
            try {
                s.subscription().close();
            } catch (Exception ignored) {
                // removing a subscriber does not fail
            }
        }
    }

    private void scheduleTick() {
        Context c = context;
        scheduler.schedule(STATE_INTERVAL, () -> c.runOnContext(v -> tick()));
    }

    /** Once a second while a stream is open: sample, and send the state to every stream that keeps up. */
    private void tick() {
        if (streams.isEmpty()) {
            ticking = false;
            return;
        }
        state.sample();
        if (ticks++ % 5 == 0) {
            askLeader();
        }
        JsonObject json = state.json();
        for (Stream s : streams) {
            if (s.response().closed()) {
                close(s);
            } else if (!s.response().writeQueueFull()) {
                write(s.response(), "state", null, json); // a slow reader skips states; the next one supersedes
            }
        }
        scheduleTick();
    }

    /**
     * An event changes the state (a member turned suspect): every stream gets the new state at once rather than at
     * the next tick, so a short-lived state is seen. Events that arrive together share one push.
     */
    private void pushSoon() {
        if (pushPending) {
            return;
        }
        pushPending = true;
        context.runOnContext(v -> {
            pushPending = false;
            JsonObject json = state.json();
            for (Stream s : streams) {
                if (!s.response().closed() && !s.response().writeQueueFull()) {
                    write(s.response(), "state", null, json);
                }
            }
        });
    }

    /** A plain sidecar asks the control plane who leads (a voter knows from its own Raft status). */
    private void askLeader() {
        sidecar.control().filter(c -> !c.isVoter()).ifPresent(c -> c.leader().onSuccess(li ->
                state.leaderAnswered(li.leader().orElse(null), li.term())));
    }

    private static void write(HttpServerResponse resp, String event, Long id, JsonObject data) {
        StringBuilder b = new StringBuilder();
        if (id != null) {
            b.append("id: ").append(id).append('\n');
        }
        b.append("event: ").append(event).append('\n').append("data: ").append(data.encode()).append("\n\n");
        resp.write(b.toString());
    }

    private static void json(RoutingContext ctx, JsonObject body) {
        ctx.response().putHeader("content-type", "application/json").end(body.encodePrettily());
    }

    private static Buffer resource(String name) {
        try (InputStream in = DashboardRoutes.class.getResourceAsStream("/dashboard/" + name)) {
            if (in == null) {
                throw new IllegalStateException("the jar lacks /dashboard/" + name);
            }
            return Buffer.buffer(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
