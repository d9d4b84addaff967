package dev.gossamer.membership;

/**
 * Lifeguard local health (memberlist awareness.go): a score in {@code 0..max-1} that grows when this node misses
 * acks, misses nacks or has to refute, and shrinks on successful probes. Timeouts are multiplied by
 * {@code score + 1}, so a slow node waits longer before accusing others. Single-threaded.
 */
final class Awareness {
    private final int max;
    private int score;

    Awareness(int max) {
        this.max = max;
    }

    void applyDelta(int delta) {
        score = Math.max(0, Math.min(max - 1, score + delta));
    }

    int score() {
        return score;
    }

    long scale(long nanos) {
        return SwimMath.scaleByHealth(nanos, score);
    }
}
