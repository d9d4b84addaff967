package dev.gossamer.sidecar;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Rates and quantiles over the last few seconds from ever-growing counters, the way Prometheus' {@code rate()} and
 * {@code histogram_quantile()} read them: the dashboard samples each counter (and each cumulative histogram bucket)
 * once a second and compares the newest sample with one about {@link #WINDOW} older.
 *
 * <p>Example: requests of route {@code orders} sampled as 100 at t=0 s and 160 at t=5 s give 12 req/s; buckets
 * {@code le 1 ms: 10→30, le 5 ms: 20→80, +Inf: 20→80} give 60 requests in the window, 20 of them under 1 ms, so the
 * median (30th) falls in the 1–5 ms bucket, a quarter of the way in: 2 ms.
 *
 * <p>Threading: not thread-safe; the dashboard samples on one thread.
 */
final class RateWindow {

    /** Long enough to smooth one-second noise, short enough that a killed endpoint shows within seconds. */
    static final Duration WINDOW = Duration.ofSeconds(5);

    /** One sample of a series: the time and the counter values (for a histogram, one per bucket). */
    private record Sample(long nanos, long[] values) {
    }

    private final Map<String, ArrayDeque<Sample>> series = new HashMap<>();
    private long lastSampleNanos;

    /** Records the values of series {@code key} at {@code nanos}, dropping samples older than needed. */
    void record(String key, long nanos, long... values) {
        ArrayDeque<Sample> q = series.computeIfAbsent(key, k -> new ArrayDeque<>());
        q.addLast(new Sample(nanos, values.clone()));
        // keep one sample at or before the start of the window, so the window is always covered
        while (q.size() > 2) {
            Sample second = q.stream().skip(1).findFirst().orElseThrow();
            if (nanos - second.nanos() >= WINDOW.toNanos()) {
                q.removeFirst();
            } else {
                break;
            }
        }
        lastSampleNanos = nanos;
    }

    /** Forgets series not recorded at the last sample time (a route or endpoint that went away). */
    void retainRecent() {
        series.values().removeIf(q -> q.peekLast() == null || q.peekLast().nanos() != lastSampleNanos);
    }

    /**
     * The growth of each value of {@code key} over the window, and the window's length in nanoseconds as the last
     * element; null with fewer than two samples.
     */
    long[] delta(String key) {
        ArrayDeque<Sample> q = series.get(key);
        if (q == null || q.size() < 2) {
            return null;
        }
        Sample first = q.peekFirst();
        Sample last = q.peekLast();
        int n = Math.min(first.values().length, last.values().length);
        long[] d = new long[n + 1];
        for (int i = 0; i < n; i++) {
            d[i] = Math.max(0, last.values()[i] - first.values()[i]); // a reset counter counts as no growth
        }
        d[n] = last.nanos() - first.nanos();
        return d;
    }

    /** Per second: {@code count} over {@code nanos}; 0 for an empty window. */
    static double perSecond(long count, long nanos) {
        return nanos <= 0 ? 0 : count * 1e9 / nanos;
    }

    /**
     * The {@code q} quantile (0..1) of a histogram from cumulative bucket counts ({@code counts[i]} = observations
     * {@code <= bounds[i]}, bounds ascending, the last bucket possibly +Inf), by linear interpolation inside the
     * bucket as Prometheus' {@code histogram_quantile} does; NaN without observations. A quantile in the +Inf bucket
     * is the highest finite bound.
     */
    static double quantile(double q, double[] bounds, long[] counts) {
        if (bounds.length != counts.length) {
            throw new IllegalArgumentException("bounds: " + bounds.length + ", counts: " + counts.length
                    + " (expected: the same length)");
        }
        if (q < 0 || q > 1) {
            throw new IllegalArgumentException("q: " + q + " (expected: 0..1)");
        }
        int n = counts.length;
        if (n == 0 || counts[n - 1] == 0) {
            return Double.NaN;
        }
        double rank = q * counts[n - 1];
        int i = 0;
        while (i < n - 1 && counts[i] < rank) {
            i++;
        }
        if (Double.isInfinite(bounds[i])) {
            return i > 0 ? bounds[i - 1] : 0;
        }
        double lower = i == 0 ? 0 : bounds[i - 1];
        long below = i == 0 ? 0 : counts[i - 1];
        long inBucket = counts[i] - below;
        if (inBucket <= 0) {
            return bounds[i];
        }
        return lower + (bounds[i] - lower) * ((rank - below) / inBucket);
    }
}
