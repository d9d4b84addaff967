package dev.gossamer.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gossamer.common.InvalidOptionsException;
import dev.gossamer.common.Ticker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import dev.gossamer.common.testing.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The access log's lines (text and JSON, parsed back by a real JSON parser) and its writer thread. */
class AccessLogFormatTest {

    @TempDir
    Path dir;

    static AccessLogEntry entry(String path, String reason, RequestLabels.Flag flag) {
        return new AccessLogEntry(java.time.Instant.parse("2026-12-01T20:53:20.123Z").toEpochMilli(), "GET", "orders.local:8080", path, "HTTP/1.1", 200, reason,
                flag, "orders", "orders-v1", "127.0.0.1:8081", 2, 5, 512, 3_412_345, 2_950_001, "rid-1");
    }

    static String format(AccessLogOptions.Format f, AccessLogEntry... entries) throws IOException {
        StringWriter w = new StringWriter();
        AccessLogFormat fmt = new AccessLogFormat(f, w);
        for (AccessLogEntry e : entries) {
            fmt.write(e);
        }
        return w.toString();
    }

    @Test
    void textLineHasEveryFieldInOrder() throws IOException {
        assertThat(format(AccessLogOptions.Format.TEXT, entry("/orders/7", null, RequestLabels.Flag.NONE)))
                .isEqualTo("[2026-12-01T20:53:20.123Z] \"GET /orders/7 HTTP/1.1\" 200 - 5 512 3.412 2.950 \"rid-1\" "
                        + "\"orders.local:8080\" \"127.0.0.1:8081\" route=orders cluster=orders-v1 tries=2\n");
        AccessLogEntry noRoute = new AccessLogEntry(0, "GET", null, "/x", "HTTP/2", 404, "no route",
                RequestLabels.Flag.NO_ROUTE, "none", "none", null, 0, 0, 0, 101_000, -1, "rid-2");
        assertThat(format(AccessLogOptions.Format.TEXT, noRoute)).isEqualTo("[1970-01-01T00:00:00.000Z] "
                + "\"GET /x HTTP/2\" 404 NR 0 0 0.101 - \"rid-2\" \"-\" \"-\" route=none cluster=none tries=0 "
                + "reason=\"no route\"\n");
    }

    @Test
    void aRequestCannotForgeALogLine() throws IOException {
        String out = format(AccessLogOptions.Format.TEXT,
                entry("/a\"b\n[2026-01-01T00:00:00.000Z] \"GET /forged", null, RequestLabels.Flag.NONE));
        assertThat(out.lines()).hasSize(1);
        assertThat(out).contains("/a\\\"b\\x0a[2026");
    }

    @Test
    void jsonLinesParseBackWithEnvoysFieldNames() throws IOException {
        String out = format(AccessLogOptions.Format.JSON, entry("/a\"b\n", null, RequestLabels.Flag.NONE),
                new AccessLogEntry(0, "GET", null, "/x", "HTTP/2", 404, "no route", RequestLabels.Flag.NO_ROUTE,
                        "none", "none", null, 0, 0, 0, 101_000, -1, "rid-2"));
        List<String> lines = out.lines().toList();
        assertThat(lines).hasSize(2);
        JsonObject first = new JsonObject(lines.get(0));
        assertThat(first.getString("start_time")).isEqualTo("2026-12-01T20:53:20.123Z");
        assertThat(first.getString("path")).isEqualTo("/a\"b\n");
        assertThat(first.getInteger("response_code")).isEqualTo(200);
        assertThat(first.getString("response_flags")).isEqualTo("-");
        assertThat(first.containsKey("reason")).isFalse();
        assertThat(first.getString("route_name")).isEqualTo("orders");
        assertThat(first.getString("cluster")).isEqualTo("orders-v1");
        assertThat(first.getString("upstream_host")).isEqualTo("127.0.0.1:8081");
        assertThat(first.getInteger("tries")).isEqualTo(2);
        assertThat(first.getLong("bytes_received")).isEqualTo(5);
        assertThat(first.getLong("bytes_sent")).isEqualTo(512);
        assertThat(first.getDouble("duration_ms")).isEqualTo(3.412);
        assertThat(first.getDouble("upstream_service_time_ms")).isEqualTo(2.950);
        assertThat(first.getString("request_id")).isEqualTo("rid-1");
        JsonObject second = new JsonObject(lines.get(1));
        assertThat(second.getString("reason")).isEqualTo("no route");
        assertThat(second.getString("response_flags")).isEqualTo("NR");
        assertThat(second.getValue("authority")).isNull();
        assertThat(second.getValue("upstream_service_time_ms")).isNull();
    }

