package dev.gossamer.common;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects the broken rules of one options value, with the checks every module needs, in the project's message
 * shape: {@code consecutive_5xx: -1 (expected: >= 0)}. Field names are the configuration's keys. Not thread-safe;
 * one instance per validation.
 *
 * <pre>{@code
 * OptionRules r = new OptionRules();
 * r.atLeast("gossip_nodes", gossipNodes, 1).range("max_ejection_percent", pct, 0, 100);
 * r.throwIfAny();
 * }</pre>
 */
public final class OptionRules {

    private final List<OptionProblem> problems = new ArrayList<>();

    /** Records {@code field: message} when {@code ok} is false. */
    public OptionRules check(boolean ok, String field, String message) {
        if (!ok) {
            problems.add(new OptionProblem(field, message));
        }
        return this;
    }

    /** {@code min <= v}. */
    public OptionRules atLeast(String field, long v, long min) {
        return check(v >= min, field, v + " (expected: >= " + min + ")");
    }

    /** {@code min <= v <= max}. */
    public OptionRules range(String field, long v, long min, long max) {
        return check(v >= min && v <= max, field, v + " (expected: " + min + ".." + max + ")");
    }

    /** A duration {@code > 0}. */
    public OptionRules positive(String field, Duration d) {
        return check(d != null && !d.isNegative() && !d.isZero(), field, format(d) + " (expected: > 0)");
    }

    /** A duration {@code >= 0}. */
    public OptionRules nonNegative(String field, Duration d) {
        return check(d != null && !d.isNegative(), field, format(d) + " (expected: >= 0)");
    }

    /** Records a problem as given. */
    public OptionRules add(String field, String message) {
        problems.add(new OptionProblem(field, message));
        return this;
    }

    /** Every problem so far. */
    public List<OptionProblem> problems() {
        return List.copyOf(problems);
    }

    /** Throws {@link InvalidOptionsException} when any rule was broken. */
    public void throwIfAny() {
        OptionProblem.throwIfAny(problems);
    }

    /**
     * A duration as users write it in YAML: {@code 0}, {@code 250ms}, {@code 5s}, {@code 1m30s}, {@code 2h};
     * {@code null} prints as {@code null}. The one formatter of durations in messages, so the loader's and the
     * modules' problems read alike.
     */
    public static String format(Duration d) {
        if (d == null) {
            return "null";
        }
        if (d.isZero()) {
            return "0";
        }
        if (d.isNegative()) {
            return "-" + format(d.negated());
        }
        StringBuilder sb = new StringBuilder();
        long h = d.toHours();
        if (h > 0) {
            sb.append(h).append('h');
        }
        if (d.toMinutesPart() > 0) {
            sb.append(d.toMinutesPart()).append('m');
        }
        if (d.toSecondsPart() > 0) {
            sb.append(d.toSecondsPart()).append('s');
        }
        long ms = d.toNanosPart() / 1_000_000;
        if (ms > 0) {
            sb.append(ms).append("ms");
        }
        return sb.length() == 0 ? d.toNanos() + "ns" : sb.toString();
    }
}
