package dev.gossamer.config;

import java.util.Map;
import java.util.Objects;

/**
 * Where each value of a loaded document was written: the position of every mapping, key value and list element by
 * its path ({@code clusters[1].outlier_detection.consecutive_5xx}). Built while loading, so a rule checked later, by
 * a module's options in the wiring, is reported at the key the user wrote, like every problem the loader finds.
 *
 * <p>Immutable and thread-safe.
 */
public final class SourceMap {

    private final String source;
    private final Map<String, long[]> positions;

    SourceMap(String source, Map<String, long[]> positions) {
        this.source = Objects.requireNonNull(source, "source");
        this.positions = Map.copyOf(positions);
    }

    /** A map with no positions: every problem is reported at line 1, column 1 of {@code source}. */
    public static SourceMap empty(String source) {
        return new SourceMap(source, Map.of());
    }

    /** The document's name as given to the loader. */
    public String source() {
        return source;
    }

    /**
     * A problem at {@code path}, positioned at the deepest part of it that the document wrote: the key itself
     * when written, else the mapping or list element that would hold it (a default that breaks a rule together
     * with a written value is reported where the written one is).
     */
    public ConfigProblem problem(String path, String message) {
        String p = path;
        while (true) {
            long[] at = positions.get(p);
            if (at != null) {
                return new ConfigProblem(source, (int) at[0], (int) at[1], path.isEmpty() ? ConfigProblem.ROOT : path,
                        message);
            }
            if (p.isEmpty()) {
                return new ConfigProblem(source, 1, 1, path.isEmpty() ? ConfigProblem.ROOT : path, message);
            }
            p = parent(p);
        }
    }

    /** Whether the document wrote a value at exactly {@code path}. */
    public boolean written(String path) {
        return positions.containsKey(path);
    }

    static String parent(String path) {
        int dot = path.lastIndexOf('.');
        int bracket = path.lastIndexOf('[');
        int cut = Math.max(dot, bracket);
        return cut <= 0 ? "" : path.substring(0, cut);
    }
}
