package dev.gossamer.balancer;

import dev.gossamer.common.OptionRules;
import java.time.Duration;

/**
 * Collects every invalid argument of an options record, so one {@link dev.gossamer.common.InvalidOptionsException}
 * names them all. Names are the YAML keys of {@code clusters[].balancer} and {@code clusters[].slow_start}: these
 * options own those rules and the config loader only reads the values.
 */
final class Problems {

    /** Bounded load above this would never bound anything: a typo. */
    static final double MAX_BOUNDED_LOAD = 100.0;

    private final OptionRules rules = new OptionRules();

    void check(boolean ok, String name, Object value, String expected) {
        rules.check(ok, name, (value instanceof Duration d ? OptionRules.format(d) : String.valueOf(value))
                + " (expected: " + expected + ")");
    }

    void throwIfAny() {
        rules.throwIfAny();
    }

    /** Bounded-load factor: 0 (off) or a finite value above 1.0, at most {@link #MAX_BOUNDED_LOAD}. */
    void checkBoundedLoad(double factor) {
        check(factor == 0.0 || (factor > 1.0 && factor <= MAX_BOUNDED_LOAD), "bounded_load", factor,
                "0 (off) or > 1.0 and <= 100, like 1.25");
    }
}
