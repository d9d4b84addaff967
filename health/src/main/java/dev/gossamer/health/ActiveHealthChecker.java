package dev.gossamer.health;

import dev.gossamer.common.RandomSource;
import dev.gossamer.common.Scheduler;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * Probes one target on a schedule and keeps its {@link HealthState} with Envoy's threshold rules.
 *
 * <p>Schedule: the first probe runs as soon as {@link #start()} is called (on the scheduler); each next probe
 * starts {@code interval + uniform[0, interval × jitter%]} after the previous one <em>finished</em>, so at most
 * one probe per target is in flight. Each probe is bounded by {@code timeout} on the injected scheduler's
 * clock; a result that arrives later is ignored and the probe counts as a {@code timeout} failure.
 *
 * <p>State: starts {@link HealthState#UNKNOWN} (not routable, like Envoy's pending first check). The first
 * result decides at once. Afterwards a healthy target needs {@code unhealthy_threshold} consecutive failures to
 * become unhealthy, and an unhealthy one {@code healthy_threshold} consecutive successes to come back. Example
 * with thresholds 3/2: results {@code ✓ ✗ ✗ ✓ ✗ ✗ ✗ ✓ ✓} give {@code HEALTHY} after the first, stay healthy
 * (the success resets the failure run), turn {@code UNHEALTHY} at the 7th and {@code HEALTHY} at the 9th.
 *
 * <p>Threading: thread-safe. Timer tasks run on the scheduler's thread (the Vert.x context with
 * {@link dev.gossamer.vertx.VertxScheduler}); the {@link HealthListener} is called outside the checker's lock.
 */
public final class ActiveHealthChecker implements AutoCloseable {

    private final HealthTarget target;
    private final HealthCheckOptions options;
    private final Prober prober;
    private final Scheduler scheduler;
    private final RandomSource random;
    private final HealthListener listener;
    private final HealthMeters meters;

    // Guarded by this.
    private boolean running;
    private boolean stopped;
    private HealthState state = HealthState.UNKNOWN;
    private int consecutiveSuccesses;
    private int consecutiveFailures;
    private long probes;
    private final long[] failures = new long[ProbeResult.Failure.values().length];
    private ProbeResult lastResult;
    private long probeSeq;
    private boolean inFlight;
    private Scheduler.Cancellable nextProbe;
    private Scheduler.Cancellable probeTimeout;

    private ActiveHealthChecker(Builder b) {
        this.target = b.target;
        this.options = b.options;
        this.prober = b.prober;
        this.scheduler = b.scheduler;
        this.random = b.random;
        this.listener = b.listener;
        this.meters = b.meters;
    }

    /** A checker of {@code target}; call {@link Builder#build()} then {@link #start()}. */
    public static Builder builder(HealthTarget target, HealthCheckOptions options, Prober prober,
                                  Scheduler scheduler) {
        return new Builder(target, options, prober, scheduler);
    }

    /** Starts probing (first probe immediately, on the scheduler). Idempotent; a stopped checker stays stopped. */
    public synchronized void start() {
        if (running || stopped) {
            return;
        }
        running = true;
        nextProbe = scheduler.schedule(Duration.ZERO, this::probeNow);
    }

    /** Stops probing; a probe in flight is abandoned and its result ignored. The listener is not called again. */
    public synchronized void stop() {
        running = false;
        stopped = true;
        cancel(nextProbe);
        cancel(probeTimeout);
        nextProbe = null;
        probeTimeout = null;
    }

    @Override
    public void close() {
        stop();
    }

    public HealthTarget target() {
        return target;
    }

    public synchronized HealthState state() {
        return state;
    }

    /** A consistent copy of this checker's state and counters, for the admin API. */
    public synchronized Snapshot snapshot() {
        Map<ProbeResult.Failure, Long> byReason = new EnumMap<>(ProbeResult.Failure.class);
        for (ProbeResult.Failure f : ProbeResult.Failure.values()) {
            byReason.put(f, failures[f.ordinal()]);
        }
        return new Snapshot(target, state, consecutiveSuccesses, consecutiveFailures, probes, Map.copyOf(byReason),
                lastResult);
    }

    private void probeNow() {
        long seq;
        synchronized (this) {
            if (!running || inFlight) {
                return;
            }
            nextProbe = null;
            inFlight = true;
            seq = ++probeSeq;
            probes++;
            meters.probeStarted();
            probeTimeout = scheduler.schedule(options.timeout(), () -> onResult(seq, ProbeResult.failed(
                    ProbeResult.Failure.TIMEOUT, "no result within " + options.timeout().toMillis() + " ms")));
        }
        Future<ProbeResult> f;
        try {
            f = prober.probe(target, options.timeout());
        } catch (RuntimeException e) {
            f = Future.failedFuture(e);
        }
        f.onComplete(ar -> onResult(seq, ar.succeeded() && ar.result() != null ? ar.result()
                : ProbeResult.failed(ProbeResult.Failure.CONNECT, "prober failed: " + ar.cause())));
    }

    private void onResult(long seq, ProbeResult result) {
        HealthState from;
        HealthState to;
        String reason;
        synchronized (this) {
            if (!running || !inFlight || seq != probeSeq) {
                return;
            }
            inFlight = false;
            cancel(probeTimeout);
            probeTimeout = null;
            lastResult = result;
            from = state;
            if (result.healthy()) {
                consecutiveSuccesses++;
                consecutiveFailures = 0;
                if (state == HealthState.UNKNOWN) {
                    state = HealthState.HEALTHY;
                } else if (state == HealthState.UNHEALTHY && consecutiveSuccesses >= options.healthyThreshold()) {
                    state = HealthState.HEALTHY;
                }
            } else {
                failures[result.failure().ordinal()]++;
                meters.probeFailed(result.failure());
                consecutiveFailures++;
                consecutiveSuccesses = 0;
                if (state == HealthState.UNKNOWN) {
                    state = HealthState.UNHEALTHY;
                } else if (state == HealthState.HEALTHY && consecutiveFailures >= options.unhealthyThreshold()) {
                    state = HealthState.UNHEALTHY;
                }
            }
            to = state;
            reason = from == HealthState.UNKNOWN ? "first probe " + result
                    : (result.healthy() ? consecutiveSuccesses + " consecutive successes"
                    : consecutiveFailures + " consecutive failures") + " (last: " + result + ")";
            nextProbe = scheduler.schedule(nextDelay(), this::probeNow);
        }
        if (from != to) {
            listener.onChange(target, from, to, reason);
        }
    }

    private Duration nextDelay() {
        long interval = options.interval().toNanos();
        // Envoy's interval_jitter_percent: a fresh random extra wait each interval, never a shorter one.
        long jitter = interval / 100 * options.jitterPercent();
        return Duration.ofNanos(jitter > 0 ? interval + random.nextLong(jitter + 1) : interval);
    }

    private static void cancel(Scheduler.Cancellable c) {
        if (c != null) {
            c.cancel();
        }
    }

    /**
     * The checker's state for the admin API.
     *
     * @param failuresByReason failed probes since start, by reason
     * @param lastResult       the last probe's result, or {@code null} before the first one finished
     */
    public record Snapshot(HealthTarget target, HealthState state, int consecutiveSuccesses,
                           int consecutiveFailures, long probes, Map<ProbeResult.Failure, Long> failuresByReason,
                           ProbeResult lastResult) {
    }

    /** Builder for {@link ActiveHealthChecker}. Not thread-safe. */
    public static final class Builder {
        private final HealthTarget target;
        private final HealthCheckOptions options;
        private final Prober prober;
        private final Scheduler scheduler;
        private RandomSource random = RandomSource.threadLocal();
        private HealthListener listener = (t, o, n, r) -> { };
        private HealthMeters meters = HealthMeters.NONE;

        private Builder(HealthTarget target, HealthCheckOptions options, Prober prober, Scheduler scheduler) {
            this.target = Objects.requireNonNull(target, "target");
            this.options = Objects.requireNonNull(options, "options");
            this.prober = Objects.requireNonNull(prober, "prober");
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        }

        /** Randomness for jitter; default {@link RandomSource#threadLocal()}. */
        public Builder random(RandomSource random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        public Builder listener(HealthListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** Counts probes and failures under {@code gossamer_health_*} tagged with {@code cluster}. */
        public Builder meterRegistry(MeterRegistry registry, String cluster) {
            this.meters = new HealthMeters(Objects.requireNonNull(registry, "registry"),
                    Objects.requireNonNull(cluster, "cluster"));
            return this;
        }

        Builder meters(HealthMeters meters) {
            this.meters = meters;
            return this;
        }

        public ActiveHealthChecker build() {
            return new ActiveHealthChecker(this);
        }
    }
}
