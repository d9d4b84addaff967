package dev.gossamer.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Proxy;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The process meters of our own: {@code gossamer.process.allocated} and the collectors' counters, and no series where
 * the JVM cannot count.
 */
class ProcessMetersTest {

    private static volatile Object sink; // keeps the allocation below from being optimised away

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT); // per test

    @Test
    void theAllocatedCounterGrowsByWhatThisThreadAllocates() {
        ProcessMeters.bind(registry);
        FunctionCounter allocated = registry.get("gossamer.process.allocated").functionCounter();
        double before = allocated.count();
        for (int i = 0; i < 16; i++) {
            sink = new byte[1 << 20];
        }
        assertThat(allocated.count() - before).isGreaterThanOrEqualTo(16.0 * (1 << 20));
        assertThat(registry.scrape())
                .contains("# HELP gossamer_process_allocated_bytes_total Bytes allocated on the heap")
                .contains("# TYPE gossamer_process_allocated_bytes_total counter");
    }

    @Test
    void collectorMetersAreReadAtTheScrapeForEveryCollector() {
        ProcessMeters.bind(registry);
        List<GarbageCollectorMXBean> collectors = ManagementFactory.getGarbageCollectorMXBeans();
        assertThat(registry.find("jvm.gc.collections").functionCounters()).hasSize(collectors.size());
        double before = collections();
        System.gc();
        assertThat(collections()).isGreaterThan(before);
        for (GarbageCollectorMXBean gc : collectors) {
            assertThat(registry.get("jvm.gc.collection").tag("gc", gc.getName()).functionCounter().count())
                    .isEqualTo(gc.getCollectionTime() / 1e3);
        }
        assertThat(registry.scrape())
                .contains("# TYPE jvm_gc_collections_total counter")
                .contains("# TYPE jvm_gc_collection_seconds_total counter");
    }

    @Test
    void aCollectorThatDoesNotCountHasNoSeries() {
        GarbageCollectorMXBean real = ManagementFactory.getGarbageCollectorMXBeans().get(0);
        GarbageCollectorMXBean uncounted = (GarbageCollectorMXBean) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {GarbageCollectorMXBean.class}, (proxy, method, args) ->
                        method.getName().startsWith("getCollection") ? -1L : method.invoke(real, args));
        ProcessMeters.bindGc(registry, List.of(uncounted));
        assertThat(registry.find("jvm.gc.collections").meters()).isEmpty();
        ProcessMeters.bindGc(registry, List.of(real));
        assertThat(registry.find("jvm.gc.collections").meters()).hasSize(1);
    }

    private double collections() {
        return registry.find("jvm.gc.collections").functionCounters().stream()
                .mapToDouble(FunctionCounter::count).sum();
    }

    @Test
    void noCounterWhenTheJvmDoesNotCountAllocation() {
        ThreadMXBean real = ManagementFactory.getThreadMXBean();
        ThreadMXBean disabled = (ThreadMXBean) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {com.sun.management.ThreadMXBean.class}, (proxy, method, args) -> {
                    if (method.getName().equals("isThreadAllocatedMemoryEnabled")) {
                        return false;
                    }
                    return method.invoke(real, args);
                });
        ThreadMXBean plain = (ThreadMXBean) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ThreadMXBean.class}, (proxy, method, args) -> method.invoke(real, args));

        assertThat(ProcessMeters.bindAllocated(registry, disabled)).isFalse();
        assertThat(ProcessMeters.bindAllocated(registry, plain)).isFalse();
        assertThat(registry.find("gossamer.process.allocated").meter()).isNull();
        assertThat(ProcessMeters.bindAllocated(registry, real)).isTrue();
        assertThat(registry.find("gossamer.process.allocated").meter()).isNotNull();
    }
}
