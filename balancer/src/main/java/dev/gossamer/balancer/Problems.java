package dev.gossamer.balancer;

import java.util.ArrayList;
import java.util.List;

/** Collects every invalid argument of an options record, so one exception names them all. */
final class Problems {

    private final List<String> problems = new ArrayList<>();

    void check(boolean ok, String name, Object value, String expected) {
        if (!ok) {
            problems.add(name + ": " + value + " (expected: " + expected + ")");
        }
    }

    void throwIfAny() {
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
    }

    /** Bounded-load factor: 0 (off) or a finite value above 1.0. */
    void checkBoundedLoad(double factor) {
        check(factor == 0.0 || (factor > 1.0 && Double.isFinite(factor)), "boundedLoadFactor", factor,
                "0 (off) or > 1.0");
    }
}
