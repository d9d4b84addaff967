package dev.gossamer.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Log lines as text or JSON, and levels changed at run time through the (guarded) admin API. */
class LoggingTest {

    @TempDir
    Path dir;

    private Vertx vertx;
    private Sidecar sidecar;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeEach
    void setUp() throws Exception {
        vertx = Vertx.vertx();
        sidecar = SingleNode.start(vertx, dir, "log-node", "1s", "routes: []\nclusters: []\n");
    }

    @AfterEach
    void tearDown() throws Exception {
        Futures.await(sidecar.shutdown());
        Futures.await(vertx.close());
    }

    private static LogRecord record() {
        LogRecord r = new LogRecord(Level.WARNING, "cannot reach {0} \"quoted\"\nsecond line");
        r.setParameters(new Object[] {"10.0.0.1:7946"});
        r.setLoggerName("dev.gossamer.sidecar.MeshMembership");
        r.setInstant(java.time.Instant.parse("2026-12-06T17:01:23.123Z"));
        r.setThrown(new IllegalStateException("boom"));
        return r;
    }

    @Test
    void jsonLinesAreOneParsableObjectPerRecord() {
        String line = new Logging.JsonLines().format(record());
        assertThat(line).endsWith("\n");
        assertThat(line.strip().lines()).hasSize(1);
        JsonObject j = new JsonObject(line);
        assertThat(j.getString("time")).isEqualTo("2026-12-06T17:01:23.123Z");
        assertThat(j.getString("level")).isEqualTo("warn");
        assertThat(j.getString("logger")).isEqualTo("dev.gossamer.sidecar.MeshMembership");
        assertThat(j.getString("message")).isEqualTo("cannot reach 10.0.0.1:7946 \"quoted\"\nsecond line");
        assertThat(j.getString("error")).startsWith("java.lang.IllegalStateException: boom");
    }

    @Test
    void textLinesStartWithTimeLevelAndLogger() {
        String text = new Logging.TextLines().format(record());
        assertThat(text).startsWith("2026-12-06T17:01:23.123Z WARN  dev.gossamer.sidecar.MeshMembership - cannot "
                + "reach 10.0.0.1:7946").contains("java.lang.IllegalStateException: boom");
    }

    @Test
    void configuringTwiceNeverClosesStderr() {
        java.io.PrintStream old = System.err;
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        java.io.PrintStream err = new java.io.PrintStream(buf, true, java.nio.charset.StandardCharsets.UTF_8);
        System.setErr(err);
        try {
            Logging.configure(Logging.Format.text, "info");
            Logging.configure(Logging.Format.json, "info"); // gossamer run after main: the first handler is closed
            Logger.getLogger("dev.gossamer.logging.twice").info("after the second configure");
            System.err.println("a sentence on stderr");
            assertThat(err.checkError()).isFalse();
            assertThat(buf.toString(java.nio.charset.StandardCharsets.UTF_8))
                    .contains("\"message\":\"after the second configure\"").contains("a sentence on stderr");
        } finally {
            java.util.logging.LogManager.getLogManager().reset();
            System.setErr(old);
            Logging.configure(Logging.Format.text, "info");
        }
    }

    @Test
    void levelNamesMapBothWays() {
        assertThat(Logging.level("DEBUG")).contains(Level.FINE);
        assertThat(Logging.level("verbose")).isEmpty();
        assertThat(Logging.name(Level.FINER)).isEqualTo("debug");
        assertThat(Logging.name(Level.SEVERE)).isEqualTo("error");
    }

    private HttpResponse<String> post(String query, String origin) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sidecar.adminPort()
                + "/admin/logging" + query)).POST(HttpRequest.BodyPublishers.noBody());
        if (origin != null) {
            b.header("Origin", origin);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aLevelChangesAtRunTimeThroughTheAdminApiWhichRefusesBadLevelsAndForeignPages() throws Exception {
        String name = "dev.gossamer.logging.test" + System.nanoTime();
        Logger jul = Logger.getLogger(name);
        assertThat(jul.isLoggable(Level.FINE)).isFalse();

        HttpResponse<String> r = post("?level=debug&logger=" + name, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(new JsonObject(r.body()).getJsonObject("levels").getString(name)).isEqualTo("debug");
        assertThat(jul.isLoggable(Level.FINE)).isTrue();
        assertThat(org.slf4j.LoggerFactory.getLogger(name).isDebugEnabled()).isTrue();

        HttpResponse<String> bad = post("?level=verbose&logger=" + name, null);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(new JsonObject(bad.body()).getString("error")).isEqualTo("level \"verbose\" (expected: ?level= "
                + "one of trace, debug, info, warn, error, off, and optionally &logger=NAME)");

        HttpResponse<String> page = post("?level=off&logger=" + name, "http://evil.example");
        assertThat(page.statusCode()).isEqualTo(403);
        assertThat(jul.isLoggable(Level.FINE)).isTrue();

        assertThat(post("?level=info&logger=" + name, null).statusCode()).isEqualTo(200);
        assertThat(jul.isLoggable(Level.FINE)).isFalse();
    }
}
