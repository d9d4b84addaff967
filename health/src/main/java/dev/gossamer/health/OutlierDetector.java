package dev.gossamer.health;

import dev.gossamer.common.RandomSource;
import dev.gossamer.common.Scheduler;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Passive health checking for one cluster, after Envoy's outlier detection: endpoints whose real traffic
 * fails are ejected (taken out of the picker) for a while, then returned.
 *
 * <p><b>Detection.</b> {@link #record(String, Outcome)} runs the consecutive-error detectors inline (see
 * {@link OutlierDetectionOptions}). Every {@code interval} a sweep runs success-rate and failure-percentage
 * detection over the interval that just ended. Worked example of success rate, defaults (5 hosts minimum,
 * 100 requests, factor 1.9): rates 100, 100, 99, 98, 60 % → mean 91.4, population stdev 15.7, threshold
 * 91.4 − 1.9 × 15.72 = 61.5 → the 60 % host is ejected. Failure percentage ejects any qualifying host failing at
 * least {@code failure_percentage_threshold} %.
 *
 * <p><b>Ejection.</b> An endpoint is ejected only if no endpoint is ejected yet, or if after ejecting it at most
 * {@code max_ejection_percent} of the cluster would be ejected (Envoy: "at least one host" may always be
 * ejected; with 3 endpoints and 10 %, exactly one). It stays out {@code base_ejection_time × multiplier}, capped
 * at {@code max_ejection_time}, where the multiplier grows by one per ejection (until the cap is reached) and
 * drops by one at each sweep that finds the endpoint was in service for the whole interval. So an endpoint that
 * keeps failing is ejected for 30 s, 60 s, 90 s, … 300 s, and one that recovers is forgiven over time. It returns
 * at exactly the end of its ejection (Envoy checks only at the next sweep).
 *
 * <p><b>Threading.</b> Thread-safe. {@code record} is the hot path, called from every event loop: it reads one
 * volatile map and updates per-endpoint atomics; it takes the detector's lock only when a detector fires.
 * Sweeps and returns run on the {@link Scheduler}'s thread. The listener is called with the complete new
 * ejected set after every change, outside the lock, one call at a time and never with a stale set.
 */
public final class OutlierDetector implements AutoCloseable {

    static final String EJECTIONS = "gossamer.outlier.ejections";
    static final String EJECTIONS_OVERFLOW = "gossamer.outlier.ejections.overflow";
    static final String EJECTED = "gossamer.outlier.ejected";

    private final String cluster;
    private final OutlierDetectionOptions options;
    private final Scheduler scheduler;
    private final RandomSource random;
    private final Consumer<Set<String>> listener;
    private final Map<EjectionReason, Counter> ejectionCounters = new EnumMap<>(EjectionReason.class);
    private final Counter overflowCounter;
    private final MeterRegistry registry;
    private final Gauge ejectedGauge;

    private final Object lock = new Object();
    private final Object publishLock = new Object();
    private volatile Map<String, Endpoint> endpoints = Map.of();
    private volatile Set<String> ejected = Set.of();
    private final AtomicInteger ejectedCount = new AtomicInteger();
    // Guarded by lock.
    private long version;
    private boolean closed;
    private Scheduler.Cancellable sweepTimer;
    // Guarded by publishLock.
    private long deliveredVersion;

    private OutlierDetector(Builder b) {
        this.cluster = b.cluster;
        this.options = b.options;
        this.scheduler = b.scheduler;
        this.random = b.random;
        this.listener = b.listener;
        if (b.registry != null) {
            for (EjectionReason r : EjectionReason.values()) {
                ejectionCounters.put(r, Counter.builder(EJECTIONS).tag("cluster", cluster)
                        .tag("reason", r.envoyName()).description("Outlier ejections, by detector")
                        .register(b.registry));
            }
            overflowCounter = Counter.builder(EJECTIONS_OVERFLOW).tag("cluster", cluster)
                    .description("Ejections skipped because max_ejection_percent was reached")
                    .register(b.registry);
            ejectedGauge = Gauge.builder(EJECTED, ejectedCount, AtomicInteger::get).tag("cluster", cluster)
                    .description("Endpoints currently ejected").register(b.registry);
        } else {
            overflowCounter = null;
            ejectedGauge = null;
        }
        this.registry = b.registry;
    }

    /** A detector for {@code cluster}; {@link Builder#build()} starts its interval sweep. */
    public static Builder builder(String cluster, OutlierDetectionOptions options, Scheduler scheduler) {
        return new Builder(cluster, options, scheduler);
    }

