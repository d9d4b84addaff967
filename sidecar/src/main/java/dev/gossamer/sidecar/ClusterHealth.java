package dev.gossamer.sidecar;

import dev.gossamer.balancer.Endpoint;
import dev.gossamer.common.RandomSource;
import dev.gossamer.common.Scheduler;
import dev.gossamer.health.HealthCheckGroup;
import dev.gossamer.health.HealthCheckOptions;
import dev.gossamer.health.HealthState;
import dev.gossamer.health.HealthTarget;
import dev.gossamer.health.OutlierDetector;
import dev.gossamer.health.Outcome;
import dev.gossamer.health.OutlierSnapshot;
import dev.gossamer.health.VertxProber;
import dev.gossamer.proxy.DataPlane;
import dev.gossamer.proxy.TryOutcome;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The health of one cluster's endpoints as this sidecar sees them: active checks (static clusters with
 * {@code health_check}) and passive outlier detection ({@code outlier_detection}), combined into the filter the
 * data plane builds pickers from. Panic mode and slow start are applied by the data plane on top of this filter.
 *
 * <p>Threading: {@link #record} is called from every event loop; everything else from the sidecar's wiring.
 */
final class ClusterHealth implements AutoCloseable {

    private final String cluster;
    private final DataPlane dataPlane;
    private final Plans.ClusterPlan plan;
    private final OutlierDetector detector;
    private final HealthCheckGroup checks;
    private final VertxProber prober;
    private volatile Map<String, HealthTarget> targets = Map.of();
    private final Events events;
    private Set<String> lastEjected = Set.of(); // guarded by this

    private ClusterHealth(Plans.ClusterPlan plan, DataPlane dataPlane, Vertx vertx, Scheduler scheduler,
                          RandomSource random, MeterRegistry registry, Events events) {
        this.cluster = plan.config().name();
        this.events = events;
        this.plan = plan;
        this.dataPlane = dataPlane;
        this.detector = plan.outlier()
                .map(options -> OutlierDetector.builder(cluster, options, scheduler)
                        .random(random)
                        .meterRegistry(registry)
                        .listener(ejected -> {
                            ejections(ejected);
                            publish();
                        })
                        .build())
                .orElse(null);
        if (plan.checks().isPresent()) {
            HealthCheckOptions options = plan.checks().get();
            this.prober = VertxProber.create(vertx, options);
            this.checks = HealthCheckGroup.builder(cluster, options, prober, scheduler)
                    .random(random)
                    .meterRegistry(registry)
                    .listener((target, from, to, reason) -> {
                        checkChanged(target, from, to, reason);
                        publish();
                    })
                    .build();
        } else {
            this.prober = null;
            this.checks = null;
        }
    }

    /**
     * Health for a cluster from its built plan (phase one built and validated the options), or empty when it has
     * neither active checks nor outlier detection.
     */
    static Optional<ClusterHealth> of(Plans.ClusterPlan plan, DataPlane dataPlane, Vertx vertx, Scheduler scheduler,
                                      RandomSource random, MeterRegistry registry, Events events) {
        return plan.any() ? Optional.of(new ClusterHealth(plan, dataPlane, vertx, scheduler, random, registry,
                events))
                : Optional.empty();
    }

    Plans.ClusterPlan plan() {
        return plan;
    }

    /** The endpoints to watch changed (a reload, or membership). */
    void setEndpoints(List<Endpoint> endpoints) {
        Set<String> ids = new HashSet<>();
        Map<String, HealthTarget> t = new java.util.HashMap<>();
        for (Endpoint e : endpoints) {
            ids.add(e.id());
            t.put(e.id(), new HealthTarget(e.host(), e.port()));
        }
        targets = Map.copyOf(t);
        if (detector != null) {
            detector.setEndpoints(ids);
        }
        if (checks != null) {
            checks.setTargets(new HashSet<>(t.values()));
        }
        publish();
    }

    /** Feeds one try's outcome to outlier detection. Cheap; called on the request path. */
    void record(Endpoint endpoint, TryOutcome outcome) {
        if (detector == null) {
            return;
        }
        detector.record(endpoint.id(), switch (outcome.kind()) {
            case SUCCESS -> Outcome.SUCCESS;
            case HTTP_5XX -> Outcome.http5xx(outcome.status());
            case CONNECT_FAILURE, RESET, TIMEOUT -> Outcome.LOCAL_ORIGIN_FAILURE;
        });
    }

    /** Whether {@code e} may take traffic: its active check passed (when checked here) and it is not ejected. */
    boolean usable(Endpoint e) {
        if (detector != null && detector.isEjected(e.id())) {
            return false;
        }
        if (checks != null) {
            HealthTarget t = targets.get(e.id());
            return t != null && checks.state(t) == HealthState.HEALTHY;
        }
        return true;
    }

    /** Active-check state of endpoint {@code id}, or null when it is not checked here. */
    HealthState activeState(String id) {
        HealthTarget t = targets.get(id);
        return checks == null || t == null ? null : checks.state(t);
    }

    /** Outlier state of endpoint {@code id}, or null without outlier detection. */
    OutlierSnapshot outlier(String id) {
        return detector == null ? null : detector.snapshot().get(id);
    }

    /** Events for endpoints that entered or left the ejected set. */
    private void ejections(Set<String> ejected) {
        Set<String> before;
        synchronized (this) {
            before = lastEjected;
            lastEjected = Set.copyOf(ejected);
        }
        for (String id : ejected) {
            if (!before.contains(id)) {
                OutlierSnapshot o = outlier(id);
                events.publishLogged(Events.Kind.ENDPOINT_EJECTED, cluster + "/" + id, "endpoint " + id
                        + " of cluster " + cluster + " ejected by outlier detection"
                        + (o == null ? "" : o.lastEjectionReason().map(r -> ": " + r).orElse("")));
            }
        }
        for (String id : before) {
            if (!ejected.contains(id)) {
                events.publishLogged(Events.Kind.ENDPOINT_RETURNED, cluster + "/" + id, "endpoint " + id
                        + " of cluster " + cluster + " returned from ejection");
            }
        }
    }

    private void checkChanged(HealthTarget target, HealthState from, HealthState to, String reason) {
        if (to != HealthState.UNHEALTHY && from != HealthState.UNHEALTHY) {
            return; // unknown -> healthy at start is not news
        }
        String id = target.host() + ":" + target.port();
        boolean down = to == HealthState.UNHEALTHY;
        events.publishLogged(down ? Events.Kind.CHECK_DOWN : Events.Kind.CHECK_UP, cluster + "/" + id,
                "endpoint " + id + " of cluster " + cluster + " health check " + (down ? "down: " + reason
                        : "up again"));
    }

    private void publish() {
        Predicate<Endpoint> filter = this::usable;
        dataPlane.setEndpointFilter(cluster, filter);
    }

    @Override
    public void close() {
        if (detector != null) {
            detector.close();
        }
        if (checks != null) {
            checks.close();
        }
        if (prober != null) {
            prober.close();
        }
    }
}
