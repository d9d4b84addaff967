package dev.gossamer.config;

import java.util.Comparator;
import java.util.Objects;

/**
 * One problem found in a configuration document, with the position of the offending node.
 *
 * <p>{@link #toString()} renders the agreed form {@code file:line:col: path: message}, for example
 * {@code mesh.yaml:14:7: clusters[1].outlier_detection.max_ejection_percent: 140 (expected: 0..100)}.
 * A problem about the whole document (a YAML syntax error, an unknown document kind) has the path {@code $}.
 *
 * @param source  the document's name as given to the loader (usually the file path)
 * @param line    1-based line
 * @param column  1-based column
 * @param path    where in the document: {@code routes[0].retries.attempts}, or {@link #ROOT}
 * @param message what is wrong, usually {@code value (expected: ...)}
 */
public record ConfigProblem(String source, int line, int column, String path, String message) {

    /** The path of problems about the document as a whole. */
    public static final String ROOT = "$";

    /** Orders problems by source, then position, then path: the order a reader fixes them in. */
    public static final Comparator<ConfigProblem> BY_POSITION = Comparator.comparing(ConfigProblem::source)
            .thenComparingInt(ConfigProblem::line)
            .thenComparingInt(ConfigProblem::column)
            .thenComparing(ConfigProblem::path);

    public ConfigProblem {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(message, "message");
        if (line < 1) {
            throw new IllegalArgumentException("line: " + line + " (expected: >= 1)");
        }
        if (column < 1) {
            throw new IllegalArgumentException("column: " + column + " (expected: >= 1)");
        }
    }

    @Override
    public String toString() {
        return source + ":" + line + ":" + column + ": " + (path.isEmpty() ? ROOT : path) + ": " + message;
    }
}
