package dev.gossamer.health;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;

/**
 * Active-check counters for one cluster. Micrometer names use dots; the Prometheus registry renders them as
 * {@code gossamer_health_probes_total{cluster}} and {@code gossamer_health_probe_failures_total{cluster,reason}}.
 */
final class HealthMeters {

    static final String PROBES = "gossamer.health.probes";
    static final String PROBE_FAILURES = "gossamer.health.probe.failures";
    static final String UNHEALTHY = "gossamer.health.unhealthy";

    static final HealthMeters NONE = new HealthMeters(null, null);

    private final Counter probes;
    private final Map<ProbeResult.Failure, Counter> failures = new EnumMap<>(ProbeResult.Failure.class);

    HealthMeters(MeterRegistry registry, String cluster) {
        if (registry == null) {
            probes = null;
            return;
        }
        probes = Counter.builder(PROBES).tag("cluster", cluster)
                .description("Active health probes started").register(registry);
        for (ProbeResult.Failure f : ProbeResult.Failure.values()) {
            failures.put(f, Counter.builder(PROBE_FAILURES).tag("cluster", cluster).tag("reason", f.tag())
                    .description("Active health probes that failed, by reason").register(registry));
        }
    }

    void probeStarted() {
        if (probes != null) {
            probes.increment();
        }
    }

    void probeFailed(ProbeResult.Failure failure) {
        Counter c = failures.get(failure);
        if (c != null) {
            c.increment();
        }
    }
}
