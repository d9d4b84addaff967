package dev.gossamer.health;

import dev.gossamer.common.RandomSource;
import dev.gossamer.common.Scheduler;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Actively checks every endpoint of one cluster: one {@link ActiveHealthChecker} per target, all with the same
 * {@link HealthCheckOptions} and {@link Prober}.
 *
 * <p>{@link #setTargets(Set)} follows membership: new targets start in {@link HealthState#UNKNOWN} and are
 * probed at once, removed targets stop (a probe in flight is ignored), and targets in both sets keep running
 * with their state untouched. Listener calls for a removed target are suppressed.
 *
 * <p>Metrics (when a registry is given): {@code gossamer_health_probes_total{cluster}},
 * {@code gossamer_health_probe_failures_total{cluster,reason}} and the gauge
 * {@code gossamer_health_unhealthy{cluster}} (targets currently {@code UNHEALTHY}).
 *
 * <p>Threading: thread-safe; {@code setTargets} is serialised by a lock, reads are lock-free. The listener runs
 * as described in {@link HealthListener}.
 */
public final class HealthCheckGroup implements AutoCloseable {

    private final String cluster;
    private final HealthCheckOptions options;
    private final Prober prober;
    private final Scheduler scheduler;
    private final RandomSource random;
    private final HealthListener listener;
    private final HealthMeters meters;
    private final Map<HealthTarget, ActiveHealthChecker> checkers = new ConcurrentHashMap<>();
    private final MeterRegistry registry;
    private final Gauge unhealthyGauge;
    private boolean closed; // guarded by this

    private HealthCheckGroup(Builder b) {
        this.cluster = b.cluster;
        this.options = b.options;
        this.prober = b.prober;
        this.scheduler = b.scheduler;
        this.random = b.random;
        this.listener = b.listener;
        if (b.registry != null) {
            this.meters = new HealthMeters(b.registry, cluster);
            this.unhealthyGauge = Gauge.builder(HealthMeters.UNHEALTHY, checkers,
                            m -> m.values().stream().filter(c -> c.state() == HealthState.UNHEALTHY).count())
                    .tag("cluster", cluster).description("Endpoints currently failing active health checks")
                    .register(b.registry);
        } else {
            this.meters = HealthMeters.NONE;
            this.unhealthyGauge = null;
        }
        this.registry = b.registry;
    }

    public static Builder builder(String cluster, HealthCheckOptions options, Prober prober, Scheduler scheduler) {
        return new Builder(cluster, options, prober, scheduler);
    }

    public String cluster() {
        return cluster;
    }

    /** Makes the checked set equal to {@code targets}: starts the new ones, stops the removed ones. */
    public synchronized void setTargets(Set<HealthTarget> targets) {
        Objects.requireNonNull(targets, "targets");
        if (closed) {
            return;
        }
        for (HealthTarget gone : new HashSet<>(checkers.keySet())) {
            if (!targets.contains(gone)) {
                checkers.remove(gone).stop();
            }
        }
        for (HealthTarget t : targets) {
            if (!checkers.containsKey(t)) {
                ActiveHealthChecker c = ActiveHealthChecker.builder(t, options, prober, scheduler)
                        .random(random).meters(meters).listener(this::forward).build();
                checkers.put(t, c);
                c.start();
            }
        }
    }

    /** The targets being checked. */
    public Set<HealthTarget> targets() {
        return Set.copyOf(checkers.keySet());
    }

    /** The state of {@code target}, or {@code null} if it is not in the group. */
    public HealthState state(HealthTarget target) {
        ActiveHealthChecker c = checkers.get(target);
        return c == null ? null : c.state();
    }

    /** The targets whose state is {@link HealthState#HEALTHY} right now. */
    public Set<HealthTarget> healthyTargets() {
        Set<HealthTarget> out = new HashSet<>();
        checkers.forEach((t, c) -> {
            if (c.state().routable()) {
                out.add(t);
            }
        });
        return Set.copyOf(out);
    }

    /** Per-target snapshots, for the admin API. */
    public Map<HealthTarget, ActiveHealthChecker.Snapshot> snapshot() {
        Map<HealthTarget, ActiveHealthChecker.Snapshot> out = new LinkedHashMap<>();
        checkers.forEach((t, c) -> out.put(t, c.snapshot()));
        return out;
    }

    /**
     * Stops every checker and unregisters the gauge (so a replacement group for the same cluster can register
     * its own); the group ignores later {@link #setTargets} calls.
     */
    @Override
    public synchronized void close() {
        closed = true;
        checkers.values().forEach(ActiveHealthChecker::stop);
        checkers.clear();
        if (unhealthyGauge != null) {
            registry.remove(unhealthyGauge);
        }
    }

    private void forward(HealthTarget target, HealthState from, HealthState to, String reason) {
        // A result that raced with removal must not resurrect a target the caller already dropped.
        if (checkers.containsKey(target)) {
            listener.onChange(target, from, to, reason);
        }
    }

    /** Builder for {@link HealthCheckGroup}. Not thread-safe. */
    public static final class Builder {
        private final String cluster;
        private final HealthCheckOptions options;
        private final Prober prober;
        private final Scheduler scheduler;
        private RandomSource random = RandomSource.threadLocal();
        private HealthListener listener = (t, o, n, r) -> { };
        private MeterRegistry registry;

        private Builder(String cluster, HealthCheckOptions options, Prober prober, Scheduler scheduler) {
            this.cluster = Objects.requireNonNull(cluster, "cluster");
            this.options = Objects.requireNonNull(options, "options");
            this.prober = Objects.requireNonNull(prober, "prober");
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        }

        public Builder random(RandomSource random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        public Builder listener(HealthListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        public Builder meterRegistry(MeterRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
            return this;
        }

        public HealthCheckGroup build() {
            return new HealthCheckGroup(this);
        }
    }
}
