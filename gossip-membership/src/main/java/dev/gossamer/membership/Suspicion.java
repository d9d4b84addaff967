package dev.gossamer.membership;

import java.util.HashSet;
import java.util.Set;

/**
 * Lifeguard suspicion of one member (memberlist suspicion.go): the timeout starts at {@code max} and shrinks toward
 * {@code min} as independent confirmations arrive ({@link SwimMath#suspicionTimeoutNanos}), where {@code k} is the
 * number of confirmations expected. Single-threaded; the owner re-arms its timer with
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
        return SwimMath.suspicionTimeoutNanos(n, k, minNanos, maxNanos);
    }

    long remainingNanos(long nowNanos) {
        return Math.max(0, SwimMath.remainingSuspicionNanos(n, k, nowNanos - startNanos, minNanos, maxNanos));
    }
}
