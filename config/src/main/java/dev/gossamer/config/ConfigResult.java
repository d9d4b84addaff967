package dev.gossamer.config;

import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The outcome of loading a document: either a config value, or a non-empty list of every problem found.
 * Loaders return this instead of throwing, so bad input is a value the caller prints or answers with.
 *
 * <p>Immutable and thread-safe.
 *
 * @param <T> the config type
 */
public final class ConfigResult<T> {

    private final T value;
    private final List<ConfigProblem> problems;
    private final SourceMap sourceMap;

    private ConfigResult(T value, List<ConfigProblem> problems, SourceMap sourceMap) {
        this.value = value;
        this.problems = problems;
        this.sourceMap = sourceMap;
    }

    /** A successful result without positions. */
    public static <T> ConfigResult<T> ok(T value) {
        return ok(value, SourceMap.empty("-"));
    }

    /** A successful result with where each of its values was written, for rules checked after loading. */
    public static <T> ConfigResult<T> ok(T value, SourceMap sourceMap) {
        return new ConfigResult<>(Objects.requireNonNull(value, "value"), List.of(),
                Objects.requireNonNull(sourceMap, "sourceMap"));
    }

    /** A failed result; {@code problems} must not be empty. They are kept sorted by position. */
    public static <T> ConfigResult<T> failed(List<ConfigProblem> problems) {
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("problems: [] (expected: at least one problem)");
        }
        return new ConfigResult<>(null, problems.stream().sorted(ConfigProblem.BY_POSITION).toList(),
                SourceMap.empty(problems.get(0).source()));
    }

    /** True when the document loaded without problems. */
    public boolean isOk() {
        return value != null;
    }

    /** The config; throws {@link NoSuchElementException} listing the problems when the load failed. */
    public T value() {
        if (value == null) {
            throw new NoSuchElementException("config has problems:\n" + problemsText());
        }
        return value;
    }

    /** The config, or empty when the load failed. */
    public Optional<T> toOptional() {
        return Optional.ofNullable(value);
    }

    /** Every problem, sorted by position; empty when {@link #isOk()}. */
    /** Where each value was written (empty positions for a failed result). */
    public SourceMap sourceMap() {
        return sourceMap;
    }

    public List<ConfigProblem> problems() {
        return problems;
    }

    /** The problems one per line in {@code file:line:col: path: message} form; "" when ok. */
    public String problemsText() {
        return problems.stream().map(ConfigProblem::toString).collect(Collectors.joining("\n"));
    }

    /** Applies {@code f} to a successful value; a failure passes through unchanged. */
    public <R> ConfigResult<R> map(Function<? super T, ? extends R> f) {
        return value == null ? new ConfigResult<>(null, problems, sourceMap)
                : ConfigResult.ok(f.apply(value), sourceMap);
    }

    @Override
    public String toString() {
        return value != null ? "ConfigResult.ok(" + value + ")" : "ConfigResult.failed(\n" + problemsText() + ")";
    }
}
