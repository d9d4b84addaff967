package dev.gossamer.balancer;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Which endpoints a picker should be built from, given health: the usable ones (healthy and not ejected), or all of
 * them in panic mode. Envoy's panic threshold: when fewer than {@code threshold}% of the endpoints are usable, the
 * few survivors would be crushed by the whole load, so the cluster balances over every endpoint instead and lets
 * some requests fail.
 *
 * <p>Example: 10 endpoints, 4 usable, threshold 50 → 40 % < 50 %: panic, build over all 10. With 6 usable: 60 %,
 * build over those 6. A threshold of 0 turns panic mode off (an all-unhealthy cluster then has no endpoints).
 *
 * @param endpoints   the endpoints to build a picker from, in the original order
 * @param panic       whether panic mode is on
 * @param usableCount how many endpoints were usable
 */
public record EndpointSelection(List<Endpoint> endpoints, boolean panic, int usableCount) {

    /** Envoy's default {@code healthy_panic_threshold}. */
    public static final int DEFAULT_PANIC_THRESHOLD_PERCENT = 50;

    public EndpointSelection {
        endpoints = List.copyOf(endpoints);
    }

    /**
     * Chooses the endpoints to balance over. Pure; thread-safe.
     *
     * @param all                   every endpoint of the cluster
     * @param usable                healthy and not ejected
     * @param panicThresholdPercent 0..100; panic when {@code usable / all * 100 < threshold}
     */
    public static EndpointSelection select(List<Endpoint> all, Predicate<? super Endpoint> usable,
            int panicThresholdPercent) {
        Objects.requireNonNull(all, "all");
        Objects.requireNonNull(usable, "usable");
        if (panicThresholdPercent < 0 || panicThresholdPercent > 100) {
            throw new IllegalArgumentException(
                    "panicThresholdPercent: " + panicThresholdPercent + " (expected: 0..100)");
        }
        List<Endpoint> selected = new ArrayList<>(all.size());
        for (Endpoint e : all) {
            if (usable.test(e)) {
                selected.add(e);
            }
        }
        int usableCount = selected.size();
        // Integer form of usable/all < threshold/100, exact for any size.
        boolean panic = !all.isEmpty() && (long) usableCount * 100 < (long) panicThresholdPercent * all.size();
        return new EndpointSelection(panic ? all : selected, panic, usableCount);
    }

    /** {@link #select} with Envoy's default threshold of 50 %. */
    public static EndpointSelection select(List<Endpoint> all, Predicate<? super Endpoint> usable) {
        return select(all, usable, DEFAULT_PANIC_THRESHOLD_PERCENT);
    }
}
