package dev.gossamer.control;

import java.util.List;

/**
 * Phase one of applying a mesh config, handed to the control module as a function: every problem of {@code yaml}
 * as {@code file:line:col: path: message} strings, empty when the text is valid. The sidecar wires it to
 * {@code ConfigValidator.validateMesh}, so what the leader lets into the log is exactly what every sidecar can
 * apply, whole.
 *
 * <p>Threading: called on the leader from Ratis's request threads, possibly concurrently; must be thread-safe and
 * must not block on I/O. A thrown exception counts as a rejection (the log does not move).
 */
@FunctionalInterface
public interface MeshValidator {

    /**
     * Every problem of {@code yaml}; empty = valid.
     *
     * @param sourceName the name problems are positioned in (a file name, {@code admin-api}, {@code version 7})
     * @param yaml       the whole mesh config text
     */
    List<String> problems(String sourceName, String yaml);

    /** Accepts every text; for tests and a single machine that validates elsewhere. */
    static MeshValidator acceptAll() {
        return (sourceName, yaml) -> List.of();
    }
}
