package dev.gossamer.config;

import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;

import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * One document being read: its name, the problems found so far, and typed readers of nodes that record a
 * positioned problem and return a fallback instead of failing, so one pass collects every problem.
 *
 * <p>Not thread-safe; one instance per load.
 */
final class Doc {

    /** Longest value echoed in a message; the rest is elided. */
    private static final int MAX_ECHO = 60;

    final String source;
    final List<ConfigProblem> problems = new ArrayList<>();
    /** Position ({line, column}, 1-based) of every node read, by path; becomes the {@link SourceMap}. */
    private final Map<String, long[]> positions = new java.util.HashMap<>();
    /** Environment for {@code ${VAR}} substitution; null when the document does not substitute. */
    private final Function<String, String> env;
    private final Map<String, List<String>> keyTables;

    Doc(String source, Function<String, String> env, Map<String, List<String>> keyTables) {
        this.source = source;
        this.env = env;
        this.keyTables = keyTables;
    }

    // ---- positions ----

    /** Records where the node at {@code path} was written. */
    void mark(String path, Node node) {
        node.getStartMark().ifPresent(m -> positions.putIfAbsent(path, new long[] {m.getLine() + 1, m.getColumn() + 1}));
    }

    SourceMap sourceMap() {
        return new SourceMap(source, positions);
    }

    // ---- problems ----

    void problem(Optional<Mark> mark, String path, String message) {
        int line = mark.map(m -> m.getLine() + 1).orElse(1);
        int column = mark.map(m -> m.getColumn() + 1).orElse(1);
        problems.add(new ConfigProblem(source, line, column, path.isEmpty() ? ConfigProblem.ROOT : path, message));
    }

    void problem(Node at, String path, String message) {
        problem(at.getStartMark(), path, message);
    }

    /** {@code "value" (expected: ...)} at the node. */
    void expected(Node at, String path, String expected) {
        problem(at, path, describe(at) + " (expected: " + expected + ")");
    }

    static String position(Node node) {
        return node.getStartMark().map(m -> (m.getLine() + 1) + ":" + (m.getColumn() + 1)).orElse("?");
    }

    /** How a node is echoed in a message: strings quoted, numbers and booleans as written. */
    String describe(Node node) {
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        ScalarNode s = (ScalarNode) node;
        String v = s.getValue();
        if (v.length() > MAX_ECHO) {
            v = v.substring(0, MAX_ECHO) + "...";
        }
        Tag tag = s.getTag();
        if (tag.equals(Tag.NULL)) {
            return "null";
        }
        if (tag.equals(Tag.INT) || tag.equals(Tag.FLOAT) || tag.equals(Tag.BOOL)) {
            return v;
        }
        return '"' + v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + '"';
    }

