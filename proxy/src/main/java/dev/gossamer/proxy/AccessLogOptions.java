package dev.gossamer.proxy;

import dev.gossamer.common.OptionRules;
import java.util.Locale;
import java.util.Objects;

/**
 * The access log's settings ({@code access_log:} in sidecar.yaml): the one owner of their defaults and rules.
 * Immutable; build with {@link #builder()}, which checks every value at once and reports them under the YAML keys
 * ({@code format: "xml" (expected: off, text or json)}).
 *
 * @param format        off, one text line or one JSON object per request
 * @param path          {@code stdout}, or a file the log is appended to
 * @param queueCapacity entries waiting for the writer thread at most; beyond it entries are dropped and counted
 */
public record AccessLogOptions(Format format, String path, int queueCapacity) {

    /** Where an access log goes when no path is given: the container runtime collects stdout. */
    public static final String STDOUT = "stdout";

    /**
     * Off: one line per request is a choice about disk and the log pipeline, as in Envoy and Linkerd, whose access
     * logs are off until configured.
     */
    public static final Format DEFAULT_FORMAT = Format.OFF;
    /** stdout: what Kubernetes and systemd collect without any further set-up. */
    public static final String DEFAULT_PATH = STDOUT;
    /**
     * 16384 entries (about 5 MB of records): a second of a busy sidecar's traffic, so a slow disk for a moment
     * drops nothing, while a stuck one cannot grow the heap without bound.
     */
    public static final int DEFAULT_QUEUE_CAPACITY = 16_384;
    /** The largest queue accepted: beyond it a stuck disk would hold too much of the heap. */
    public static final int MAX_QUEUE_CAPACITY = 1 << 20;

    /** The options used when {@code access_log:} is absent: off. */
    public static final AccessLogOptions DEFAULT = builder().build();

    /** How each request is written. */
    public enum Format {
        /** No access log. */
        OFF,
        /** One line per request, fields in a fixed order (Envoy's default format, extended). */
        TEXT,
        /** One JSON object per line, Envoy's field names. */
        JSON;

        /** The name as written in YAML. */
        public String yamlName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public AccessLogOptions {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(path, "path");
        OptionRules r = new OptionRules();
        r.check(!path.isBlank(), "path", "\"\" (expected: stdout or a file path)");
        r.range("queue_capacity", queueCapacity, 1, MAX_QUEUE_CAPACITY);
        r.throwIfAny();
    }

    /** Whether anything is logged. */
    public boolean enabled() {
        return format != Format.OFF;
    }

    /** Whether the log goes to the process's standard output. */
    public boolean toStdout() {
        return STDOUT.equals(path);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Collects values; {@link #build} reports every broken rule at once. */
    public static final class Builder {
        private Format format = DEFAULT_FORMAT;
        private String badFormat;
        private String path = DEFAULT_PATH;
        private int queueCapacity = DEFAULT_QUEUE_CAPACITY;

        private Builder() {
        }

        public Builder format(Format format) {
            this.format = Objects.requireNonNull(format, "format");
            this.badFormat = null;
            return this;
        }

        /** The format as written in YAML: {@code off}, {@code text} or {@code json}. */
        public Builder format(String yaml) {
            for (Format f : Format.values()) {
                if (f.yamlName().equals(yaml)) {
                    return format(f);
                }
            }
            this.badFormat = yaml;
            return this;
        }

        public Builder path(String path) {
            this.path = Objects.requireNonNull(path, "path");
            return this;
        }

        public Builder queueCapacity(int queueCapacity) {
            this.queueCapacity = queueCapacity;
            return this;
        }

        public AccessLogOptions build() {
            OptionRules r = new OptionRules();
            r.check(badFormat == null, "format", "\"" + badFormat + "\" (expected: off, text or json)");
            r.check(!path.isBlank(), "path", "\"\" (expected: stdout or a file path)");
            r.range("queue_capacity", queueCapacity, 1, MAX_QUEUE_CAPACITY);
            r.throwIfAny();
            return new AccessLogOptions(format, path, queueCapacity);
        }
    }
}