    public String cluster() {
        return cluster;
    }

    /**
     * Makes the tracked endpoints equal to {@code ids}. Endpoints kept keep their counters and ejection; removed
     * ones are forgotten (and leave the ejected set); new ones start clean.
     */
    public void setEndpoints(Set<String> ids) {
        Objects.requireNonNull(ids, "ids");
        Published p;
        synchronized (lock) {
            Map<String, Endpoint> old = endpoints;
            Map<String, Endpoint> next = new HashMap<>();
            for (String id : ids) {
                Endpoint e = old.get(id);
                next.put(id, e != null ? e : new Endpoint(id));
            }
            boolean changed = false;
            for (Endpoint e : old.values()) {
                if (!next.containsKey(e.id)) {
                    e.removed = true;
                    if (e.ejected) {
                        cancelReturn(e);
                        e.ejected = false;
                        ejectedCount.decrementAndGet();
                        changed = true;
                    }
                }
            }
            endpoints = Map.copyOf(next);
            p = changed ? publishLocked() : null;
        }
        deliver(p);
    }

    /**
     * Records the outcome of one request to {@code endpointId}. Unknown ids (a request that started before
     * the endpoint was removed) are ignored. Cheap and lock-free unless a detector fires.
     */
    public void record(String endpointId, Outcome outcome) {
        Endpoint e = endpoints.get(endpointId);
        if (e == null) {
            return;
        }
        switch (outcome.kind()) {
            case SUCCESS -> {
                e.successes.increment();
                reset(e.consecutive5xx);
                reset(e.consecutiveGateway);
                reset(e.consecutiveLocal);
            }
            case HTTP_5XX -> {
                e.failures.increment();
                // The connection worked, so a local-origin run is over.
                reset(e.consecutiveLocal);
                externalError(e, outcome.gatewayFailure());
            }
            case LOCAL_ORIGIN_FAILURE -> {
                e.failures.increment();
                if (options.splitExternalLocalOriginErrors()) {
                    bump(e, e.consecutiveLocal, options.consecutiveLocalOriginFailure(),
                            options.enforcingConsecutiveLocalOriginFailure(),
                            EjectionReason.CONSECUTIVE_LOCAL_ORIGIN_FAILURE);
                } else {
                    // Envoy maps a local-origin error to 503 when not split: it is a 5xx and a gateway failure.
                    externalError(e, true);
                }
            }
        }
    }

    /** The ids ejected right now (immutable; lock-free read). */
    public Set<String> ejected() {
        return ejected;
    }

    public boolean isEjected(String endpointId) {
        Endpoint e = endpoints.get(endpointId);
        return e != null && e.ejected;
    }

    /** Per-endpoint state for the admin API, keyed and sorted by id. */
    public Map<String, OutlierSnapshot> snapshot() {
        synchronized (lock) {
            long now = scheduler.ticker().nanoTime();
            Map<String, OutlierSnapshot> out = new LinkedHashMap<>();
            endpoints.values().stream().sorted((a, b) -> a.id.compareTo(b.id)).forEach(e -> out.put(e.id,
                    new OutlierSnapshot(e.id, e.ejected, e.multiplier, e.timesEjected,
                            e.ejected ? e.ejectedUntilNanos : 0,
                            e.ejected ? Duration.ofNanos(Math.max(0, e.ejectedUntilNanos - now)) : Duration.ZERO,
                            Optional.ofNullable(e.lastReason), e.consecutive5xx.get(), e.consecutiveGateway.get(),
                            e.consecutiveLocal.get(), e.lastSuccessRate, e.lastRequests)));
            return out;
        }
    }

