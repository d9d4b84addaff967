package dev.gossamer.config;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.function.BiFunction;
import java.util.function.Function;

import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * A YAML mapping being read against its table of known keys. Opening it reports non-mapping values, non-string
 * keys, duplicate keys and unknown keys (with a hint); the getters read one key each, record a positioned
 * problem for a bad value and return the default, so reading continues and every problem is collected.
 * A mapping that is not a mapping at all reads as empty and reports nothing more (no cascade of "missing").
 */
final class Obj {

    final Doc doc;
    final Node node;
    final String path;
    private final boolean valid;
    private final Map<String, NodeTuple> entries = new LinkedHashMap<>();

    Obj(Doc doc, Node node, String path, List<String> known) {
        this.doc = doc;
        this.node = node;
        this.path = path;
        if (!(node instanceof MappingNode mapping)) {
            doc.expected(node, path, "a mapping");
            this.valid = false;
            return;
        }
        this.valid = true;
        doc.mark(path, node);
        for (NodeTuple t : mapping.getValue()) {
            Node k = t.getKeyNode();
            if (!(k instanceof ScalarNode ks) || !(ks.getTag().equals(Tag.STR))) {
                doc.expected(k, path, "a string key");
                continue;
            }
            String key = ks.getValue();
            NodeTuple first = entries.get(key);
            if (first != null) {
                doc.problem(k, Doc.child(path, key), "duplicate key (first at " + doc.source + ":"
                        + Doc.position(first.getKeyNode()) + ")");
            } else if (!known.contains(key)) {
                doc.problem(k, Doc.child(path, key), Doc.unknownKey(key, known));
            } else {
                entries.put(key, t);
                doc.mark(Doc.child(path, key), t.getValueNode());
            }
        }
    }

    boolean has(String key) {
        return entries.containsKey(key);
    }

    /** The value node of {@code key}, or null when absent. */
    Node value(String key) {
        NodeTuple t = entries.get(key);
        return t == null ? null : t.getValueNode();
    }

    String path(String key) {
        return Doc.child(path, key);
    }

    /** Records {@code key: missing (expected: ...)} at this mapping. */
    void missing(String key, String expected) {
        if (valid) {
            doc.problem(node, path(key), "missing (expected: " + expected + ")");
        }
    }

    /** Records a problem on {@code key}'s value. */
    void problem(String key, String message) {
        doc.problem(value(key), path(key), message);
    }

    String requiredString(String key, String expected, Function<String, String> check) {
        if (!has(key)) {
            missing(key, expected);
            return null;
        }
        return doc.string(value(key), path(key), expected, check);
    }

    String string(String key, String def, String expected, Function<String, String> check) {
        if (!has(key)) {
            return def;
        }
        String v = doc.string(value(key), path(key), expected, check);
        return v == null ? def : v;
    }

    int integer(String key, int def, int min, int max) {
        if (!has(key)) {
            return def;
        }
        Long v = doc.integer(value(key), path(key), min, max);
        return v == null ? def : v.intValue();
    }

    // ---- optional readers: the value as written, its range left to the module that owns the rule ----

    /** An integer, or empty when absent (or invalid, after recording the problem). */
    OptionalInt optInt(String key) {
        if (!has(key)) {
            return OptionalInt.empty();
        }
        Long v = doc.integer(value(key), path(key), Integer.MIN_VALUE, Integer.MAX_VALUE);
        return v == null ? OptionalInt.empty() : OptionalInt.of(v.intValue());
    }

    /** A percentage (a number or {@code "10%"}), or empty. */
    OptionalDouble optPercent(String key) {
        if (!has(key)) {
            return OptionalDouble.empty();
        }
        Double v = doc.percent(value(key), path(key), false);
        return v == null ? OptionalDouble.empty() : OptionalDouble.of(v);
    }

    /** A duration (never negative: the syntax has no sign), or empty. */
    Optional<Duration> optDuration(String key) {
        if (!has(key)) {
            return Optional.empty();
        }
        return Optional.ofNullable(doc.duration(value(key), path(key), Duration.ZERO, false));
    }

    /** A boolean, or empty. */
    Optional<Boolean> optBool(String key) {
        if (!has(key)) {
            return Optional.empty();
        }
        return Optional.ofNullable(doc.bool(value(key), path(key)));
    }

    double percent(String key, double def) {
        if (!has(key)) {
            return def;
        }
        Double v = doc.percent(value(key), path(key));
        return v == null ? def : v;
    }

    Duration duration(String key, Duration def, Duration min, boolean minExclusive) {
        if (!has(key)) {
            return def;
        }
        Duration v = doc.duration(value(key), path(key), min, minExclusive);
        return v == null ? def : v;
    }

    /** A duration > 0. */
    Duration positiveDuration(String key, Duration def) {
        return duration(key, def, Duration.ZERO, true);
    }

    /** A duration >= 0. */
    Duration nonNegativeDuration(String key, Duration def) {
        return duration(key, def, Duration.ZERO, false);
    }

    boolean bool(String key, boolean def) {
        if (!has(key)) {
            return def;
        }
        Boolean v = doc.bool(value(key), path(key));
        return v == null ? def : v;
    }

    HostPort address(String key, HostPort def, int minPort) {
        if (!has(key)) {
            return def;
        }
        HostPort v = doc.address(value(key), path(key), minPort);
        return v == null ? def : v;
    }

    <E> E choice(String key, E def, Map<String, E> names) {
        if (!has(key)) {
            return def;
        }
        E v = doc.choice(value(key), path(key), names);
        return v == null ? def : v;
    }

    /** The nested mapping at {@code key}, or null when absent. */
    Obj obj(String key, String table) {
        return has(key) ? doc.obj(value(key), path(key), table) : null;
    }

    /** The list at {@code key}, or null when absent (or not a list, after recording the problem). */
    <T> List<T> list(String key, BiFunction<Node, String, T> element) {
        return has(key) ? doc.list(value(key), path(key), element) : null;
    }

    /** True when {@code key} is present and is not {@code true}; records {@code (expected: true)} then. */
    boolean requireTrue(String key) {
        if (!has(key)) {
            return false;
        }
        Boolean v = doc.bool(value(key), path(key));
        if (v != null && !v) {
            doc.problem(value(key), path(key), "false (expected: true, or omit the key)");
        }
        return v != null && v;
    }
}
