package dev.gossamer.common;

import java.util.List;
import java.util.Objects;

/**
 * One rule of a module's options that a value breaks, as a value: the field in the configuration vocabulary
 * (the YAML key, e.g. {@code consecutive_5xx}) and the message in the project's shape,
 * {@code "0 (expected: >= 1)"}. Module options own their rules and report every broken one at once as a list of
 * these; the sidecar's wiring turns each into a positioned config problem at the key the user wrote.
 *
 * @param field   the option's name as the user writes it
 * @param message the value and what was expected, e.g. {@code "140 (expected: 0..100)"}
 */
public record OptionProblem(String field, String message) {

    public OptionProblem {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(message, "message");
    }

    /** {@code field: message}. */
    @Override
    public String toString() {
        return field + ": " + message;
    }

    /** Throws {@link InvalidOptionsException} carrying every problem, when there is any. */
    public static void throwIfAny(List<OptionProblem> problems) {
        if (!problems.isEmpty()) {
            throw new InvalidOptionsException(problems);
        }
    }
}