    /**
     * Stops the sweep and pending returns and unregisters the gauge (so a replacement detector for the same
     * cluster can register its own). The ejected set stays as it is; the listener is not called again.
     */
    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            if (sweepTimer != null) {
                sweepTimer.cancel();
            }
            endpoints.values().forEach(this::cancelReturn);
        }
        if (ejectedGauge != null) {
            registry.remove(ejectedGauge);
        }
    }

    // ---- inline detectors ----

    private void externalError(Endpoint e, boolean gateway) {
        // Envoy's order: gateway failure first, then 5xx; each counter resets when its detector fires.
        if (gateway) {
            bump(e, e.consecutiveGateway, options.consecutiveGatewayFailure(),
                    options.enforcingConsecutiveGatewayFailure(), EjectionReason.CONSECUTIVE_GATEWAY_FAILURE);
        } else {
            reset(e.consecutiveGateway);
        }
        bump(e, e.consecutive5xx, options.consecutive5xx(), options.enforcingConsecutive5xx(),
                EjectionReason.CONSECUTIVE_5XX);
    }

    private void bump(Endpoint e, AtomicInteger counter, int threshold, int enforcing, EjectionReason reason) {
        if (threshold == 0 || counter.incrementAndGet() < threshold) { // 0: this detector is off
            return;
        }
        // Reset whether or not the ejection happens, so a new run of errors is needed to fire again (Envoy).
        counter.set(0);
        if (!enforced(enforcing) || e.ejected) {
            return;
        }
        Published p;
        synchronized (lock) {
            p = tryEjectLocked(e, reason) ? publishLocked() : null;
        }
        deliver(p);
    }

    private static void reset(AtomicInteger counter) {
        // Read first: most requests succeed, and a plain read keeps the cache line shared between event loops.
        if (counter.get() != 0) {
            counter.set(0);
        }
    }

    private boolean enforced(int percent) {
        return percent >= 100 || (percent > 0 && random.nextInt(100) < percent);
    }

    // ---- ejection and return, under lock ----

    private boolean tryEjectLocked(Endpoint e, EjectionReason reason) {
        if (closed || e.removed || e.ejected) {
            return false;
        }
        int current = ejectedCount.get();
        int total = endpoints.size();
        // Envoy: eject if nothing is ejected yet, or if the cluster stays within max_ejection_percent after it.
        if (current > 0 && 100.0 * (current + 1) / total > options.maxEjectionPercent()) {
            if (overflowCounter != null) {
                overflowCounter.increment();
            }
            return false;
        }
        long base = options.baseEjectionTime().toNanos();
        long max = options.maxEjectionTime().toNanos();
        // Envoy grows the multiplier only while the product is below the cap, so decay starts from the cap.
        if (base * (long) e.multiplier < max) {
            e.multiplier++;
        }
        long duration = Math.min(base * (long) e.multiplier, max);
        long now = scheduler.ticker().nanoTime();
        e.ejected = true;
        e.timesEjected++;
        e.lastReason = reason;
        e.ejectedUntilNanos = now + duration;
        long token = ++e.ejectionToken;
        e.returnTimer = scheduler.schedule(Duration.ofNanos(duration), () -> returnEndpoint(e, token));
        ejectedCount.incrementAndGet();
        Counter c = ejectionCounters.get(reason);
        if (c != null) {
            c.increment();
        }
        return true;
    }

    private void returnEndpoint(Endpoint e, long token) {
        Published p = null;
        synchronized (lock) {
            if (!closed && !e.removed && e.ejected && e.ejectionToken == token) {
                e.ejected = false;
                e.returnTimer = null;
                e.lastReturnNanos = scheduler.ticker().nanoTime();
                ejectedCount.decrementAndGet();
                p = publishLocked();
            }
        }
        deliver(p);
    }

    private void cancelReturn(Endpoint e) {
        if (e.returnTimer != null) {
            e.returnTimer.cancel();
            e.returnTimer = null;
        }
    }

    // ---- interval sweep ----

    private void sweep() {
        Published p = null;
        synchronized (lock) {
            if (closed) {
                return;
            }
            long now = scheduler.ticker().nanoTime();
            long interval = options.interval().toNanos();
            List<Endpoint> all = new ArrayList<>(endpoints.values());
            all.sort((a, b) -> a.id.compareTo(b.id)); // deterministic order for seeded enforcement rolls
            for (Endpoint e : all) {
                long s = e.successes.sumThenReset();
                long f = e.failures.sumThenReset();
                e.lastRequests = s + f;
                e.lastSuccessRate = s + f == 0 ? Double.NaN : 100.0 * s / (s + f);
                // Decay: in service for the whole interval that just ended (Envoy decrements the backoff).
                if (!e.ejected && e.multiplier > 0 && now - e.lastReturnNanos >= interval) {
                    e.multiplier--;
                }
            }
            boolean changed = successRateLocked(all) | failurePercentageLocked(all);
            if (changed) {
                p = publishLocked();
            }
            sweepTimer = scheduler.schedule(options.interval(), this::sweep);
        }
        deliver(p);
    }

    private boolean successRateLocked(List<Endpoint> all) {
        List<Endpoint> qualified = new ArrayList<>();
        for (Endpoint e : all) {
            if (e.lastRequests >= options.successRateRequestVolume()) {
                qualified.add(e);
            }
        }
        if (qualified.isEmpty() || qualified.size() < options.successRateMinimumHosts()) {
            return false;
        }
        double sum = 0;
        for (Endpoint e : qualified) {
            sum += e.lastSuccessRate;
        }
        double mean = sum / qualified.size();
        double var = 0;
        for (Endpoint e : qualified) {
            var += (e.lastSuccessRate - mean) * (e.lastSuccessRate - mean);
        }
        double threshold = mean - options.stdevFactor() * Math.sqrt(var / qualified.size());
        boolean changed = false;
        for (Endpoint e : qualified) {
            if (e.lastSuccessRate < threshold && enforced(options.enforcingSuccessRate())) {
                changed |= tryEjectLocked(e, EjectionReason.SUCCESS_RATE);
            }
        }
        return changed;
    }

    private boolean failurePercentageLocked(List<Endpoint> all) {
        List<Endpoint> qualified = new ArrayList<>();
        for (Endpoint e : all) {
            if (e.lastRequests >= options.failurePercentageRequestVolume()) {
                qualified.add(e);
            }
        }
        if (qualified.isEmpty() || qualified.size() < options.failurePercentageMinimumHosts()) {
            return false;
        }
        boolean changed = false;
        for (Endpoint e : qualified) {
            if (100.0 - e.lastSuccessRate >= options.failurePercentageThreshold()
                    && enforced(options.enforcingFailurePercentage())) {
                changed |= tryEjectLocked(e, EjectionReason.FAILURE_PERCENTAGE);
            }
        }
        return changed;
    }

    // ---- publishing ----

    private record Published(long version, Set<String> ejected) {
    }

    private Published publishLocked() {
        Set<String> set = new HashSet<>();
        for (Endpoint e : endpoints.values()) {
            if (e.ejected) {
                set.add(e.id);
            }
        }
        ejected = Set.copyOf(set);
        return new Published(++version, ejected);
    }

    private void deliver(Published p) {
        if (p == null) {
            return;
        }
        synchronized (publishLock) {
            // A newer set may have been delivered by another thread already; never go back in time.
            if (p.version <= deliveredVersion) {
                return;
            }
            deliveredVersion = p.version;
            listener.accept(p.ejected);
        }
    }

    private void startSweep() {
        synchronized (lock) {
            sweepTimer = scheduler.schedule(options.interval(), this::sweep);
        }
    }

    private static final class Endpoint {
        final String id;
        final AtomicInteger consecutive5xx = new AtomicInteger();
        final AtomicInteger consecutiveGateway = new AtomicInteger();
        final AtomicInteger consecutiveLocal = new AtomicInteger();
        // LongAdder: every event loop bumps these for a popular endpoint; only the sweep reads them.
        final LongAdder successes = new LongAdder();
        final LongAdder failures = new LongAdder();
        volatile boolean ejected; // written under lock; read lock-free by record()
        // Guarded by the detector's lock.
        boolean removed;
        int multiplier;
        long timesEjected;
        long ejectedUntilNanos;
        long lastReturnNanos = Long.MIN_VALUE / 2;
        long ejectionToken;
        EjectionReason lastReason;
        Scheduler.Cancellable returnTimer;
        double lastSuccessRate = Double.NaN;
        long lastRequests;

        Endpoint(String id) {
            this.id = id;
        }
    }

    /** Builder for {@link OutlierDetector}. Not thread-safe. */
    public static final class Builder {
        private final String cluster;
        private final OutlierDetectionOptions options;
        private final Scheduler scheduler;
        private RandomSource random = RandomSource.threadLocal();
        private Consumer<Set<String>> listener = s -> { };
        private MeterRegistry registry;

        private Builder(String cluster, OutlierDetectionOptions options, Scheduler scheduler) {
            this.cluster = Objects.requireNonNull(cluster, "cluster");
            this.options = Objects.requireNonNull(options, "options");
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        }

        /** Randomness for the {@code enforcing_*} percentages; default {@link RandomSource#threadLocal()}. */
        public Builder random(RandomSource random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        /** Called with the complete new ejected set after every change (see the class threading notes). */
        public Builder listener(Consumer<Set<String>> listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Registers {@code gossamer_outlier_ejections_total{cluster,reason}},
         * {@code gossamer_outlier_ejections_overflow_total{cluster}} and {@code gossamer_outlier_ejected{cluster}}.
         */
        public Builder meterRegistry(MeterRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /** Builds the detector and schedules its first sweep one interval from now. */
        public OutlierDetector build() {
            OutlierDetector d = new OutlierDetector(this);
            d.startSweep();
            return d;
        }
    }
}
