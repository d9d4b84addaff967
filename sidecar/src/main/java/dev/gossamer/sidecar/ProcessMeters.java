package dev.gossamer.sidecar;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.List;

/**
 * The process's own meters (JVM memory, threads, class loading, CPU, uptime) from Micrometer's binders, with
 * the two names Prometheus' lint refuses replaced (issue 12: {@code promtool check metrics} exited 3):
 * {@code process.cpu.time} in nanoseconds becomes {@code process_cpu_time_seconds_total} (Prometheus wants base
 * units, seconds), and the gauge {@code system.cpu.count} becomes {@code system_available_processors} (a
 * {@code _count} suffix belongs to histograms and summaries).
 *
 * <p>One of its own: {@code gossamer.process.allocated} (Prometheus {@code gossamer_process_allocated_bytes_total}),
 * the bytes every thread of the JVM allocated on the heap since it started (terminated threads included), from
 * {@link com.sun.management.ThreadMXBean#getTotalThreadAllocatedBytes}; its rate over the request rate is the
 * allocation per request (issue 13, bench/load/run.sh). Not registered where the JVM cannot measure it (another
 * {@code ThreadMXBean}, or thread allocation accounting unsupported or switched off): no series rather than a made-up
 * value.
 *
 * <p>The collector's meters are read when scraped, not heard: {@code jvm_gc_collections_total} and
 * {@code jvm_gc_collection_seconds_total} per collector ({@code gc} tag), from its {@code GarbageCollectorMXBean}.
 * Micrometer's {@code JvmGcMetrics} listens to the JVM's notification after every collection instead, and that
 * notification costs every collection a {@code GcInfo} built on the JVM's notification thread: with the 4 MB young
 * generation the launcher gives a sidecar, about 34 collections a second under load, that thread took 1.9 % of the
 * process's CPU at saturation (docs/performance.md, "The collector's meters, read at the scrape"), on the core the
 * event loop shares.
 */
final class ProcessMeters {

    private ProcessMeters() {
    }

    /** Keeps out the two meters Prometheus refuses; call once on a new registry, before anything registers. */
    static void filter(MeterRegistry registry) {
        registry.config().meterFilter(MeterFilter.denyNameStartsWith("process.cpu.time"));
        registry.config().meterFilter(MeterFilter.denyNameStartsWith("system.cpu.count"));
    }

    /**
     * Binds every process meter to {@code registry}, once, after {@link #filter}. Any thread: Micrometer's
     * registries take meters from several threads, so the sidecar binds these beside the rest of its start.
     */
    static void bind(MeterRegistry registry) {
        new JvmMemoryMetrics().bindTo(registry);
        bindGc(registry, ManagementFactory.getGarbageCollectorMXBeans());
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        Runtime runtime = Runtime.getRuntime();
        Gauge.builder("system.available.processors", runtime, Runtime::availableProcessors)
                .description("Processors available to the JVM").register(registry);
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun && sun.getProcessCpuTime() >= 0) {
            FunctionCounter.builder("process.cpu.time.seconds", sun, b -> b.getProcessCpuTime() / 1e9)
                    .description("CPU time used by the process").register(registry);
        }
        bindAllocated(registry, ManagementFactory.getThreadMXBean());
    }

    /**
     * {@code jvm.gc.collections} and {@code jvm.gc.collection} (seconds) for each of {@code collectors} that counts
     * them (a collector answers -1 where it does not), read at every scrape.
     */
    static void bindGc(MeterRegistry registry, List<GarbageCollectorMXBean> collectors) {
        for (GarbageCollectorMXBean gc : collectors) {
            if (gc.getCollectionCount() < 0 || gc.getCollectionTime() < 0) {
                continue;
            }
            Tags tags = Tags.of("gc", gc.getName());
            FunctionCounter.builder("jvm.gc.collections", gc, GarbageCollectorMXBean::getCollectionCount)
                    .tags(tags).description("Collections by this collector since the JVM started").register(registry);
            FunctionCounter.builder("jvm.gc.collection", gc, b -> b.getCollectionTime() / 1e3)
                    .tags(tags).baseUnit("seconds")
                    .description("Time this collector spent collecting (its pauses included) since the JVM started")
                    .register(registry);
        }
    }

    /** {@code gossamer.process.allocated} from {@code threads}, when it measures allocation; false when not. */
    static boolean bindAllocated(MeterRegistry registry, java.lang.management.ThreadMXBean threads) {
        if (!(threads instanceof com.sun.management.ThreadMXBean sun)
                || !sun.isThreadAllocatedMemorySupported() || !sun.isThreadAllocatedMemoryEnabled()
                || sun.getTotalThreadAllocatedBytes() < 0) {
            return false;
        }
        FunctionCounter.builder("gossamer.process.allocated", sun,
                        com.sun.management.ThreadMXBean::getTotalThreadAllocatedBytes)
                .baseUnit("bytes")
                .description("Bytes allocated on the heap by every thread of the process since it started")
                .register(registry);
        return true;
    }
}
