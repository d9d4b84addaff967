package dev.gossamer.config;

import java.util.Objects;
import java.util.Optional;

/**
 * The access log ({@code access_log:} in sidecar.yaml) as the user wrote it. The defaults and the accepted formats
 * belong to the data plane ({@code AccessLogOptions}: off, to stdout).
 *
 * @param format {@code off}, {@code text} or {@code json}; empty: the data plane's default (off)
 * @param path   {@code stdout}, or a file (resolved against the sidecar file's directory); empty: stdout
 */
public record AccessLogConfig(Optional<String> format, Optional<String> path) {

    /** The access-log config used when {@code access_log:} is absent. */
    public static final AccessLogConfig DEFAULT = new AccessLogConfig(Optional.empty(), Optional.empty());

    public AccessLogConfig {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(path, "path");
    }
}