    static String child(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    static String index(String path, int i) {
        return path + "[" + i + "]";
    }

    // ---- scalars ----

    /** A scalar's text after substitution, plus whether it is untyped (substituted: read as the key needs). */
    record Scalar(ScalarNode node, String text, Tag tag, boolean substituted) {
        boolean is(Tag t) {
            return substituted || tag.equals(t);
        }
    }

    /** The scalar, or null after recording {@code expected} when the node is not a usable scalar. */
    Scalar scalar(Node node, String path, String expected) {
        if (!(node instanceof ScalarNode s) || s.getTag().equals(Tag.NULL)) {
            expected(node, path, expected);
            return null;
        }
        String text = s.getValue();
        boolean substituted = false;
        if (env != null && text.indexOf('$') >= 0) {
            try {
                String replaced = Values.substitute(text, env);
                substituted = !replaced.equals(text);
                text = replaced;
            } catch (Values.BadValue e) {
                expected(node, path, e.expected);
                return null;
            }
        }
        Tag tag = s.getTag().equals(Tag.ENV_TAG) ? Tag.STR : s.getTag();
        if (!isStandard(tag)) {
            problem(node, path, "tag " + tag + " is not supported (expected: " + expected + ", untagged)");
            return null;
        }
        return new Scalar(s, text, tag, substituted);
    }

    private static boolean isStandard(Tag tag) {
        return tag.equals(Tag.STR) || tag.equals(Tag.INT) || tag.equals(Tag.FLOAT) || tag.equals(Tag.BOOL);
    }

    String string(Node node, String path, String expected) {
        Scalar s = scalar(node, path, expected);
        if (s == null) {
            return null;
        }
        if (!s.is(Tag.STR)) {
            expected(node, path, expected);
            return null;
        }
        return s.text();
    }

    /** A string that passes {@code check} (which returns null when fine, else the expected text). */
    String string(Node node, String path, String expected, Function<String, String> check) {
        String v = string(node, path, expected);
        if (v == null) {
            return null;
        }
        String bad = check.apply(v);
        if (bad != null) {
            problem(node, path, quote(v) + " (expected: " + bad + ")");
            return null;
        }
        return v;
    }

    static String quote(String v) {
        String shown = v.length() > MAX_ECHO ? v.substring(0, MAX_ECHO) + "..." : v;
        return '"' + shown.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + '"';
    }

    Long integer(Node node, String path, long min, long max) {
        String expected = min == Integer.MIN_VALUE && max == Integer.MAX_VALUE ? "an integer"
                : "an integer " + range(min, max);
        Scalar s = scalar(node, path, expected);
        if (s == null) {
            return null;
        }
        BigInteger v = s.is(Tag.INT) ? Values.integer(s.text()) : null;
        if (v == null) {
            expected(node, path, expected);
            return null;
        }
        if (v.compareTo(BigInteger.valueOf(min)) < 0 || v.compareTo(BigInteger.valueOf(max)) > 0) {
            problem(node, path, v + " (expected: " + range(min, max) + ")");
            return null;
        }
        return v.longValue();
    }

    private static String range(long min, long max) {
        if (min == Integer.MIN_VALUE && max == Integer.MAX_VALUE) {
            return "-2147483648..2147483647";
        }
        return max == Long.MAX_VALUE || max == Integer.MAX_VALUE ? ">= " + min : min + ".." + max;
    }

    Boolean bool(Node node, String path) {
        Scalar s = scalar(node, path, "true or false");
        if (s == null) {
            return null;
        }
        String t = s.text();
        if (s.is(Tag.BOOL) && (t.equalsIgnoreCase("true") || t.equalsIgnoreCase("false"))) {
            return Boolean.parseBoolean(t.toLowerCase(java.util.Locale.ROOT));
        }
        expected(node, path, "true or false");
        return null;
    }

    Duration duration(Node node, String path, Duration min, boolean minExclusive) {
        Scalar s = scalar(node, path, Values.DURATION_EXPECTED);
        if (s == null) {
            return null;
        }
        Duration d;
        if (s.tag().equals(Tag.INT) && !s.substituted()) {
            if (!s.text().equals("0")) {
                expected(node, path, Values.DURATION_EXPECTED);
                return null;
            }
            d = Duration.ZERO;
        } else if (s.is(Tag.STR)) {
            try {
                d = Values.duration(s.text());
            } catch (Values.BadValue e) {
                expected(node, path, e.expected);
                return null;
            }
        } else {
            expected(node, path, Values.DURATION_EXPECTED);
            return null;
        }
        int c = d.compareTo(min);
        if (c < 0 || (minExclusive && c == 0)) {
            problem(node, path, s.text() + " (expected: " + (minExclusive ? "> " : ">= ") + Values.format(min) + ")");
            return null;
        }
        return d;
    }

    /** A percentage 0..100: a number, or a string like {@code 10%}. */
    Double percent(Node node, String path) {
        return percent(node, path, true);
    }

    /**
     * A percentage: a number, or a string like {@code 10%}; {@code checkRange} false leaves the range to the module
     * that owns it.
     */
    Double percent(Node node, String path, boolean checkRange) {
        String expected = checkRange ? "a percentage 0..100, like 10 or 10%" : "a percentage, like 10 or 10%";
        Scalar s = scalar(node, path, expected);
        if (s == null) {
            return null;
        }
        Double v = null;
        String t = s.text();
        if (s.is(Tag.INT) || s.is(Tag.FLOAT)) {
            try {
                BigInteger i = Values.integer(t);
                v = i != null ? i.doubleValue() : Double.valueOf(t);
            } catch (NumberFormatException e) {
                v = null;
            }
        }
        if (v == null && s.is(Tag.STR)) {
            v = Values.percent(t);
        }
        if (v == null || v.isNaN()) {
            expected(node, path, expected);
            return null;
        }
        if (checkRange && (v < 0 || v > 100)) {
            problem(node, path, t + " (expected: 0..100)");
            return null;
        }
        return v;
    }

    HostPort address(Node node, String path, int minPort) {
        String text = string(node, path, Values.ADDRESS_EXPECTED);
        if (text == null) {
            return null;
        }
        try {
            return Values.address(text, minPort);
        } catch (Values.BadValue e) {
            problem(node, path, quote(text) + " (expected: " + e.expected + ")");
            return null;
        }
    }

    <E> E choice(Node node, String path, Map<String, E> names) {
        String expected = "one of " + String.join(", ", names.keySet());
        String text = string(node, path, expected);
        if (text == null) {
            return null;
        }
        E e = names.get(text);
        if (e == null) {
            problem(node, path, quote(text) + " (expected: " + expected + Hints.didYouMean(text, names.keySet()) + ")");
        }
        return e;
    }

    /** Reads each element of a list; null elements (problems) are dropped. Null when the node is not a list. */
    <T> List<T> list(Node node, String path, BiFunction<Node, String, T> element) {
        if (!(node instanceof SequenceNode seq)) {
            expected(node, path, "a list");
            return null;
        }
        List<T> out = new ArrayList<>();
        List<Node> items = seq.getValue();
        for (int i = 0; i < items.size(); i++) {
            mark(index(path, i), items.get(i));
            T t = element.apply(items.get(i), index(path, i));
            if (t != null) {
                out.add(t);
            }
        }
        return out;
    }

    // ---- mappings ----

    /** Opens a mapping checked against the key table {@code table} (see {@link KnownKeys}). */
    Obj obj(Node node, String path, String table) {
        return new Obj(this, node, path, keys(table));
    }

    List<String> keys(String table) {
        List<String> keys = keyTables.get(table);
        if (keys == null) {
            throw new IllegalStateException("no key table " + table);
        }
        return keys;
    }

    /** Records a duplicate name: {@code name} at {@code node} was first defined at {@code first}. */
    void duplicate(Node node, String path, String name, Node first, String what) {
        problem(node, path, quote(name) + " (expected: a unique " + what + " name; first defined at "
                + source + ":" + position(first) + ")");
    }

    /** Unknown-key message. */
    static String unknownKey(String key, Collection<String> known) {
        return Hints.closest(key, known)
                .map(c -> "unknown key (did you mean '" + c + "'?)")
                .orElse("unknown key (expected one of: " + String.join(", ", known) + ")");
    }
}
