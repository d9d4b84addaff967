package dev.gossamer.sidecar;

import dev.gossamer.common.Ticker;
import dev.gossamer.health.HealthState;
import dev.gossamer.health.OutlierSnapshot;
import dev.gossamer.proxy.ClusterStatus;
import dev.gossamer.proxy.RouteMatch;
import dev.gossamer.proxy.RouteSpec;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The mesh as this sidecar sees it, as one JSON document for the dashboard ({@code GET /admin/dashboard} and the
 * {@code state} messages of {@code GET /admin/events/stream}): the node, its members, the control plane, every route
 * and cluster with the state of each endpoint, and rates over the last {@link RateWindow#WINDOW}.
 *
 * <p>An endpoint's {@code state} is what the pickers use, read from the same snapshots they are built from
 * ({@link ClusterStatus}, the cluster's health filter, panic mode and slow start):
 * <ul>
 *   <li>{@code healthy}: in the picker at full weight;</li>
 *   <li>{@code slow-starting}: in the picker, its weight still ramping up ({@code slow_start});</li>
 *   <li>{@code ejected}: left out by outlier detection;</li>
 *   <li>{@code down}: left out because its active health check fails, or skipped after a refused connect;</li>
 *   <li>{@code panic}: fails the health filter but is used anyway, because too few endpoints pass it.</li>
 * </ul>
 * An endpoint of a membership-driven cluster whose member stopped advertising it (its check fails on its own node, or
 * the member is dead) is no longer an endpoint at all; {@code members} shows why.
 *
 * <p>Threading: {@link #sample} and {@link #json} run on one thread (the admin server's event loop).
 */
final class DashboardState {

    private final Sidecar sidecar;
    private final Ticker ticker;
    private final RateWindow window = new RateWindow();
    private volatile JsonObject leader = new JsonObject();

    DashboardState(Sidecar sidecar, Ticker ticker) {
        this.sidecar = sidecar;
        this.ticker = ticker;
    }

    /** What a plain sidecar last heard from the control plane about its leader (voters read their own status). */
    void leaderAnswered(String leaderId, long term) {
        leader = new JsonObject().put("leader", leaderId).put("term", term);
    }

    /** Samples every counter the rates are computed from; call about once a second. */
    void sample() {
        long now = ticker.nanoTime();
        MeterRegistry r = sidecar.registry();
        for (RouteSpec route : sidecar.dataPlane().routingTable().routes()) {
            window.record("route/" + route.name(), now, requests(r, "route", route.name()));
            window.record("route-h/" + route.name(), now, buckets(r, "route", route.name()));
        }
        for (ClusterStatus c : sidecar.dataPlane().clusters()) {
            window.record("cluster/" + c.name(), now, requests(r, "cluster", c.name()));
            window.record("cluster-h/" + c.name(), now, buckets(r, "cluster", c.name()));
            for (ClusterStatus.EndpointStatus e : c.endpoints()) {
                window.record("ep/" + c.name() + "/" + e.id(), now, e.total());
            }
        }
        window.retainRecent();
    }

    /** Total and failed (5xx, the proxy's own 502/503/504 included) requests with {@code tag=value}. */
    private static long[] requests(MeterRegistry r, String tag, String value) {
        long total = 0;
        long failed = 0;
        for (Counter c : r.find("gossamer.requests").tag(tag, value).counters()) {
            long n = (long) c.count();
            total += n;
            if ("5xx".equals(c.getId().getTag("status_class"))) {
                failed += n;
            }
        }
        return new long[] {total, failed};
    }

    /** Cumulative latency bucket counts (summed over the matching timers), in the order of {@link #bounds}. */
    private long[] buckets(MeterRegistry r, String tag, String value) {
        Map<Double, Long> sum = new TreeMap<>();
        for (Timer t : r.find("gossamer.request.duration").tag(tag, value).timers()) {
            for (CountAtBucket b : t.takeSnapshot().histogramCounts()) {
                sum.merge(b.bucket(), (long) b.count(), Long::sum);
            }
        }
        bounds = sum.keySet().stream().mapToDouble(Double::doubleValue).toArray();
        return sum.values().stream().mapToLong(Long::longValue).toArray();
    }

    /** Bucket upper bounds in nanoseconds of the last histogram read (the same for every request timer). */
    private double[] bounds = new double[0];

    /** The whole state. */
    JsonObject json() {
        JsonObject node = new JsonObject()
                .put("id", sidecar.config().node().id())
                .put("zone", sidecar.config().node().zone())
                .put("version", VersionCommand.version())
                .put("admin", sidecar.adminAddress())
                .put("ready", sidecar.ready())
                .put("draining", sidecar.dataPlane().draining());
        Optional<MeshMembership> mm = sidecar.membership();
        node.put("membership", mm.isPresent());
        node.put("joined", mm.map(m -> (Object) m.joined()).orElse(null));
        return new JsonObject()
                .put("node", node)
                .put("members", AdminServer.members(sidecar).getJsonArray("members"))
                .put("config", config())
                .put("routes", routes())
                .put("clusters", clusters())
                .put("window_seconds", RateWindow.WINDOW.toSeconds());
    }

    private JsonObject config() {
        MeshConfigState s = sidecar.meshState();
        JsonObject c = new JsonObject()
                .put("applied_version", s.version())
                .put("source", s.source())
                .put("last_error", s.lastError().isEmpty() ? null
                        : s.lastError().get(0).toString() + (s.lastError().size() > 1
                        ? " (and " + (s.lastError().size() - 1) + " more)" : ""));
        Optional<ControlLink> control = sidecar.control();
        if (control.isEmpty()) {
            return c.put("control", "none");
        }
        ControlLink link = control.get();
        c.put("control", link.isVoter() ? "voter" : "client")
                .put("committed_version", Math.max(link.committedVersion(), s.version()));
        if (link.isVoter()) {
            c.put("leader", link.knownLeader().orElse(null)).put("term", link.knownTerm());
        } else {
            JsonObject l = leader;
            c.put("leader", l.getString("leader")).put("term", l.getLong("term", 0L));
        }
        return c;
    }

    private JsonArray routes() {
        JsonArray out = new JsonArray();
        for (RouteSpec r : sidecar.dataPlane().routingTable().routes()) {
            JsonObject j = new JsonObject()
                    .put("name", r.name())
                    .put("listener", r.listener())
                    .put("match", describe(r.match()))
                    .put("cluster", r.cluster())
                    .put("timeout_ms", r.timeout().toMillis());
            rates(j, "route/" + r.name(), "route-h/" + r.name());
            out.add(j);
        }
        return out;
    }

    static String describe(RouteMatch m) {
        List<String> parts = new ArrayList<>();
        if (m.authority() != null) {
            parts.add("host " + m.authority());
        }
        if (!m.methods().isEmpty()) {
            parts.add(String.join("|", new java.util.TreeSet<>(m.methods())));
        }
        if (m.path() != null) {
            parts.add("path = " + m.path());
        } else if (m.pathPrefix() != null) {
            parts.add("prefix " + m.pathPrefix());
        } else if (m.pathRegex() != null) {
            parts.add("regex " + m.pathRegex().pattern());
        }
        if (!m.headers().isEmpty()) {
            parts.add(m.headers().size() + " header condition(s)");
        }
        return parts.isEmpty() ? "any" : String.join(", ", parts);
    }

    /** Puts req/s, success rate and p50/p99 (ms) over the window; null where there is nothing to say yet. */
    private void rates(JsonObject j, String countKey, String histKey) {
        long[] d = window.delta(countKey);
        if (d == null) {
            j.putNull("rps").putNull("success_rate").putNull("p50_ms").putNull("p99_ms");
            return;
        }
        j.put("rps", round(RateWindow.perSecond(d[0], d[2])));
        j.put("success_rate", d[0] == 0 ? null : round((d[0] - d[1]) / (double) d[0]));
        long[] h = window.delta(histKey);
        if (h == null || h.length - 1 != bounds.length || d[0] == 0) {
            j.putNull("p50_ms").putNull("p99_ms");
            return;
        }
        long[] counts = java.util.Arrays.copyOf(h, h.length - 1);
        double[] b = bounds.clone();
        if (b.length > 0 && counts[counts.length - 1] < d[0]) {
            // Micrometer omits the +Inf bucket: requests beyond the last bound count there.
            b = java.util.Arrays.copyOf(b, b.length + 1);
            b[b.length - 1] = Double.POSITIVE_INFINITY;
            counts = java.util.Arrays.copyOf(counts, counts.length + 1);
            counts[counts.length - 1] = d[0];
        }
        j.put("p50_ms", ms(RateWindow.quantile(0.5, b, counts)));
        j.put("p99_ms", ms(RateWindow.quantile(0.99, b, counts)));
    }

    private static Double ms(double nanos) {
        return Double.isNaN(nanos) ? null : round(nanos / 1e6);
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    private JsonArray clusters() {
        JsonArray out = new JsonArray();
        for (ClusterStatus c : sidecar.dataPlane().clusters()) {
            ClusterHealth health = sidecar.health(c.name()).orElse(null);
            Set<String> ramping = sidecar.dataPlane().slowStarting(c.name());
            JsonArray eps = new JsonArray();
            Map<String, Long> epCounts = new HashMap<>();
            long windowTotal = 0;
            for (ClusterStatus.EndpointStatus e : c.endpoints()) {
                long[] d = window.delta("ep/" + c.name() + "/" + e.id());
                long n = d == null ? 0 : d[0];
                epCounts.put(e.id(), n);
                windowTotal += n;
            }
            for (ClusterStatus.EndpointStatus e : c.endpoints()) {
                String[] st = endpointState(c, e, health, ramping);
                long[] d = window.delta("ep/" + c.name() + "/" + e.id());
                long n = epCounts.get(e.id());
                eps.add(new JsonObject()
                        .put("id", e.id())
                        .put("address", e.address())
                        .put("weight", e.weight())
                        .put("state", st[0])
                        .put("detail", st[1])
                        .put("active_requests", e.active())
                        .put("requests", e.total())
                        .put("rps", d == null ? null : round(RateWindow.perSecond(n, d[1])))
                        .put("share", windowTotal == 0 ? null : round(n / (double) windowTotal))
                        .put("failures", e.connectFailures() + e.resets() + e.timeouts() + e.http5xx()));
            }
            JsonObject j = new JsonObject()
                    .put("name", c.name())
                    .put("policy", c.policy())
                    .put("panic", c.panic())
                    .put("active_requests", c.active())
                    .put("endpoints", eps);
            rates(j, "cluster/" + c.name(), "cluster-h/" + c.name());
            out.add(j);
        }
        return out;
    }

    /** The state word and a detail sentence of one endpoint, as the picker sees it (see the class comment). */
    static String[] endpointState(ClusterStatus c, ClusterStatus.EndpointStatus e, ClusterHealth health,
                                  Set<String> ramping) {
        OutlierSnapshot o = health == null ? null : health.outlier(e.id());
        HealthState active = health == null ? null : health.activeState(e.id());
        String why = o != null && o.ejected() ? "ejected by outlier detection"
                + o.lastEjectionReason().map(r -> " (" + r + ")").orElse("")
                : active == HealthState.UNHEALTHY ? "health check failing"
                : active == HealthState.UNKNOWN ? "health check not passed yet" : "fails the health filter";
        if (!e.eligible()) {
            if (c.panic()) {
                return new String[] {"panic", why + ", but used: too few endpoints pass (panic mode)"};
            }
            if (o != null && o.ejected()) {
                return new String[] {"ejected", why};
            }
            return new String[] {"down", why};
        }
        if (e.down()) {
            // The picker skips marked endpoints unless every usable one is marked: then it tries them all anyway.
            boolean allMarked = c.endpoints().stream().filter(ClusterStatus.EndpointStatus::eligible)
                    .allMatch(ClusterStatus.EndpointStatus::down);
            return new String[] {"down", allMarked ? "connect refused, but tried anyway: every usable endpoint is "
                    + "marked" : "connect refused; skipped for " + e.downForMillis() + " ms more"};
        }
        if (ramping.contains(e.id())) {
            return new String[] {"slow-starting", "weight ramping up after it became usable"};
        }
        return new String[] {"healthy", active == HealthState.HEALTHY ? "health check passing" : "in the picker"};
    }
}
