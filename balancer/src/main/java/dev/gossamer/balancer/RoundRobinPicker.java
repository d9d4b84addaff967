package dev.gossamer.balancer;

import com.google.common.math.LongMath;
import dev.gossamer.common.RandomSource;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Smooth weighted round robin over a precomputed cycle, indexed by one atomic counter (lock-free).
 *
 * <p>Three layouts, chosen at build time from the weights after dividing by their gcd (cycle length
 * {@code S = sum of weights}):
 * <ul>
 *   <li>all weights equal: plain rotation, {@code counter mod n};
 *   <li>{@code S <= MAX_SCHEDULE} and the O(S·n) build is cheap: nginx's smooth WRR sequence, precomputed;
 *   <li>otherwise: golden-ratio interleaving. Counter value {@code c} maps to position
 *       {@code p = c·step mod S} ({@code step} coprime to S, near S/φ), and {@code p} falls in endpoint i's slice
 *       of the cumulative weights. {@code c -> p} is a bijection of {@code [0, S)}, so each cycle gives every
 *       endpoint exactly its weight; a Weyl sequence spreads consecutive picks over the slices, so there are no
 *       long bursts, though the spacing is less even than nginx's.
 * </ul>
 */
final class RoundRobinPicker implements Picker {

    /** Longest precomputed smooth cycle: 256 KiB of ints per picker. */
    static final int MAX_SCHEDULE = 1 << 16;

    /** Upper bound of S·n for the O(S·n) smooth build (about 30 ms on a slow core). */
    static final long MAX_BUILD_STEPS = 1L << 25;

    /** How far a retry walks the cycle looking for a non-excluded endpoint before scanning the list. */
    private static final int MAX_EXCLUDED_WALK = 4096;

    enum Layout { ROTATION, SMOOTH, INTERLEAVED }

    private final List<Endpoint> endpoints;
    private final Endpoint[] array;
    private final PickResult[] results;
    private final Layout layout;
    private final long period;
    private final int[] schedule;
    private final long[] cumulative;
    private final long step;
    private final AtomicLong counter;

    RoundRobinPicker(List<Endpoint> endpoints, RandomSource random) {
        this.endpoints = endpoints;
        this.array = endpoints.toArray(new Endpoint[0]);
        this.results = Pickers.results(array);
        int n = array.length;
        long gcd = 0;
        for (Endpoint e : array) {
            gcd = LongMath.gcd(gcd, e.weight());
        }
        long[] weights = new long[n];
        long sum = 0;
        for (int i = 0; i < n; i++) {
            weights[i] = array[i].weight() / gcd;
            sum += weights[i];
        }
        if (n == 0 || sum == n) {
            layout = Layout.ROTATION;
            period = Math.max(n, 1);
            schedule = null;
            cumulative = null;
            step = 0;
        } else if (sum <= MAX_SCHEDULE && sum * n <= MAX_BUILD_STEPS) {
            layout = Layout.SMOOTH;
            period = sum;
            schedule = smoothSchedule(weights, (int) sum);
            cumulative = null;
            step = 0;
        } else {
            layout = Layout.INTERLEAVED;
            period = sum;
            schedule = null;
            cumulative = new long[n + 1];
            for (int i = 0; i < n; i++) {
                cumulative[i + 1] = cumulative[i] + weights[i];
            }
            step = coprimeStep(sum);
        }
        // A random start so sidecars built at the same moment do not all send their first request to one endpoint.
        this.counter = new AtomicLong(random.nextLong(period));
    }

    /**
     * nginx's smooth weighted round robin (ngx_http_upstream_get_peer): every step each endpoint's current weight
     * grows by its weight, the largest (first on ties) is chosen and loses the total. After S steps every current
     * weight is back to 0, so the sequence is periodic with period S.
     */
    static int[] smoothSchedule(long[] weights, int total) {
        int n = weights.length;
        long[] current = new long[n];
        int[] schedule = new int[total];
        for (int t = 0; t < total; t++) {
            int best = 0;
            for (int i = 0; i < n; i++) {
                current[i] += weights[i];
                if (current[i] > current[best]) {
                    best = i;
                }
            }
            current[best] -= total;
            schedule[t] = best;
        }
        return schedule;
    }

    /** An odd-ish step near S/φ that is coprime to S, so {@code c -> c·step mod S} is a bijection. */
    static long coprimeStep(long period) {
        long s = Math.max(1, Math.round(period * 0.6180339887498949));
        while (LongMath.gcd(s, period) != 1) {
            s++;
        }
        return s % period == 0 ? 1 : s;
    }

    /** {@code a·b mod m} for {@code 0 <= a, b < m < 2^52} without overflow (the quotient is estimated in double). */
    static long mulMod(long a, long b, long m) {
        long q = (long) ((double) a * (double) b / (double) m);
        long r = a * b - q * m;
        while (r < 0) {
            r += m;
        }
        while (r >= m) {
            r -= m;
        }
        return r;
    }

    Layout layout() {
        return layout;
    }

    long period() {
        return period;
    }

    @Override
    public PickResult pick(PickContext context) {
        if (array.length == 0) {
            return Pickers.NO_ENDPOINT;
        }
        long position = Math.floorMod(counter.getAndIncrement(), period);
        int index = indexAt(position);
        Set<Endpoint> excluded = context.excluded();
        if (excluded.isEmpty() || !excluded.contains(array[index])) {
            return results[index];
        }
        if (Pickers.allExcluded(array, excluded)) {
            return results[index];
        }
        // Walk on along the cycle without consuming the counter: the retry gets the endpoint that would come next.
        long walk = Math.min(period, MAX_EXCLUDED_WALK);
        for (long k = 1; k < walk; k++) {
            int candidate = indexAt((position + k) % period);
            if (!excluded.contains(array[candidate])) {
                return results[candidate];
            }
        }
        for (int k = 1; k <= array.length; k++) {
            int candidate = (index + k) % array.length;
            if (!excluded.contains(array[candidate])) {
                return results[candidate];
            }
        }
        return results[index];
    }

    private int indexAt(long position) {
        switch (layout) {
            case ROTATION:
                return (int) position;
            case SMOOTH:
                return schedule[(int) position];
            default:
                long p = mulMod(position, step, period);
                // Last i with cumulative[i] <= p.
                int lo = 0;
                int hi = cumulative.length - 1;
                while (hi - lo > 1) {
                    int mid = (lo + hi) >>> 1;
                    if (cumulative[mid] <= p) {
                        lo = mid;
                    } else {
                        hi = mid;
                    }
                }
                return lo;
        }
    }

    @Override
    public List<Endpoint> endpoints() {
        return endpoints;
    }

    @Override
    public String toString() {
        return "RoundRobinPicker[" + layout + ", endpoints=" + array.length + ", period=" + period + "]";
    }
}
