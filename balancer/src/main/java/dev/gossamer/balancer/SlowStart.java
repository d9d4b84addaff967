package dev.gossamer.balancer;

import java.time.Duration;
import java.util.Objects;

/**
 * Envoy's slow start: an endpoint that has just become usable gets a reduced weight that ramps up linearly over
 * the window, so a cold JVM or an empty cache is not hit with its full share at once. With aggression 1.0 (the
 * only one offered here) the factor is {@code max(minWeightPercent / 100, age / window)}, capped at 1.
 *
 * <p>Example: window 60 s, min 10 %, weight 100: age 0 s → 10, 3 s → 10 (5 % is below the floor), 30 s → 50,
 * 45 s → 75, 60 s and later → 100.
 *
 * <p>Pure and immutable. The caller rebuilds the picker as weights change (every second or so while an endpoint
 * ramps; {@link #ramping} says whether one still does).
 *
 * @param window           how long the ramp lasts (Envoy's {@code slow_start_window}); {@code ZERO} turns it off
 * @param minWeightPercent the floor, 1..100 (Envoy's {@code min_weight_percent})
 */
public record SlowStart(Duration window, int minWeightPercent) {

    /** Envoy's default floor: new endpoints start at a tenth of their weight. */
    public static final int DEFAULT_MIN_WEIGHT_PERCENT = 10;

    public SlowStart {
        Objects.requireNonNull(window, "window");
        Problems problems = new Problems();
        problems.check(!window.isNegative(), "window", window, ">= 0");
        problems.check(minWeightPercent >= 1 && minWeightPercent <= 100, "min_weight_percent", minWeightPercent,
                "1..100");
        problems.throwIfAny();
    }

    /** A ramp over {@code window} from {@link #DEFAULT_MIN_WEIGHT_PERCENT}. */
    public static SlowStart of(Duration window) {
        return new SlowStart(window, DEFAULT_MIN_WEIGHT_PERCENT);
    }

    /** The weight of an endpoint of weight {@code weight} that became usable {@code age} ago; at least 1. */
    public int weight(int weight, Duration age) {
        return weight(weight, age, window, minWeightPercent);
    }

    /** The same endpoint with its slow-start weight. */
    public Endpoint apply(Endpoint endpoint, Duration age) {
        int w = weight(endpoint.weight(), age);
        return w == endpoint.weight() ? endpoint : endpoint.withWeight(w);
    }

    /** Whether an endpoint of this age is still ramping. */
    public boolean ramping(Duration age) {
        return age.compareTo(window) < 0;
    }

    /**
     * The slow-start weight as a pure function: {@code max(1, round(weight · max(min% / 100, min(1, age / window))))};
     * a negative age counts as 0, a zero window means no ramp.
     */
    public static int weight(int weight, Duration age, Duration window, int minWeightPercent) {
        Objects.requireNonNull(age, "age");
        Objects.requireNonNull(window, "window");
        if (weight < 1) {
            throw new IllegalArgumentException("weight: " + weight + " (expected: >= 1)");
        }
        if (window.isZero() || window.isNegative() || age.compareTo(window) >= 0) {
            return weight;
        }
        double timeFactor = age.isNegative() ? 0.0 : (double) age.toNanos() / window.toNanos();
        double factor = Math.max(minWeightPercent / 100.0, timeFactor);
        return (int) Math.max(1, Math.round(weight * Math.min(1.0, factor)));
    }
}