    @Test
    void optionsReportEveryBadValueUnderItsYamlKey() {
        assertThatThrownBy(() -> AccessLogOptions.builder().format("xml").path(" ").queueCapacity(0).build())
                .isInstanceOf(InvalidOptionsException.class)
                .hasMessageContaining("format: \"xml\" (expected: off, text or json)")
                .hasMessageContaining("path: \"\" (expected: stdout or a file path)")
                .hasMessageContaining("queue_capacity: 0 (expected: 1..1048576)");
        assertThat(AccessLogOptions.DEFAULT.enabled()).isFalse();
        assertThat(AccessLogOptions.builder().format("json").build().toStdout()).isTrue();
    }

    @Test
    void theWriterAppendsJsonLinesToAFileAndWritesWhatIsQueuedOnClose() throws IOException {
        Path file = dir.resolve("access.log");
        Files.writeString(file, "kept\n");
        AccessLogOptions o = AccessLogOptions.builder().format("json").path(file.toString()).build();
        AccessLogWriter w = AccessLogWriter.open(o, new SimpleMeterRegistry(), Ticker.system(), System.out);
        for (int i = 0; i < 100; i++) {
            w.log(entry("/" + i, null, RequestLabels.Flag.NONE));
        }
        w.close();
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(101);
        assertThat(lines.get(0)).isEqualTo("kept");
        assertThat(new JsonObject(lines.get(100)).getString("path")).isEqualTo("/99");
    }

    @Test
    void aFileThatCannotBeOpenedFailsTheOpen() {
        AccessLogOptions o = AccessLogOptions.builder().format("text")
                .path(dir.resolve("missing-dir/access.log").toString()).build();
        assertThatThrownBy(() -> AccessLogWriter.open(o, new SimpleMeterRegistry(), Ticker.system(), System.out))
                .isInstanceOf(IOException.class);
    }

    @Test
    void aFullQueueDropsAndCountsInsteadOfBlockingTheCaller() throws Exception {
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        OutputStream stuck = new OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                writing.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                synchronized (sink) {
                    sink.write(b, off, len);
                }
            }
        };
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        AccessLogOptions o = AccessLogOptions.builder().format("text").queueCapacity(2).build();
        AccessLogWriter w = AccessLogWriter.open(o, registry, Ticker.system(),
                new PrintStream(stuck, false, StandardCharsets.UTF_8));
        w.log(entry("/first", null, RequestLabels.Flag.NONE));
        Await.until("the writer is stuck writing the first batch", Duration.ofSeconds(10),
                () -> writing.getCount() == 0);
        for (int i = 0; i < 5; i++) {
            w.log(entry("/queued-" + i, null, RequestLabels.Flag.NONE)); // never blocks: two fit, three are dropped
        }
        assertThat(registry.get("gossamer.access.log.dropped").counter().count()).isEqualTo(3.0);
        release.countDown();
        w.close();
        String out;
        synchronized (sink) {
            out = sink.toString(StandardCharsets.UTF_8);
        }
        assertThat(out.lines().map(l -> l.replaceAll(".*\"GET (\\S+) .*", "$1")))
                .containsExactly("/first", "/queued-0", "/queued-1");
    }
}
