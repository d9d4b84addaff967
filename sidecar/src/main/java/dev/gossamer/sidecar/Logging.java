package dev.gossamer.sidecar;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.StreamHandler;

/**
 * The process's log: every logger (SLF4J through {@code slf4j-jdk14}, the JDK's {@code System.Logger} used by the
 * modules that depend on the JDK only, Vert.x, Netty, Ratis) ends in {@code java.util.logging}, configured here once:
 * one line per record on stderr, as text or as JSON ({@code --log-format json}), and levels changeable at run time
 * ({@code POST /admin/logging?level=debug&logger=dev.gossamer.proxy}).
 *
 * <p>Levels use SLF4J's names: {@code trace}, {@code debug}, {@code info}, {@code warn}, {@code error}, {@code off}.
 *
 * <p>Threading: {@link #configure} once at start (from {@code main}); {@link #setLevel} from any thread
 * ({@code java.util.logging} levels are thread-safe).
 */
final class Logging {

    /** How each record is written. */
    enum Format { text, json }

    /** info: start, ready, reload, drain and every problem; debug adds per-event detail. */
    static final String DEFAULT_LEVEL = "info";
    /** Loggers that are chatty at info and say nothing an operator acts on: warn unless asked otherwise. */
    static final List<String> QUIET = List.of("io.netty", "org.apache.ratis");

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);
    private static final Map<String, Level> LEVELS = levels();
    // Held strongly: java.util.logging keeps only weak references to loggers, and a level set on a collected
    // logger would be lost.
    private static final Map<String, Logger> CONFIGURED = new java.util.concurrent.ConcurrentHashMap<>();

    private Logging() {
    }

    private static Map<String, Level> levels() {
        Map<String, Level> m = new LinkedHashMap<>();
        m.put("trace", Level.FINEST);
        m.put("debug", Level.FINE);
        m.put("info", Level.INFO);
        m.put("warn", Level.WARNING);
        m.put("error", Level.SEVERE);
        m.put("off", Level.OFF);
        return m;
    }

    /** The JUL level of an SLF4J level name, or empty when the name is unknown. */
    static Optional<Level> level(String name) {
        return Optional.ofNullable(name == null ? null : LEVELS.get(name.toLowerCase(Locale.ROOT)));
    }

    /** The SLF4J name of a JUL level (the nearest one at or above it). */
    static String name(Level level) {
        if (level == null) {
            return null;
        }
        String best = "off";
        for (Map.Entry<String, Level> e : LEVELS.entrySet()) {
            if (e.getValue().intValue() >= level.intValue()) {
                return e.getKey();
            }
        }
        return best;
    }

    /** The level names accepted, for messages. */
    static String levelNames() {
        return String.join(", ", LEVELS.keySet());
    }

    /** Replaces the root handlers by one writing {@code format} lines to stderr, at {@code level} and above. */
    static void configure(Format format, String level) {
        Level l = level(level).orElseThrow(() -> new IllegalArgumentException(
                "--log-level " + level + " (expected: one of " + levelNames() + ")"));
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        // StreamHandler closes its stream when the handler is closed (by the next configure's reset, or at exit):
        // it must never close the process's stderr, which the CLI still prints to.
        java.io.OutputStream stderr = new java.io.FilterOutputStream(System.err) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                flush();
            }
        };
        Handler h = new StreamHandler(stderr, format == Format.json ? new JsonLines() : new TextLines()) {
            @Override
            public synchronized void publish(LogRecord record) {
                super.publish(record);
                flush(); // a line is visible at once, as on a console
            }
        };
        h.setLevel(Level.ALL);
        root.addHandler(h);
        root.setLevel(l);
        CONFIGURED.put("", root);
        for (String q : QUIET) {
            setLevel(q, l.intValue() > Level.WARNING.intValue() ? l : Level.WARNING);
        }
    }

    /** Sets {@code logger}'s level ({@code ""}: the root, every logger without its own level). */
    static void setLevel(String logger, Level level) {
        Logger l = CONFIGURED.computeIfAbsent(logger, Logger::getLogger);
        l.setLevel(level);
    }

    /** Every logger given its own level here, with that level's name ({@code ""} is the root). */
    static Map<String, String> levelsSet() {
        Map<String, String> m = new java.util.TreeMap<>();
        CONFIGURED.forEach((k, v) -> m.put(k, name(v.getLevel())));
        return m;
    }

    private static String stackTrace(Throwable t) {
        StringWriter sw = new StringWriter();
        t.printStackTrace(new PrintWriter(sw));
        return sw.toString();
    }

    /** {@code 2026-12-06T17:01:23.123Z INFO  dev.gossamer.sidecar.Sidecar - node n1 ready ...}, then a stack trace. */
    static final class TextLines extends Formatter {
        @Override
        public String format(LogRecord r) {
            StringBuilder sb = new StringBuilder(160);
            TIME.formatTo(Instant.ofEpochMilli(r.getMillis()), sb);
            String level = name(r.getLevel()).toUpperCase(Locale.ROOT);
            sb.append(' ').append(level);
            for (int i = level.length(); i < 5; i++) {
                sb.append(' ');
            }
            sb.append(' ').append(r.getLoggerName()).append(" - ").append(formatMessage(r)).append('\n');
            if (r.getThrown() != null) {
                sb.append(stackTrace(r.getThrown()));
            }
            return sb.toString();
        }
    }

    /**
     * One JSON object per line: {@code time}, {@code level}, {@code logger}, {@code thread}, {@code message}, and
     * {@code error} (the exception's stack trace) when there is one; written by Jackson's streaming generator.
     */
    static final class JsonLines extends Formatter {
        private static final JsonFactory JSON = JsonFactory.builder().build();

        @Override
        public String format(LogRecord r) {
            StringWriter w = new StringWriter(200);
            try (JsonGenerator g = JSON.createGenerator(w)) {
                g.writeStartObject();
                StringBuilder t = new StringBuilder(24);
                TIME.formatTo(Instant.ofEpochMilli(r.getMillis()), t);
                g.writeStringField("time", t.toString());
                g.writeStringField("level", name(r.getLevel()));
                g.writeStringField("logger", r.getLoggerName());
                g.writeStringField("thread", Thread.currentThread().getName());
                g.writeStringField("message", formatMessage(r));
                if (r.getThrown() != null) {
                    g.writeStringField("error", stackTrace(r.getThrown()));
                }
                g.writeEndObject();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return w.append('\n').toString();
        }
    }
}
