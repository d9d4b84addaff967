package dev.gossamer.membership;

import java.util.HashSet;
import java.util.Set;

/**
 * Lifeguard suspicion timeout (memberlist suspicion.go): starts at {@code max} and shrinks toward {@code min} as
 * independent confirmations arrive: {@code timeout = max − log(c+1)/log(k+1) × (max − min)}, floored at min, where
 * {@code k} is the number of confirmations expected. Single-threaded; the owner re-arms its timer with
 * {@link #remainingNanos(long)} after each {@link #confirm}.
 */
final class Suspicion {
    private final int k;
    private final long minNanos;
    private final long maxNanos;
    private final long startNanos;
    private final Set<String> confirmations = new HashSet<>();
    private int n;
    dev.gossamer.common.Scheduler.Cancellable timer;

    Suspicion(String from, int k, long minNanos, long maxNanos, long startNanos) {
        this.k = k;
        this.minNanos = minNanos;
        this.maxNanos = maxNanos;
        this.startNanos = startNanos;
        confirmations.add(from);
    }

    /** Records a confirmation from {@code from}; true if it was new and counted (the timeout shrank). */
    boolean confirm(String from) {
        if (n >= k || !confirmations.add(from)) {
            return false;
        }
        n++;
        return true;
    }

    long timeoutNanos() {
        return timeout(n, k, minNanos, maxNanos);
    }

    static long timeout(int n, int k, long min, long max) {
        if (k <= 0) {
            return min;
        }
        double frac = Math.log(n + 1.0) / Math.log(k + 1.0);
        long t = (long) Math.floor(max - frac * (max - min));
        return Math.max(min, t);
    }

    long remainingNanos(long nowNanos) {
        return Math.max(0, startNanos + timeoutNanos() - nowNanos);
    }
}
