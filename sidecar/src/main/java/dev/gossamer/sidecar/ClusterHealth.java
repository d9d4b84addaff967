package dev.gossamer.sidecar;

import dev.gossamer.balancer.Endpoint;
import dev.gossamer.common.RandomSource;
import dev.gossamer.common.Scheduler;
import dev.gossamer.config.ClusterConfig;
import dev.gossamer.config.HealthCheckConfig;
import dev.gossamer.config.OutlierDetectionConfig;
import dev.gossamer.health.HealthCheckGroup;
import dev.gossamer.health.HealthCheckOptions;
import dev.gossamer.health.HealthState;
import dev.gossamer.health.HealthTarget;
import dev.gossamer.health.OutlierDetectionOptions;
import dev.gossamer.health.OutlierDetector;
import dev.gossamer.health.OutlierSnapshot;
import dev.gossamer.health.StatusRange;
import dev.gossamer.health.VertxProber;
import dev.gossamer.proxy.DataPlane;
import dev.gossamer.proxy.Outcome;
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
    private final ClusterConfig config;
    private final OutlierDetector detector;
    private final HealthCheckGroup checks;
    private final VertxProber prober;
    private volatile Map<String, HealthTarget> targets = Map.of();

    private ClusterHealth(ClusterConfig config, DataPlane dataPlane, Vertx vertx, Scheduler scheduler,
                          RandomSource random, MeterRegistry registry) {
        this.cluster = config.name();
        this.config = config;
        this.dataPlane = dataPlane;
        this.detector = config.outlierDetection()
                .map(od -> OutlierDetector.builder(cluster, outlierOptions(od), scheduler)
                        .random(random)
                        .meterRegistry(registry)
                        .listener(ejected -> publish())
                        .build())
                .orElse(null);
        if (checksHere(config)) {
            HealthCheckOptions options = checkOptions(config.healthCheck().get());
            this.prober = VertxProber.create(vertx, options);
            this.checks = HealthCheckGroup.builder(cluster, options, prober, scheduler)
                    .random(random)
                    .meterRegistry(registry)
                    .listener((target, from, to, reason) -> publish())
                    .build();
        } else {
            this.prober = null;
            this.checks = null;
        }
    }

    /** Health for {@code config}'s cluster, or empty when it has neither active checks nor outlier detection. */
    static Optional<ClusterHealth> of(ClusterConfig config, DataPlane dataPlane, Vertx vertx, Scheduler scheduler,
                                      RandomSource random, MeterRegistry registry) {
        boolean any = config.outlierDetection().isPresent() || checksHere(config);
        return any ? Optional.of(new ClusterHealth(config, dataPlane, vertx, scheduler, random, registry))
                : Optional.empty();
    }

    /**
     * The calling sidecar actively checks only static endpoints; endpoints from membership carry the health their
     * own node checked and advertised by gossip.
     */
    private static boolean checksHere(ClusterConfig config) {
        return config.healthCheck().isPresent() && config.endpoints().isPresent();
    }

    ClusterConfig config() {
        return config;
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
    void record(Endpoint endpoint, Outcome outcome) {
        if (detector == null) {
            return;
        }
        detector.record(endpoint.id(), switch (outcome.kind()) {
            case SUCCESS -> dev.gossamer.health.Outcome.SUCCESS;
            case HTTP_5XX -> dev.gossamer.health.Outcome.http5xx(outcome.status());
            case CONNECT_FAILURE, RESET, TIMEOUT -> dev.gossamer.health.Outcome.LOCAL_ORIGIN_FAILURE;
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

    static OutlierDetectionOptions outlierOptions(OutlierDetectionConfig c) {
        return OutlierDetectionOptions.builder()
                .consecutive5xx(c.consecutive5xx())
                .consecutiveGatewayFailure(c.consecutiveGatewayFailure())
                // Envoy leaves gateway-failure ejection unenforced by default; a sidecar user who writes the
                // field (or relies on our documented default of 5) expects it to eject.
                .enforcingConsecutiveGatewayFailure(100)
                .consecutiveLocalOriginFailure(c.consecutiveLocalOriginFailure())
                // Count connect failures, resets and timeouts on their own (Envoy's split mode), so that
                // consecutive_local_origin_failure means what it says and an HTTP 503 is not a dead socket.
                .splitExternalLocalOriginErrors(true)
                .interval(c.interval())
                .baseEjectionTime(c.baseEjectionTime())
                .maxEjectionTime(c.maxEjectionTime())
                .maxEjectionPercent((int) Math.round(c.maxEjectionPercent()))
                .successRateMinimumHosts(c.successRateMinimumHosts())
                .successRateRequestVolume(c.successRateRequestVolume())
                .successRateStdevFactor(c.successRateStdevFactor())
                .enforcingSuccessRate((int) Math.round(c.enforcingSuccessRate()))
                .failurePercentageThreshold((int) Math.round(c.failurePercentageThreshold()))
                .failurePercentageMinimumHosts(c.failurePercentageMinimumHosts())
                .failurePercentageRequestVolume(c.failurePercentageRequestVolume())
                .enforcingFailurePercentage((int) Math.round(c.enforcingFailurePercentage()))
                .build();
    }

    static HealthCheckOptions checkOptions(HealthCheckConfig c) {
        HealthCheckOptions.Builder b = c.protocol() == HealthCheckConfig.Protocol.TCP
                ? HealthCheckOptions.tcp()
                : HealthCheckOptions.http(c.path())
                        .expectedStatuses(c.expectedStatuses().stream()
                                .map(r -> new StatusRange(r.from(), r.to())).toList());
        return b.interval(c.interval())
                .timeout(c.timeout())
                .jitterPercent((int) Math.round(c.jitterPercent()))
                .unhealthyThreshold(c.unhealthyThreshold())
                .healthyThreshold(c.healthyThreshold())
                .build();
    }
}
