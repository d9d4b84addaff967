package dev.gossamer.control;

import java.util.List;
import java.util.Objects;

/**
 * The answer to a write ({@link ControlClient#put}, {@link ControlClient#rollback}) as a value. A write that could
 * not be decided at all (no leader within the request timeout, the client closed) fails its future instead.
 *
 * <ul>
 *   <li>{@link Committed}: the text is the latest version; {@code created} is false when it was already the latest
 *       text (same digest), in which case nothing new was committed.</li>
 *   <li>{@link Rejected}: the validator (or a rule of this module, such as the size limit or an unknown rollback
 *       version) refused it on the leader before the log; nothing was written.</li>
 *   <li>{@link Conflict}: the compare-and-set version did not match the latest at apply time; nothing changed.</li>
 * </ul>
 */
public sealed interface WriteResult {

    /**
     * The write is (or already was) the latest version.
     *
     * @param version the version the text is committed as
     * @param digest  its SHA-256, lower-case hex
     * @param created true when this write made a new version, false when the text was already the latest
     */
    record Committed(long version, String digest, boolean created) implements WriteResult {
        public Committed {
            Objects.requireNonNull(digest, "digest");
        }
    }

    /**
     * Refused before the log: every problem, shaped {@code file:line:col: path: message} when they come from the
     * validator.
     */
    record Rejected(List<String> problems) implements WriteResult {
        public Rejected {
            problems = List.copyOf(problems);
            if (problems.isEmpty()) {
                throw new IllegalArgumentException("problems: [] (expected: at least one)");
            }
        }
    }

    /** The compare-and-set lost: {@code currentVersion} is the latest version when the write was applied. */
    record Conflict(long currentVersion) implements WriteResult {
    }
}
