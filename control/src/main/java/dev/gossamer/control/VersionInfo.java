package dev.gossamer.control;

import java.util.Objects;

/**
 * One row of the committed history, without the text: what {@code gossamer config history} prints.
 *
 * @param version     the version number
 * @param committedAt the leader's wall clock at the write, epoch milliseconds
 * @param source      where the text came from
 * @param author      who proposed it
 * @param digest      SHA-256 of the text, lower-case hex
 */
public record VersionInfo(long version, long committedAt, String source, String author, String digest) {

    public VersionInfo {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(author, "author");
        Objects.requireNonNull(digest, "digest");
    }
}
