package dev.gossamer.proxy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Objects;

/**
 * Writes {@link AccessLogEntry}s as text or JSON lines. One instance per writing thread (it keeps a JSON generator
 * over its writer); not thread-safe.
 *
 * <p>Text, one line per request, Envoy's default format extended with the route, cluster, tries and reason:
 * <pre>
 * [2026-12-06T17:01:23.123Z] "GET /orders/7 HTTP/1.1" 200 - 0 512 3.412 2.950 "1b4e28ba-..." "orders" "127.0.0.1:8081" route=orders cluster=orders tries=1
 * [2026-12-06T17:01:23.125Z] "GET /nope HTTP/1.1" 404 NR 0 0 0.101 - "..." "localhost:15001" "-" route=none cluster=none tries=0 reason="no route"
 * </pre>
 * Fields: start time (UTC), method, path, protocol, status, response flag, body bytes in, body bytes out, duration
 * ms, upstream ms (to the last try's response head; {@code -} when none), request id, authority, endpoint. Quoted
 * values escape quotes, backslashes and control characters, so a request cannot forge a log line.
 *
 * <p>JSON, one object per line, with Envoy's field names: {@code start_time}, {@code method}, {@code authority},
 * {@code path}, {@code protocol}, {@code response_code}, {@code response_flags}, {@code reason} (only when the
 * proxy answered itself), {@code route_name}, {@code cluster}, {@code upstream_host}, {@code tries},
 * {@code bytes_received}, {@code bytes_sent}, {@code duration_ms}, {@code upstream_service_time_ms},
 * {@code request_id}. Written by Jackson's streaming generator.
 */
public final class AccessLogFormat {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);
    private static final JsonFactory JSON = JsonFactory.builder().build();

    private final AccessLogOptions.Format format;
    private final Writer out;
    private final JsonGenerator json;
    private final StringBuilder line = new StringBuilder(256);

    /** A formatter writing {@code format} lines to {@code out} (which it does not flush or close). */
    public AccessLogFormat(AccessLogOptions.Format format, Writer out) {
        this.format = Objects.requireNonNull(format, "format");
        this.out = Objects.requireNonNull(out, "out");
        try {
            this.json = format == AccessLogOptions.Format.JSON
                    ? JSON.createGenerator(out).disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
                            .disable(JsonGenerator.Feature.FLUSH_PASSED_TO_STREAM)
                    : null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes one entry as one line, newline included. */
    public void write(AccessLogEntry e) throws IOException {
        if (format == AccessLogOptions.Format.JSON) {
            writeJson(e);
        } else if (format == AccessLogOptions.Format.TEXT) {
            line.setLength(0);
            text(e, line);
            line.append('\n');
            out.append(line);
        }
    }

    /** {@code e} as one text line without the newline, appended to {@code sb}. */
    static void text(AccessLogEntry e, StringBuilder sb) {
        sb.append('[');
        TIME.formatTo(Instant.ofEpochMilli(e.startMillis()), sb);
        sb.append("] \"").append(e.method()).append(' ');
        escape(e.path(), sb);
        sb.append(' ').append(e.protocol()).append("\" ").append(e.status()).append(' ').append(e.flag().code())
                .append(' ').append(e.bytesIn()).append(' ').append(e.bytesOut()).append(' ');
        millis(e.durationNanos(), sb);
        sb.append(' ');
        if (e.upstreamNanos() < 0) {
            sb.append('-');
        } else {
            millis(e.upstreamNanos(), sb);
        }
        sb.append(" \"");
        escape(e.requestId(), sb);
        sb.append("\" \"");
        escape(e.authority(), sb);
        sb.append("\" \"");
        escape(e.endpoint(), sb);
        sb.append("\" route=").append(e.route()).append(" cluster=").append(e.cluster()).append(" tries=")
                .append(e.tries());
        if (e.reason() != null) {
            sb.append(" reason=\"");
            escape(e.reason(), sb);
            sb.append('"');
        }
    }

    private void writeJson(AccessLogEntry e) throws IOException {
        JsonGenerator g = json;
        g.writeStartObject();
        line.setLength(0);
        TIME.formatTo(Instant.ofEpochMilli(e.startMillis()), line);
        g.writeStringField("start_time", line.toString());
        g.writeStringField("method", e.method());
        g.writeStringField("authority", e.authority());
        g.writeStringField("path", e.path());
        g.writeStringField("protocol", e.protocol());
        g.writeNumberField("response_code", e.status());
        g.writeStringField("response_flags", e.flag().code());
        if (e.reason() != null) {
            g.writeStringField("reason", e.reason());
        }
        g.writeStringField("route_name", e.route());
        g.writeStringField("cluster", e.cluster());
        g.writeStringField("upstream_host", e.endpoint());
        g.writeNumberField("tries", e.tries());
        g.writeNumberField("bytes_received", e.bytesIn());
        g.writeNumberField("bytes_sent", e.bytesOut());
        line.setLength(0);
        millis(e.durationNanos(), line);
        g.writeFieldName("duration_ms");
        g.writeNumber(line.toString()); // a decimal written as is: no double formatting
        g.writeFieldName("upstream_service_time_ms");
        if (e.upstreamNanos() < 0) {
            g.writeNull();
        } else {
            line.setLength(0);
            millis(e.upstreamNanos(), line);
            g.writeNumber(line.toString());
        }
        g.writeStringField("request_id", e.requestId());
        g.writeEndObject();
        g.writeRaw('\n');
        g.flush(); // into the writer (FLUSH_PASSED_TO_STREAM is off): the writer's owner decides when bytes move
    }

    /** Nanoseconds as milliseconds with three decimals ({@code 3.412}), without floating point. */
    static void millis(long nanos, StringBuilder sb) {
        long micros = Math.max(0, nanos) / 1000;
        sb.append(micros / 1000).append('.');
        long frac = micros % 1000;
        if (frac < 100) {
            sb.append('0');
        }
        if (frac < 10) {
            sb.append('0');
        }
        sb.append(frac);
    }

    /** {@code s} with quotes, backslashes and control characters escaped; {@code -} for null. */
    static void escape(String s, StringBuilder sb) {
        if (s == null) {
            sb.append('-');
            return;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f) {
                sb.append("\\x").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xf, 16));
            } else {
                sb.append(c);
            }
        }
    }
}
