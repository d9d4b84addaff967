package dev.gossamer.proxy;

import dev.gossamer.balancer.ActiveRequests;
import dev.gossamer.balancer.Endpoint;
import dev.gossamer.balancer.EndpointSelection;
import dev.gossamer.balancer.Picker;
import dev.gossamer.balancer.SlowStart;
import dev.gossamer.common.Scheduler;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The live state of one cluster: its connection pools (see {@link Upstream}), its current
 * immutable picker, the endpoints marked dead by connect failures, per-endpoint counters and the retry budget.
 *
 * <p>Threading: the picker is one volatile read; counters are atomics. Everything that rebuilds the picker
 * (endpoint changes, health filter, dead marks) runs under this object's lock, off the request path except for
 * the rare mark-down after a refused connection.
 */
final class ClusterState implements ActiveRequests {

    final String name;
    /** Vert.x's client: the upstream of HTTP/2 clusters, and WebSocket upgrades of every cluster. */
    final HttpClientAgent client;
    /** How tries reach endpoints: {@link H1Upstream} for HTTP/1.1 clusters, Vert.x's client for HTTP/2. */
    final Upstream upstream;
    final Protocol protocol;
    final AtomicInteger active = new AtomicInteger();
    final AtomicInteger activeRetries = new AtomicInteger();
    final Counter retries;
    final Counter budgetExhausted;
    final Counter connectErrors;
    final Counter timeouts;
    final Counter resets;
    final Counter downstreamAborts;
    final Counter downstreamTimeouts;
    final Counter bodyTimeouts;
    /** Overflows of each circuit breaker, by {@link CircuitBreakers.Breaker#ordinal()}. */
    private final Counter[] overflows;

    private final MeterRegistry registry;
    private final boolean perEndpointMetrics;
    private final Scheduler scheduler;
    private final Duration backoffInitial;
    private final Duration backoffMax;
    private final ConcurrentHashMap<String, EndpointStats> stats = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Duration> nextBackoff = new ConcurrentHashMap<>();

    private volatile ClusterSpec spec;
    private volatile Picker picker;
    private volatile Map<String, SocketAddress> addresses = Map.of();

    // Guarded by this.
    private List<Endpoint> all = List.of();
    private Predicate<Endpoint> filter = e -> true;
    private final Map<String, Dead> dead = new HashMap<>();
    /** When each endpoint last became usable (ticker nanos), for slow start; absent = usable from the start. */
    private final Map<String, Long> usableSince = new HashMap<>();
    private Set<String> lastUsable = Set.of();
    /** False until the first build with endpoints: those are the cluster's initial set and do not ramp. */
    private boolean built;
    private boolean panic;
    private Scheduler.Cancellable rampTimer;
    private final Counter panicEntered;
    private final AtomicInteger panicGauge = new AtomicInteger();

    private record Dead(long untilNanos, Scheduler.Cancellable restore) {
    }

