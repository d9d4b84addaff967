package dev.gossamer.membership;

/**
 * The protocol's formulas as pure functions (memberlist's {@code util.go} and {@code suspicion.go}), so they are
 * table-tested apart from the state machine that uses them. All times are nanoseconds.
 *
 * <p>Worked example, LAN profile, 10 live members: the minimum suspicion timeout is
 * {@code 4 × max(1, log10 10) × 1 s = 4 s}, the maximum {@code 6 × 4 s = 24 s}; with {@code k = 4 − 2 = 2}
 * expected confirmations the timeout is 24 s, then {@code 24 − (24 − 4) × log 2 / log 3 ≈ 11.4 s} after one
 * confirmation, then 4 s after two. Each update is retransmitted {@code 4 × ⌈log10 11⌉ = 8} times.
 *
 * <p>Threading: stateless; every method is thread-safe.
 */
final class SwimMath {

    /** memberlist pushPullScaleThreshold: up to this many members, push-pull runs at the configured interval. */
    static final int PUSH_PULL_SCALE_THRESHOLD = 32;
    /** Join backoff doubles at most this many times, so the shift cannot overflow before the cap applies. */
    private static final int MAX_BACKOFF_DOUBLINGS = 20;

    private SwimMath() {
    }

    /**
     * Minimum suspicion timeout, {@code suspicionMult × max(1, log10(max(1, n))) × probeInterval} (memberlist
     * suspicionTimeout, which truncates the scale to thousandths; this keeps full precision).
     */
    static long suspicionMinNanos(int suspicionMult, int n, long probeIntervalNanos) {
        double nodeScale = Math.max(1.0, Math.log10(Math.max(1, n)));
        return (long) (suspicionMult * nodeScale * probeIntervalNanos);
    }

    /** Maximum suspicion timeout (Lifeguard), {@code suspicionMaxTimeoutMult × min}. */
    static long suspicionMaxNanos(int suspicionMaxTimeoutMult, long minNanos) {
        return suspicionMaxTimeoutMult * minNanos;
    }

    /**
     * Independent confirmations a suspicion waits for before reaching its minimum timeout: {@code suspicionMult − 2},
     * or 0 when fewer than that many other members could confirm ({@code n − 2 < k}; memberlist suspectNode).
     */
    static int suspicionConfirmations(int suspicionMult, int n) {
        int k = suspicionMult - 2;
        return n - 2 < k ? 0 : k;
    }

    /**
     * Lifeguard's suspicion timeout after {@code confirmations} of {@code k} expected:
     * {@code max − (max − min) × log(c + 1) / log(k + 1)}, floored to a nanosecond and never below {@code min};
     * {@code min} when {@code k <= 0}.
     */
    static long suspicionTimeoutNanos(int confirmations, int k, long minNanos, long maxNanos) {
        if (k <= 0) {
            return minNanos;
        }
        double frac = Math.log(confirmations + 1.0) / Math.log(k + 1.0);
        long t = (long) Math.floor(maxNanos - frac * (maxNanos - minNanos));
        return Math.max(minNanos, t);
    }

    /**
     * What is left of a suspicion {@code elapsedNanos} after it started (memberlist remainingSuspicionTime): negative
     * once overdue.
     */
    static long remainingSuspicionNanos(int confirmations, int k, long elapsedNanos, long minNanos, long maxNanos) {
        return suspicionTimeoutNanos(confirmations, k, minNanos, maxNanos) - elapsedNanos;
    }

    /** Sends of one update, {@code retransmitMult × ⌈log10(n + 1)⌉} (memberlist retransmitLimit). */
    static int retransmitLimit(int retransmitMult, int n) {
        return retransmitMult * (int) Math.ceil(Math.log10(n + 1.0));
    }

    /**
     * Push-pull interval for {@code n} live members: unchanged up to {@value #PUSH_PULL_SCALE_THRESHOLD}, then
     * one more interval per doubling, {@code interval × (⌈log2 n − 5⌉ + 1)} (memberlist pushPullScale), so the
     * TCP load of anti-entropy grows with log n instead of n.
     */
    static long pushPullScaledNanos(long intervalNanos, int n) {
        if (n <= PUSH_PULL_SCALE_THRESHOLD) {
            return intervalNanos;
        }
        long mult = (long) Math.ceil(Math.log(n) / Math.log(2) - 5) + 1;
        return intervalNanos * mult;
    }

    /**
     * Join retry backoff before attempt {@code attempt + 1}: {@code initial × 2^attempt}, capped at {@code max}
     * (saturating instead of overflowing). The caller adds jitter.
     */
    static long joinBackoffNanos(long initialNanos, long maxNanos, int attempt) {
        int shift = Math.min(Math.max(0, attempt), MAX_BACKOFF_DOUBLINGS);
        long base = initialNanos > (Long.MAX_VALUE >> shift) ? Long.MAX_VALUE : initialNanos << shift;
        return Math.min(maxNanos, base);
    }

    /** Lifeguard local health: a timeout stretched by {@code (healthScore + 1)} (memberlist awareness.ScaleTimeout). */
    static long scaleByHealth(long nanos, int healthScore) {
        return nanos * (healthScore + 1);
    }

    /**
     * How long a ping-req helper waits for the target's ack before it nacks: 80% of the probe timeout, so the nack
     * reaches the prober before its deadline (Lifeguard; memberlist waits the full timeout, so its nacks race the
     * prober's end of interval).
     */
    static long indirectNackNanos(long probeTimeoutNanos) {
        return probeTimeoutNanos * 4 / 5;
    }
}
