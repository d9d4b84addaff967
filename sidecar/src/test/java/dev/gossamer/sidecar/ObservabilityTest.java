package dev.gossamer.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gossamer.common.testing.Await;
import dev.gossamer.common.testing.Tools;
import dev.gossamer.config.ConfigLoader;
import dev.gossamer.config.ConfigResult;
import dev.gossamer.config.SidecarConfig;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What an operator reads, from a real sidecar after real traffic (200s, 404s, a retried refused connection, a
 * cluster whose only endpoint is dead): the JSON access log written to a file, and a {@code /metrics} page that
 * Prometheus' own {@code promtool check metrics} accepts (Debian's {@code prometheus} package, through Tools).
 */
class ObservabilityTest extends SidecarWithBackends {

    @Override
    int backendCount() {
        return 2;
    }

    private static int deadPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private void start() throws Exception {
        int dead = deadPort();
        Files.writeString(dir.resolve("sidecar.yaml"), """
                node: {id: obs}
                admin: {address: 127.0.0.1:0}
                listeners:
                  - {name: outbound, address: 127.0.0.1:0}
                mesh_config: ./mesh.yaml
                drain: {timeout: 1s}
                access_log: {format: json, path: logs/access.log}
                membership: {address: 127.0.0.1:0, profile: local}
                """);
        Files.createDirectories(dir.resolve("logs"));
        Files.writeString(dir.resolve("mesh.yaml"), """
                routes:
                  - name: app
                    match: {path_prefix: /app}
                    cluster: app
                    timeout: 5s
                    retries: {attempts: 3, retry_on: [connect_failure]}
                  - {name: dead, match: {path_prefix: /dead}, cluster: dead, timeout: 5s}
                clusters:
                  - name: app
                    endpoints: [127.0.0.1:%d, 127.0.0.1:%d, 127.0.0.1:%d]
                    balancer: {policy: round_robin}
                    outlier_detection: {consecutive_5xx: 5}
                  - name: dead
                    endpoints: [127.0.0.1:%d]
                """.formatted(dead, backends.port(0), backends.port(1), dead));
        ConfigResult<SidecarConfig> cfg = ConfigLoader.withSystemEnvironment()
                .loadSidecar(dir.resolve("sidecar.yaml"));
        assertThat(cfg.problems()).isEmpty();
        sidecar = Futures.await(Sidecar.start(vertx, cfg.value(), cfg.sourceMap(), Sidecar.Runtime.system(1)));
    }

    private String metricsPage() {
        try {
            return get(sidecar.adminPort(), "/metrics").body();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private void traffic() throws Exception {
        int port = sidecar.listenerPort("outbound");
        for (int i = 0; i < 6; i++) {
            assertThat(get(port, "/app/" + i).statusCode()).isEqualTo(200);
        }
        assertThat(get(port, "/nowhere").statusCode()).isEqualTo(404);
        assertThat(get(port, "/dead").statusCode()).isEqualTo(502);
    }

    @Test
    void theAccessLogHasOneJsonLinePerRequestWithTheIdTheClientGot() throws Exception {
        start();
        int port = sidecar.listenerPort("outbound");
        HttpResponse<String> ok = get(port, "/app/x");
        HttpResponse<String> missing = get(port, "/nowhere");
        Path log = dir.resolve("logs/access.log");
        Await.until("two access-log lines", Duration.ofSeconds(10),
                () -> Files.exists(log) && lines(log).size() == 2);
        List<JsonObject> entries = lines(log).stream().map(JsonObject::new).toList();
        JsonObject first = entries.get(0);
        assertThat(first.getString("path")).isEqualTo("/app/x");
        assertThat(first.getInteger("response_code")).isEqualTo(200);
        assertThat(first.getString("route_name")).isEqualTo("app");
        assertThat(first.getString("request_id")).isEqualTo(ok.headers().firstValue("x-request-id").orElseThrow());
        JsonObject second = entries.get(1);
        assertThat(second.getInteger("response_code")).isEqualTo(404);
        assertThat(second.getString("response_flags")).isEqualTo("NR");
        assertThat(second.getString("reason")).isEqualTo("no route");
        assertThat(second.getString("request_id"))
                .isEqualTo(missing.headers().firstValue("x-request-id").orElseThrow());
    }

    @Test
    void promtoolAcceptsTheMetricsPageAfterSuccessesNotFoundsRetriesAndErrors() throws Exception {
        Path promtool = Tools.debian("promtool", "prometheus");
        start();
        double allocatedBefore = allocated(get(sidecar.adminPort(), "/metrics").body());
        traffic();
        // A request is counted when its exchange ends, which can be just after the client has its answer: the page is
        // read once the last one (the 502 from the dead cluster) is in.
        Await.until("the last request counted", Duration.ofSeconds(10),
                () -> metricsPage().contains("gossamer_active_requests 0.0"));
        String page = get(sidecar.adminPort(), "/metrics").body();
        // The allocation counter (issue 13) moves with requests served; the bench divides its rate by theirs.
        assertThat(allocated(page)).isGreaterThan(allocatedBefore);

        assertThat(page).doesNotContain("=\"\"") // no empty label values (an unmatched request is route="none")
                .contains("response_flags=\"NR\"", "route=\"none\"", "status_class=\"4xx\"",
                        "response_flags=\"UF\"")
                .containsPattern("gossamer_retries_total\\{cluster=\"app\"[^}]*} [1-9]");
        Path file = dir.resolve("metrics.txt");
        Files.writeString(file, page);
        Process p = new ProcessBuilder(promtool.toString(), "check", "metrics")
                .redirectInput(file.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(out).as("promtool check metrics").isEmpty();
        assertThat(p.exitValue()).as("promtool's exit status; it said:%n%s", out).isZero();
    }

    private static double allocated(String page) {
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("(?m)^gossamer_process_allocated_bytes_total(?:\\{[^}]*})? (\\S+)$").matcher(page);
        assertThat(m.find()).as("gossamer_process_allocated_bytes_total in%n%s", page).isTrue();
        return Double.parseDouble(m.group(1));
    }

    private static List<String> lines(Path p) {
        try {
            return Files.readAllLines(p).stream().filter(l -> !l.isBlank()).toList();
        } catch (java.io.IOException e) {
            return List.of();
        }
    }
}
