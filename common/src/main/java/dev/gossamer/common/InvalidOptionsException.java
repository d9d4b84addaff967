package dev.gossamer.common;

import java.util.List;

/**
 * Thrown by a module's options when values break its rules; carries every broken rule as an {@link OptionProblem},
 * so the wiring can report each at the position of the key the user wrote. Its message names them all, joined by
 * {@code "; "}.
 */
public final class InvalidOptionsException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final transient List<OptionProblem> problems;

    public InvalidOptionsException(List<OptionProblem> problems) {
        super(String.join("; ", problems.stream().map(OptionProblem::toString).toList()));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("problems: [] (expected: at least one)");
        }
        this.problems = List.copyOf(problems);
    }

    /** Every broken rule, in the order the options checked them. */
    public List<OptionProblem> problems() {
        return problems;
    }
}
