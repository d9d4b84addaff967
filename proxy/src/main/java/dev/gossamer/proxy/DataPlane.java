package dev.gossamer.proxy;

import dev.gossamer.vertx.VertxScheduler;
import dev.gossamer.balancer.Endpoint;
import dev.gossamer.balancer.HashKeys;
import dev.gossamer.common.ErrorReports;
import dev.gossamer.common.RandomSource;
import dev.gossamer.common.Scheduler;
import dev.gossamer.common.Ticker;
import dev.gossamer.common.WallClock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Gossamer's HTTP data plane: listeners that accept HTTP/1.1 and h2c, a routing snapshot swapped atomically by
 * {@link #apply}, per-cluster connection pools and pickers, forwarding with timeouts, retries within a budget,
 * dead-endpoint skipping, metrics, and graceful drain.
 *
 * <p>Lifecycle: {@link #create} → {@link #apply} (any time, as often as needed) → {@link #start} →
 * {@link #drain}. Requests arriving before the first {@code apply} answer 404 "no route".
 *
 * <p>Answers of its own, each with an {@code x-gossamer-reason} header: 404 "no route", 503 "no healthy
 * endpoint", 503 "circuit breaker max_requests" / "… max_pending_requests" / "… max_connections" (a
 * {@link CircuitBreakers} limit; with {@code x-gossamer-overloaded: true}), 502 "upstream connect failure" /
 * "upstream reset", 504 "upstream timeout", 408 "request body timeout" (a timeout while the proxy was still waiting
 * for the client's request body), 408 "request headers timeout" (the head did not arrive within the listener's
 * {@code request_headers_timeout}; {@link ListenerSpec}), 417 "unsupported expectation" (an {@code Expect} other
 * than {@code 100-continue}; {@link ExpectHeader}), and 502 "proxy error" when
 * the proxy itself failed unexpectedly (logged; the request is never left waiting). Each is made by
 * {@link LocalReply}: a body naming the reason (text, or JSON when {@code Accept} asks for it), and for a gRPC
 * request a trailers-only gRPC response ({@code grpc-status} 14, 4, 12, ... and {@code grpc-message}). Vert.x itself answers
 * 400 (malformed), 414 (request line too long) and 431 (headers over {@link DataPlaneOptions#maxHeaderSize()}).
 * {@code 100 Continue} is the proxy's, sent once a try is connected; a request refused before it, and any answer
 * with {@code Connection: close}, closes an HTTP/1.1 connection, and nothing pipelined behind it is served
 * (docs/design.md, "Expect: 100-continue").
 *
 * <p>Metrics (Micrometer names; Prometheus renders dots as underscores, e.g. {@code gossamer_requests_total}):
 * {@code gossamer.requests} (counter; route, cluster, status_class, response_flags: {@link RequestLabels}, with route
 * and cluster {@code none} for a request no route matched), {@code gossamer.grpc.requests} (counter of gRPC
 * calls; route, cluster, grpc_status: the code's name, from the endpoint's trailers or the proxy's own answer),
 * {@code gossamer.request.duration} (timer
 * with percentile histogram; route, cluster), {@code gossamer.active.requests} (gauge),
 * {@code gossamer.retries}, {@code gossamer.retry.budget.exhausted}, {@code gossamer.upstream.connect.errors},
 * {@code gossamer.upstream.resets}, {@code gossamer.upstream.timeouts}, {@code gossamer.downstream.aborts} (the client
 * reset or closed before the end of the exchange), {@code gossamer.downstream.timeouts} (a timeout while waiting for
 * the client's request body), {@code gossamer.response.timeouts} (the route timeout fired during the response body:
 * the downstream was reset) (counters; cluster); {@code gossamer.breaker.overflows} (counter; cluster, breaker);
 * {@code gossamer.downstream.connections} (gauge; listener), {@code gossamer.downstream.connections.refused} and
 * {@code gossamer.downstream.header.timeouts} (counters; listener); none of the downstream ones is reported to {@link OutcomeListener}s. Only with
 * {@link DataPlaneOptions#perEndpointMetrics()}: {@code gossamer.upstream.requests} (cluster, endpoint, outcome).
 *
 * <p>Access log: {@link #accessLog} installs an {@link AccessLog} that hears every finished request
 * ({@link AccessLogWriter} writes them off the event loop). Every response carries {@code x-request-id}: the client's,
 * or one generated (and sent to the endpoint).
 *
 * <p>Threading: every public method is thread-safe. {@code apply}, {@code setEndpoints} and
 * {@code setEndpointFilter} build new immutable snapshots under a lock and publish them with one volatile write;
 * the request path reads them without locks. Requests in flight finish on the snapshot they started on.
 */
public final class DataPlane {

    private static final AtomicInteger RANDOM_PORT_KEYS = new AtomicInteger();

    final DataPlaneOptions options;
    final Ticker ticker;
    final Scheduler scheduler;
    final RandomSource random;
    final AtomicInteger active = new AtomicInteger();
    final RouteMetrics noRouteMetrics;
    private final ErrorReports listenerErrors;
    volatile AccessLog accessLog; // null: no access log (the request path then builds no entry)
    volatile WallClock wallClock = WallClock.system();

    private final Vertx vertx;
    private final MeterRegistry registry;
    private final List<OutcomeListener> outcomeListeners = new CopyOnWriteArrayList<>();
    private final Map<String, List<Endpoint>> dynamicEndpoints = new ConcurrentHashMap<>();
    private final Map<String, Predicate<Endpoint>> filters = new ConcurrentHashMap<>();
    private final Map<String, Integer> boundPorts = new ConcurrentHashMap<>();
    private final Map<String, ListenerGuard> guards = new ConcurrentHashMap<>();
    private final List<HttpServer> servers = new CopyOnWriteArrayList<>();
    private final List<String> deployments = new CopyOnWriteArrayList<>();

    private volatile Snapshot snapshot;
    private volatile Function<ClusterSpec, Upstream> upstreams; // null: H1Upstream / VertxUpstream by protocol
    private volatile boolean draining;
    private boolean started; // guarded by this
    private Future<Void> drained; // guarded by this

    /** The routing state one request sees from start to end. Immutable. */
    static final class Snapshot {
        final RoutingTable table;
        final Map<String, ClusterState> clusters;
        final Map<String, RouteMetrics> routeMetrics;

        Snapshot(RoutingTable table, Map<String, ClusterState> clusters, Map<String, RouteMetrics> routeMetrics) {
            this.table = table;
            this.clusters = clusters;
            this.routeMetrics = routeMetrics;
        }
    }

    /**
     * Pre-built meters of one route, so the request path never looks meters up by tags: a counter per status class
     * and {@link RequestLabels.Flag} (the endpoint's own answers, flag {@code -}, are registered up front; a flagged
     * combination on its first use, then kept), and the latency timer.
     */
    static final class RouteMetrics {
        private static final RequestLabels.Flag[] FLAGS = RequestLabels.Flag.values();
        private final MeterRegistry registry;
        private final String route;
        private final String cluster;
        private final Counter[][] counters = new Counter[6][FLAGS.length];
        private final Timer latency;
        // gRPC calls by grpc-status (issue 15): registered on first use, so routes without gRPC add no series.
        private final java.util.concurrent.atomic.AtomicReferenceArray<Counter> byGrpcStatus =
                new java.util.concurrent.atomic.AtomicReferenceArray<>(Grpc.NAMES.length + 1);

        RouteMetrics(MeterRegistry registry, String route, String cluster) {
            this.registry = registry;
            this.route = route;
            this.cluster = cluster;
            for (int i = 1; i <= 5; i++) {
                counters[i][RequestLabels.Flag.NONE.ordinal()] = counter(i, RequestLabels.Flag.NONE);
            }
            latency = Timer.builder("gossamer.request.duration").tags("route", route, "cluster", cluster)
                    .description("Downstream request duration, from the request head to the end of the response")
                    .publishPercentileHistogram().register(registry);
        }

        private Counter counter(int statusClass, RequestLabels.Flag flag) {
            return Counter.builder("gossamer.requests")
                    .description("Downstream requests by route, cluster, status class and response flag")
                    .tags("route", route, "cluster", cluster, "status_class", statusClass + "xx",
                            "response_flags", flag.code())
                    .register(registry);
        }

        void record(int status, RequestLabels.Flag flag, long nanos) {
            int c = RequestLabels.statusClassIndex(status);
            Counter counter = counters[c][flag.ordinal()];
            if (counter == null) {
                // Racing event loops may both register: Micrometer returns the one meter for the same id.
                counter = counter(c, flag);
                counters[c][flag.ordinal()] = counter;
            }
            counter.increment();
            latency.record(nanos, TimeUnit.NANOSECONDS);
        }

        /** One gRPC call ended with {@code code} (an undefined code counts as UNKNOWN's neighbour "OTHER"). */
        void recordGrpc(int code) {
            int i = code >= 0 && code < Grpc.NAMES.length ? code : Grpc.NAMES.length;
            Counter c = byGrpcStatus.get(i);
            if (c == null) {
                c = Counter.builder("gossamer.grpc.requests")
                        .description("gRPC calls by route, cluster and final grpc-status")
                        .tags("route", route, "cluster", cluster, "grpc_status",
                                i < Grpc.NAMES.length ? Grpc.NAMES[i] : "OTHER")
                        .register(registry);
                byGrpcStatus.set(i, c); // a race registers the same meter twice: Micrometer returns the same one
            }
            c.increment();
        }
    }

    private DataPlane(Vertx vertx, DataPlaneOptions options, MeterRegistry registry, Scheduler scheduler,
                      RandomSource random) {
        this.vertx = vertx;
        this.options = options;
        this.registry = registry;
        this.scheduler = scheduler;
        this.ticker = scheduler.ticker();
        this.listenerErrors = new ErrorReports(ticker, DataPlane.class.getName(), "forwarding goes on");
        this.random = random;
        this.noRouteMetrics = new RouteMetrics(registry, RequestLabels.NONE, RequestLabels.NONE);
        this.snapshot = new Snapshot(RoutingTable.empty(), Map.of(), Map.of());
        io.micrometer.core.instrument.Gauge.builder("gossamer.active.requests", active, AtomicInteger::get)
                .description("Downstream requests in flight").register(registry);
    }

    /** A data plane whose timers run on Vert.x ({@link VertxScheduler}) and measure with {@code ticker}. */
    public static DataPlane create(Vertx vertx, DataPlaneOptions options, MeterRegistry registry, Ticker ticker,
                                   RandomSource random) {
        Objects.requireNonNull(vertx, "vertx");
        return create(vertx, options, registry, new VertxScheduler(vertx, Objects.requireNonNull(ticker, "ticker")),
                random);
    }

    /** A data plane with an explicit scheduler (its ticker is the data plane's clock); for tests and wiring. */
    public static DataPlane create(Vertx vertx, DataPlaneOptions options, MeterRegistry registry,
                                   Scheduler scheduler, RandomSource random) {
        return new DataPlane(Objects.requireNonNull(vertx, "vertx"), Objects.requireNonNull(options, "options"),
                Objects.requireNonNull(registry, "registry"), Objects.requireNonNull(scheduler, "scheduler"),
                Objects.requireNonNull(random, "random"));
    }

    // ---- listeners ----

    /**
     * Binds every listener, {@link DataPlaneOptions#acceptorInstances()} servers each on their own event loop.
     * A port-0 listener binds once and the other instances share the port it got. Fails if any bind fails.
     * Call once.
     */
    public Future<Void> start(List<ListenerSpec> listeners) {
        synchronized (this) {
            if (started || draining) {
                return Future.failedFuture(new IllegalStateException("start: called twice or after drain"));
            }
            started = true;
        }
        Set<String> names = new HashSet<>();
        for (ListenerSpec l : listeners) {
            if (!names.add(l.name())) {
                return Future.failedFuture(new IllegalArgumentException("listeners: duplicate name " + l.name()
                        + " (expected: unique names)"));
            }
        }
        Future<Void> chain = Future.succeededFuture();
        for (ListenerSpec l : listeners) {
            chain = chain.compose(v -> startListener(l));
        }
        return chain;
    }

    private Future<Void> startListener(ListenerSpec l) {
        // Vert.x shares one bound socket among servers listening on the same positive port; for port 0 it
        // shares a random port among servers listening on the same negative port, so each port-0 listener gets
        // its own negative key.
        int port = l.port() == 0 ? RANDOM_PORT_KEYS.decrementAndGet() : l.port();
        // Netty's HTTP/1.1 server takes the connections that are not HTTP/2 (DataPlaneOptions.http1Server).
        ListenerGuard.Http1Takeover h1 = options.http1Server() == DataPlaneOptions.Http1Server.NETTY
                ? new H1Connection.Setup(options, l.name(), this::serve, this::draining) : null;
        guards.put(l.name(), new ListenerGuard(l, registry, h1,
                options.maxInitialLineLength() + options.maxHeaderSize() + 4));
        return deploy(l, port, options.acceptorInstances());
    }

    private Future<Void> deploy(ListenerSpec l, int port, int instances) {
        return vertx.deployVerticle(() -> new ListenerVerticle(l, port),
                new DeploymentOptions().setInstances(instances)).map(id -> {
                    deployments.add(id);
                    return null;
                });
    }

    private HttpServerOptions serverOptions() {
        HttpServerOptions o = new HttpServerOptions()
                .setMaxHeaderSize(options.maxHeaderSize())
                .setMaxInitialLineLength(options.maxInitialLineLength())
                .setHttp2ClearTextEnabled(true)
                .setUseAlpn(false)
                // Exchange answers 100-continue itself, once a try is connected: Vert.x would answer every request
                // at once, before the proxy knows whether it will take the body (no route, breakers, endpoints).
                .setHandle100ContinueAutomatically(false)
                .setTcpNoDelay(true)
                .setDecompressionSupported(false)
                .setCompressionSupported(false)
                // The proxy never terminates WebSockets (it tunnels the upgrade to the upstream), so Netty's
                // extension handler would only sit in every HTTP/1.1 connection's pipeline, and could negotiate
                // deflate on the proxy's own hop of a tunnel.
                .setPerMessageWebSocketCompressionSupported(false)
                .setPerFrameWebSocketCompressionSupported(false);
        long idle = options.downstreamIdleTimeout().toMillis();
        if (idle > 0) {
            o.setIdleTimeoutUnit(TimeUnit.MILLISECONDS).setIdleTimeout((int) Math.min(Integer.MAX_VALUE, idle));
        }
        return o;
    }

    /** One server instance of one listener; Vert.x shares the port among instances. */
    private final class ListenerVerticle extends VerticleBase {
        private final ListenerSpec spec;
        private final int port;

        ListenerVerticle(ListenerSpec spec, int port) {
            this.spec = spec;
            this.port = port;
        }

        @Override
        public Future<?> start() {
            HttpServer server = vertx.createHttpServer(serverOptions());
            String name = spec.name();
            Context ctx = context;
            server.requestHandler(req -> handle(name, req, ctx));
            ListenerGuard guard = guards.get(name);
            // the port is reported bound only once the guard is in place
            return server.listen(port, spec.host()).compose(s -> guard.install(s, context).map(s)).onSuccess(s -> {
                servers.add(s);
                boundPorts.putIfAbsent(name, s.actualPort());
            });
        }
    }

    private void handle(String listener, HttpServerRequest req, Context ctx) {
        VertxDownstream down = VertxDownstream.accept(req);
        if (down == null) {
            return; // pipelined behind an answer that closes the connection: dropped with it
        }
        new Exchange(this, snapshot, listener, down, ctx).start();
    }

    /** A request read by Netty's HTTP/1.1 server ({@link H1Connection}), on its connection's event loop. */
    private void serve(String listener, Downstream d, Context ctx) {
        new Exchange(this, snapshot, listener, d, ctx).start();
    }

    /** Client connections open now on listener {@code listenerName}; -1 when it is not started. */
    public int downstreamConnections(String listenerName) {
        ListenerGuard g = guards.get(listenerName);
        return g == null ? -1 : g.openConnections();
    }

    /** The port {@code listenerName} is bound to (useful with port 0); -1 when it is not bound. */
    public int boundPort(String listenerName) {
        return boundPorts.getOrDefault(listenerName, -1);
    }

    // ---- configuration ----

    /**
     * Replaces the whole routing configuration atomically. Validates first and throws
     * {@link IllegalArgumentException} without changing anything when the table is bad. A cluster that keeps its
     * name and its transport settings (protocol, connect timeout, pool size) keeps its connection pools,
     * per-endpoint counters and dead marks; its endpoints, policy and hash key may change. A cluster whose
     * transport changed gets new pools; the old ones close gracefully once in-flight requests finish.
     */
    public void apply(List<RouteSpec> routes, List<ClusterSpec> clusters) {
        apply(RoutingTable.of(routes, clusters));
    }

    /**
     * Swaps in a routing table already built (and so validated) by {@link RoutingTable#of}: phase two of a
     * two-phase apply, which does not fail for any table. Pools are kept or retired as for
     * {@link #apply(List, List)}.
     */
    public synchronized void apply(RoutingTable table) {
        Objects.requireNonNull(table, "table");
        Snapshot old = snapshot;
        Map<String, ClusterState> next = new HashMap<>();
        List<ClusterState> retired = new ArrayList<>();
        for (ClusterSpec spec : table.clusters().values()) {
            ClusterState keep = old.clusters.get(spec.name());
            List<Endpoint> eps = spec.endpoints() != null ? spec.endpoints()
                    : dynamicEndpoints.getOrDefault(spec.name(), List.of());
            if (keep != null && keep.spec().sameTransport(spec)) {
                keep.update(spec, eps);
                next.put(spec.name(), keep);
            } else {
                if (keep != null) {
                    retired.add(keep);
                }
                ClusterState cs = new ClusterState(vertx, spec, options, registry, scheduler, upstreams);
                Predicate<Endpoint> f = filters.get(spec.name());
                if (f != null) {
                    cs.setFilter(f);
                }
                cs.setEndpoints(eps);
                next.put(spec.name(), cs);
            }
        }
        for (Map.Entry<String, ClusterState> e : old.clusters.entrySet()) {
            if (!next.containsKey(e.getKey())) {
                retired.add(e.getValue());
            }
        }
        Map<String, RouteMetrics> rm = new HashMap<>();
        for (RouteSpec r : table.routes()) {
            RouteMetrics m = old.routeMetrics.get(r.name());
            rm.put(r.name(), m != null ? m : new RouteMetrics(registry, r.name(), r.cluster()));
        }
        snapshot = new Snapshot(table, Map.copyOf(next), Map.copyOf(rm));
        for (ClusterState c : retired) {
            c.cancelTimers();
            c.shutdown(options.drainTimeout());
        }
    }

    /**
     * Sets the endpoints of a dynamic cluster (one whose spec has null endpoints), e.g. from membership. Kept
     * across {@link #apply}; ignored for static clusters, whose spec wins.
     */
    public synchronized void setEndpoints(String cluster, List<Endpoint> endpoints) {
        Objects.requireNonNull(cluster, "cluster");
        List<Endpoint> copy = List.copyOf(endpoints);
        ClusterSpec.checkUniqueIds(copy);
        dynamicEndpoints.put(cluster, copy);
        ClusterState cs = snapshot.clusters.get(cluster);
        if (cs != null && cs.spec().endpoints() == null) {
            cs.setEndpoints(copy);
        }
    }

    /**
     * The health seam: only endpoints for which {@code usable} holds are picked (the picker is rebuilt now; call
     * again whenever the health verdict changes). Kept across {@link #apply}. If no endpoint is usable the cluster
     * answers 503. The predicate must be thread-safe and fast.
     */
    public synchronized void setEndpointFilter(String cluster, Predicate<Endpoint> usable) {
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(usable, "usable");
        filters.put(cluster, usable);
        ClusterState cs = snapshot.clusters.get(cluster);
        if (cs != null) {
            cs.setFilter(usable);
        }
    }

    /**
     * Installs the access log: from now on every finished downstream request is handed to {@code log} (null: no
     * access log), its start time read from {@code clock}.
     */
    public void accessLog(AccessLog log, WallClock clock) {
        this.wallClock = Objects.requireNonNull(clock, "clock");
        this.accessLog = log;
    }

    void logAccess(AccessLog log, AccessLogEntry entry) {
        try {
            log.log(entry);
        } catch (RuntimeException e) {
            listenerErrors.report(log, "access log " + log, e);
        }
    }

    /** Adds a listener that hears the outcome of every try. */
    public void addOutcomeListener(OutcomeListener listener) {
        outcomeListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    void fireOutcome(String cluster, Endpoint ep, TryOutcome outcome, long latencyNanos) {
        for (OutcomeListener l : outcomeListeners) {
            try {
                l.onOutcome(cluster, ep, outcome, latencyNanos);
            } catch (RuntimeException e) {
                // A listener's bug must not break forwarding; it is logged, once a minute at most.
                listenerErrors.report(l, "outcome listener " + l, e);
            }
        }
    }

    // ---- drain ----

    /**
     * Stops accepting connections, lets in-flight requests finish for up to {@code timeout} (HTTP/1.1 responses
     * carry {@code Connection: close}, HTTP/2 connections get GOAWAY), then closes everything. Idempotent: later
     * calls return the first call's future.
     */
    public synchronized Future<Void> drain(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (drained != null) {
            return drained;
        }
        draining = true;
        List<Future<Void>> shut = new ArrayList<>();
        for (HttpServer s : servers) {
            shut.add(s.shutdown(timeout.toMillis(), TimeUnit.MILLISECONDS));
        }
        Promise<Void> done = Promise.promise();
        Future.join(shut).onComplete(ar -> {
            List<Future<?>> closing = new ArrayList<>();
            for (ClusterState c : snapshot.clusters.values()) {
                c.cancelTimers();
                closing.add(c.close());
            }
            for (String id : deployments) {
                closing.add(vertx.undeploy(id));
            }
            Future.join(closing).onComplete(x -> done.complete());
        });
        drained = done.future();
        return drained;
    }

    /** {@link #drain} with {@link DataPlaneOptions#drainTimeout()}. */
    public Future<Void> drain() {
        return drain(options.drainTimeout());
    }

    /** True once {@link #drain} has been called. */
    public boolean draining() {
        return draining;
    }

    // ---- status ----

    /** A snapshot of every cluster for the admin API, sorted by name. */
    public List<ClusterStatus> clusters() {
        List<ClusterStatus> list = new ArrayList<>();
        for (ClusterState c : snapshot.clusters.values()) {
            list.add(c.status());
        }
        list.sort((a, b) -> a.name().compareTo(b.name()));
        return list;
    }

    /**
     * Ids of the endpoints of {@code cluster} that slow start is ramping up right now (their picker weight is still
     * reduced); empty for an unknown cluster or one without {@code slow_start}.
     */
    public java.util.Set<String> slowStarting(String cluster) {
        ClusterState c = snapshot.clusters.get(cluster);
        return c == null ? java.util.Set.of() : c.slowStarting();
    }

    /** Downstream requests in flight right now. */
    public long activeRequests() {
        return active.get();
    }

    /** The live state of cluster {@code name} in the current snapshot, or null; for tests. */
    ClusterState cluster(String name) {
        return snapshot.clusters.get(name);
    }

    /**
     * For tests: clusters applied from now on reach their endpoints through {@code factory}'s {@link Upstream}
     * (a fake one, to test timeouts and retries without sockets) instead of the real one for their protocol.
     */
    void upstreams(Function<ClusterSpec, Upstream> factory) {
        this.upstreams = factory;
    }

    /** The options this data plane was created with. */
    public DataPlaneOptions options() {
        return options;
    }

    /** The routing table currently applied. */
    public RoutingTable routingTable() {
        return snapshot.table;
    }

    /**
     * Runs {@code task} on {@code ctx} after {@code delay} unless cancelled: the per-request timers (route and
     * per-try timeouts). With Vert.x timers it uses the event loop's timer queue directly (cheaper than a Vert.x
     * timer, which costs a map entry and a context hop per request); any other scheduler keeps its own timing.
     */
    Scheduler.Cancellable scheduleOn(Context ctx, Duration delay, Runnable task) {
        if (scheduler instanceof VertxScheduler vs) {
            return vs.scheduleOn(ctx, delay, task);
        }
        return scheduler.schedule(delay, () -> ctx.runOnContext(v -> task.run()));
    }

    // Every sidecar must map a key to the same value, so the balancer's one hash function is used.
    static long hashKey(String key) {
        return HashKeys.hash(key);
    }
}