    /** {@code upstreams}, when not null, builds the cluster's {@link Upstream} instead of the default (tests). */
    ClusterState(Vertx vertx, ClusterSpec spec, DataPlaneOptions options, MeterRegistry registry,
                 Scheduler scheduler, Function<ClusterSpec, Upstream> upstreams) {
        this.name = spec.name();
        this.spec = spec;
        this.protocol = spec.protocol();
        this.registry = registry;
        this.perEndpointMetrics = options.perEndpointMetrics();
        this.scheduler = scheduler;
        this.backoffInitial = options.deadEndpointBackoff();
        this.backoffMax = options.deadEndpointMaxBackoff();
        this.retries = counter("gossamer.retries", "Retries started (a try after the first) per cluster");
        this.budgetExhausted = counter("gossamer.retry.budget.exhausted",
                "Retries refused because the cluster's retry budget was spent");
        this.connectErrors = counter("gossamer.upstream.connect.errors", "Tries whose connection to the endpoint failed");
        this.timeouts = counter("gossamer.upstream.timeouts", "Tries or requests ended by a route or per-try timeout");
        this.resets = counter("gossamer.upstream.resets", "Tries the endpoint reset or closed before the response end");
        this.downstreamAborts = counter("gossamer.downstream.aborts",
                "Requests the client reset or closed before the end of the exchange");
        this.downstreamTimeouts = counter("gossamer.downstream.timeouts",
                "Timeouts while waiting for the client's own request body (answered 408)");
        this.bodyTimeouts = counter("gossamer.response.timeouts",
                "Route timeouts during the response body (the downstream was reset)");
        CircuitBreakers.Breaker[] breakers = CircuitBreakers.Breaker.values();
        this.overflows = new Counter[breakers.length];
        for (CircuitBreakers.Breaker b : breakers) {
            overflows[b.ordinal()] = Counter.builder("gossamer.breaker.overflows")
                    .description("Requests or retries refused by a cluster circuit breaker (answered 503)")
                    .tags("cluster", name, "breaker", b.key()).register(registry);
        }
        this.panicEntered = counter("gossamer.panic.entered",
                "Times the cluster entered panic mode (too few healthy endpoints: all are used)");
        io.micrometer.core.instrument.Gauge.builder("gossamer.panic", panicGauge, AtomicInteger::get)
                .description("1 while the cluster is in panic mode, else 0").tag("cluster", name).register(registry);

        HttpClientOptions o = new HttpClientOptions()
                .setKeepAlive(true)
                .setTcpNoDelay(true)
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, spec.connectTimeout().toMillis()))
                .setMaxHeaderSize(64 * 1024)
                .setDecompressionSupported(false);
        long idleMs = options.upstreamIdleTimeout().toMillis();
        if (idleMs > 0) {
            o.setIdleTimeoutUnit(TimeUnit.MILLISECONDS).setIdleTimeout((int) Math.min(Integer.MAX_VALUE, idleMs));
            o.setKeepAliveTimeout((int) Math.max(1, options.upstreamIdleTimeout().toSeconds()));
            o.setHttp2KeepAliveTimeout((int) Math.max(1, options.upstreamIdleTimeout().toSeconds()));
        }
        if (spec.protocol() == Protocol.HTTP2) {
            o.setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false);
        }
        PoolOptions pool = new PoolOptions()
                .setHttp1MaxSize(spec.maxConnectionsPerEndpoint())
                .setHttp2MaxSize(spec.maxConnectionsPerEndpoint())
                .setMaxWaitQueueSize(spec.breakers().maxPendingRequests());
        this.client = vertx.httpClientBuilder().with(o).with(pool).build();
        this.upstream = upstreams != null ? upstreams.apply(spec) : spec.protocol() == Protocol.HTTP1
                ? new H1Upstream(vertx, spec.connectTimeout(), spec.maxConnectionsPerEndpoint(),
                        options.acceptorInstances(), options.upstreamIdleTimeout(), scheduler.ticker(),
                        spec.breakers())
                : new VertxUpstream(client);
        if (upstream instanceof H1Upstream h1) {
            io.micrometer.core.instrument.Gauge.builder("gossamer.upstream.connections", h1,
                            H1Upstream::openConnections)
                    .description("Open connections to the cluster's endpoints").tag("cluster", name).register(registry);
        }
    }

    private Counter counter(String meter, String help) {
        return Counter.builder(meter).description(help).tag("cluster", name).register(registry);
    }

    // For an HTTP/2 cluster the upstream wraps the client itself: Vert.x runs a client's close sequence once, so
    // closing both is still one close.

    /** Lets requests in flight finish for up to {@code grace}, then closes every connection. */
    Future<Void> shutdown(Duration grace) {
        return Future.join(upstream.shutdown(grace), client.shutdown(grace.toMillis(), TimeUnit.MILLISECONDS))
                .mapEmpty();
    }

    /** Closes every connection now. */
    Future<Void> close() {
        return Future.join(upstream.close(), client.close()).mapEmpty();
    }

    ClusterSpec spec() {
        return spec;
    }

    Picker picker() {
        return picker;
    }

    SocketAddress address(Endpoint e) {
        SocketAddress a = addresses.get(e.id());
        return a != null ? a : SocketAddress.inetSocketAddress(e.port(), e.host());
    }

    EndpointStats stats(Endpoint e) {
        EndpointStats s = stats.get(e.id());
        return s != null ? s : stats.computeIfAbsent(e.id(), id -> new EndpointStats(e));
    }

    @Override
    public int active(Endpoint endpoint) {
        EndpointStats s = stats.get(endpoint.id());
        return s == null ? 0 : s.active.get();
    }

    @Override
    public int total() {
        return active.get();
    }

    /**
     * Takes a retry token if the budget allows (in flight < max(min, percent% of active requests)) and the cluster's
     * {@code max_retries} breaker too.
     */
    boolean tryAcquireRetry(RetrySpec r) {
        int limit = Math.max(r.minRetryConcurrency(), (int) ((long) active.get() * r.budgetPercent() / 100));
        int ceiling = spec.breakers().maxRetries();
        while (true) {
            int cur = activeRetries.get();
            if (cur >= ceiling) {
                overflow(CircuitBreakers.Breaker.MAX_RETRIES);
                return false;
            }
            if (cur >= limit) {
                budgetExhausted.increment();
                return false;
            }
            if (activeRetries.compareAndSet(cur, cur + 1)) {
                retries.increment();
                return true;
            }
        }
    }

    /** A circuit breaker refused a request or a retry: counted, charged to no endpoint. */
    void overflow(CircuitBreakers.Breaker b) {
        overflows[b.ordinal()].increment();
    }

    /** How often {@code b} overflowed; for tests. */
    long overflows(CircuitBreakers.Breaker b) {
        return (long) overflows[b.ordinal()].count();
    }

    void releaseRetry() {
        activeRetries.decrementAndGet();
    }

    /** Replaces spec and endpoints (an apply that kept this state) and rebuilds the picker. */
    synchronized void update(ClusterSpec newSpec, List<Endpoint> endpoints) {
        this.spec = newSpec;
        setEndpoints(endpoints);
    }

    synchronized void setEndpoints(List<Endpoint> endpoints) {
        ClusterSpec.checkUniqueIds(endpoints);
        this.all = List.copyOf(endpoints);
        Map<String, SocketAddress> addr = new HashMap<>();
        for (Endpoint e : all) {
            addr.put(e.id(), SocketAddress.inetSocketAddress(e.port(), e.host()));
            stats.computeIfAbsent(e.id(), id -> new EndpointStats(e));
        }
        this.addresses = Map.copyOf(addr);
        dead.keySet().removeIf(id -> !addr.containsKey(id));
        stats.entrySet().removeIf(en -> !addr.containsKey(en.getKey()) && en.getValue().active.get() == 0);
        rebuild();
    }

    synchronized void setFilter(Predicate<Endpoint> usable) {
        this.filter = usable;
        rebuild();
    }

    /** An endpoint refused a connection: skip it at once, try again after a doubling backoff. */
    void markDown(Endpoint e) {
        synchronized (this) {
            if (dead.containsKey(e.id()) || !addresses.containsKey(e.id())) {
                return;
            }
            Duration backoff = nextBackoff.getOrDefault(e.id(), backoffInitial);
            Duration doubled = backoff.multipliedBy(2);
            nextBackoff.put(e.id(), doubled.compareTo(backoffMax) > 0 ? backoffMax : doubled);
            long until = scheduler.ticker().nanoTime() + backoff.toNanos();
            Scheduler.Cancellable c = scheduler.schedule(backoff, () -> restore(e.id()));
            dead.put(e.id(), new Dead(until, c));
            rebuild();
        }
    }

    /** A try to {@code e} got a response: forget its backoff, and restore it if it was marked dead. */
    void markUp(Endpoint e) {
        if (nextBackoff.isEmpty() || !nextBackoff.containsKey(e.id())) {
            return;
        }
        synchronized (this) {
            nextBackoff.remove(e.id());
            Dead d = dead.remove(e.id());
            if (d != null) {
                d.restore.cancel();
                rebuild();
            }
        }
    }

    private synchronized void restore(String id) {
        if (dead.remove(id) != null) {
            rebuild();
        }
    }

    synchronized boolean isDown(String id) {
        return dead.containsKey(id);
    }

    /**
     * Builds the picker from: every endpoint, less those the health filter rejects (unless fewer than the panic
     * threshold pass: then all of them), less those marked dead by a refused connect (unless that leaves none),
     * with slow-start weights for endpoints that became usable within the window.
     */
    private void rebuild() {
        EndpointSelection selection = EndpointSelection.select(all, filter, spec.panicThresholdPercent());
        if (selection.panic() && !panic) {
            panicEntered.increment();
        }
        panic = selection.panic();
        panicGauge.set(panic ? 1 : 0);
        List<Endpoint> eligible = selection.endpoints();
        List<Endpoint> alive = new ArrayList<>(eligible.size());
        for (Endpoint e : eligible) {
            if (!dead.containsKey(e.id())) {
                alive.add(e);
            }
        }
        // All marked dead: try them anyway, a mark from one refused connect must never cause a 503.
        List<Endpoint> chosen = alive.isEmpty() ? eligible : alive;
        picker = spec.policy().newPicker(slowStart(chosen), this);
    }

    /**
     * Slow-start weights. Weights are scaled by 100 first so that weight-1 endpoints can ramp from 10%; smooth
     * round robin divides by the gcd, so equal weights still give a cycle of n. Endpoints usable since the
     * cluster was built do not ramp (Envoy ramps only hosts that join or recover later).
     */
    private List<Endpoint> slowStart(List<Endpoint> chosen) {
        SlowStart ramp = spec.slowStart();
        Set<String> usable = new HashSet<>();
        chosen.forEach(e -> usable.add(e.id()));
        long now = scheduler.ticker().nanoTime();
        if (built) {
            for (String id : usable) {
                if (!lastUsable.contains(id)) {
                    usableSince.put(id, now);
                }
            }
        }
        usableSince.keySet().retainAll(usable);
        lastUsable = usable;
        built |= !usable.isEmpty();
        if (ramp == null || usableSince.isEmpty()) {
            return chosen;
        }
        List<Endpoint> weighted = new ArrayList<>(chosen.size());
        boolean ramping = false;
        for (Endpoint e : chosen) {
            int scaled = (int) Math.min(Endpoint.MAX_WEIGHT, (long) e.weight() * 100);
            Long since = usableSince.get(e.id());
            if (since == null) {
                weighted.add(e.withWeight(scaled));
                continue;
            }
            Duration age = Duration.ofNanos(now - since);
            weighted.add(e.withWeight(ramp.weight(scaled, age)));
            if (ramp.ramping(age)) {
                ramping = true;
            } else {
                usableSince.remove(e.id());
            }
        }
        if (ramping && rampTimer == null) {
            // Re-weigh about ten times over the window, never more often than every 100 ms.
            Duration step = ramp.window().dividedBy(10);
            if (step.compareTo(RAMP_MIN_STEP) < 0) {
                step = RAMP_MIN_STEP;
            }
            rampTimer = scheduler.schedule(step, this::rampTick);
        }
        return weighted;
    }

    private static final Duration RAMP_MIN_STEP = Duration.ofMillis(100);

    private synchronized void rampTick() {
        rampTimer = null;
        rebuild();
    }

    /** Ids of endpoints ramping up under slow start right now (empty without {@code slow_start}). */
    synchronized java.util.Set<String> slowStarting() {
        return spec.slowStart() == null ? java.util.Set.of() : java.util.Set.copyOf(usableSince.keySet());
    }

    synchronized boolean panic() {
        return panic;
    }

    synchronized ClusterStatus status() {
        List<ClusterStatus.EndpointStatus> eps = new ArrayList<>();
        long now = scheduler.ticker().nanoTime();
        for (Endpoint e : all) {
            EndpointStats s = stats(e);
            Dead d = dead.get(e.id());
            long answered = s.latencyCount.sum();
            eps.add(new ClusterStatus.EndpointStatus(e.id(), e.authority(), e.weight(), filter.test(e), d != null,
                    d == null ? 0 : Math.max(0, (d.untilNanos - now) / 1_000_000), s.active.get(), s.total.sum(),
                    s.connectFailures.sum(), s.resets.sum(), s.timeouts.sum(), s.http5xx.sum(),
                    answered == 0 ? 0 : s.latencySumNanos.sum() / 1e6 / answered));
        }
        return new ClusterStatus(name, spec.policy().name(), protocol, active.get(), panic, eps);
    }

    synchronized void cancelTimers() {
        for (Dead d : dead.values()) {
            d.restore.cancel();
        }
        if (rampTimer != null) {
            rampTimer.cancel();
            rampTimer = null;
        }
    }

    /** Counters of one endpoint; all atomic. */
    final class EndpointStats {
        final AtomicInteger active = new AtomicInteger();
        final LongAdder total = new LongAdder();
        final LongAdder connectFailures = new LongAdder();
        final LongAdder resets = new LongAdder();
        final LongAdder timeouts = new LongAdder();
        final LongAdder http5xx = new LongAdder();
        final LongAdder latencySumNanos = new LongAdder();
        final LongAdder latencyCount = new LongAdder();
        private final Counter[] byOutcome;

        EndpointStats(Endpoint e) {
            if (perEndpointMetrics) {
                TryOutcome.Kind[] kinds = TryOutcome.Kind.values();
                byOutcome = new Counter[kinds.length];
                for (TryOutcome.Kind k : kinds) {
                    byOutcome[k.ordinal()] = Counter.builder("gossamer.upstream.requests")
                            .description("Tries per endpoint by outcome (only with metrics.per_endpoint)")
                            .tags("cluster", name, "endpoint", e.id(), "outcome",
                                    k.name().toLowerCase(java.util.Locale.ROOT))
                            .register(registry);
                }
            } else {
                byOutcome = null;
            }
        }

        void record(TryOutcome o, long latencyNanos) {
            switch (o.kind()) {
                case SUCCESS -> { }
                case HTTP_5XX -> http5xx.increment();
                case CONNECT_FAILURE -> connectFailures.increment();
                case RESET -> resets.increment();
                case TIMEOUT -> timeouts.increment();
            }
            if (o.kind() == TryOutcome.Kind.SUCCESS || o.kind() == TryOutcome.Kind.HTTP_5XX) {
                latencySumNanos.add(latencyNanos);
                latencyCount.increment();
            }
            if (byOutcome != null) {
                byOutcome[o.kind().ordinal()].increment();
            }
        }
    }
}
