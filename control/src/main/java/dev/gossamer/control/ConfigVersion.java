package dev.gossamer.control;

import java.util.Objects;

/**
 * One committed version of the mesh config, identical on every voter: the version number (1, 2, ... with no
 * gaps), the YAML text, its SHA-256 digest in lower-case hex, the commit time the leader stamped into the log entry
 * (milliseconds since the epoch, so every voter records the same instant), where it came from and who wrote it.
 *
 * @param version      1 for the first config, then +1 per change
 * @param yaml         the whole mesh config text
 * @param digest       SHA-256 of {@code yaml} as UTF-8, 64 lower-case hex digits
 * @param committedAt  the leader's wall clock when it accepted the write, epoch milliseconds
 * @param source       where the text came from ({@code mesh.yaml}, {@code admin-api}, {@code rollback of 3})
 * @param author       who proposed it (free text; empty when unknown)
 */
public record ConfigVersion(long version, String yaml, String digest, long committedAt, String source,
                            String author) {

    public ConfigVersion {
        if (version < 1) {
            throw new IllegalArgumentException("version: " + version + " (expected: >= 1)");
        }
        Objects.requireNonNull(yaml, "yaml");
        Objects.requireNonNull(digest, "digest");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(author, "author");
    }

    /** This version without its text, as a history row. */
    public VersionInfo info() {
        return new VersionInfo(version, committedAt, source, author, digest);
    }

    /** Omits the YAML text, which may be long. */
    @Override
    public String toString() {
        return "ConfigVersion[" + info() + ", " + yaml.length() + " chars]";
    }
}
