package dev.gossamer.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gossamer.common.testing.Await;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's page, state and event stream on a real sidecar in front of real backends: what the page shows is
 * what the pickers use, the stream pushes events as they happen, and the page is served under a strict CSP.
 */
class DashboardTest extends SidecarWithBackends {

    @Override
    int backendCount() {
        return 2;
    }

    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private String mesh(int deadPort) {
        return """
                routes:
                  - {name: all, listener: outbound, match: {path_prefix: /}, cluster: app, timeout: 5s}
                clusters:
                  - name: app
                    endpoints: [127.0.0.1:%d, 127.0.0.1:%d, 127.0.0.1:%d]
                    balancer: {policy: round_robin}
                    outlier_detection: {consecutive_local_origin_failure: 2, base_ejection_time: 30s, interval: 1s, max_ejection_percent: 50}
                """.formatted(backends.port(0), backends.port(1), deadPort);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sidecar.adminPort() + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private int proxied() {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sidecar.listenerPort("outbound")
                    + "/")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    private JsonObject endpoint(JsonObject state, int port) {
        JsonArray eps = state.getJsonArray("clusters").getJsonObject(0).getJsonArray("endpoints");
        for (int i = 0; i < eps.size(); i++) {
            if (eps.getJsonObject(i).getString("address").endsWith(":" + port)) {
                return eps.getJsonObject(i);
            }
        }
        throw new AssertionError("no endpoint on port " + port + " in " + eps.encode());
    }

    @Test
    void stateShowsRatesLatencyAndAnEjectedEndpointAsThePickersSeeIt() throws Exception {
        int dead = closedPort();
        sidecar = SingleNode.start(vertx, dir, "dash-node", "1s", mesh(dead));
        JsonObject first = new JsonObject(get("/admin/dashboard").body());
        assertThat(first.getJsonObject("node").getString("id")).isEqualTo("dash-node");
        assertThat(first.getJsonObject("node").getString("version")).isNotBlank();
        assertThat(endpoint(first, dead).getString("state")).isEqualTo("healthy"); // nothing known against it yet

        Await.until("the refused endpoint ejected", Duration.ofSeconds(20), () -> {
            proxied();
            return sidecar.health("app").orElseThrow().outlier("127.0.0.1:" + dead).ejected();
        });
        for (int i = 0; i < 20; i++) {
            assertThat(proxied()).isEqualTo(200);
        }
        JsonObject state = new JsonObject(get("/admin/dashboard").body());
        JsonObject ejected = endpoint(state, dead);
        assertThat(ejected.getString("state")).isEqualTo("ejected");
        assertThat(ejected.getString("detail")).contains("outlier detection");
        assertThat(endpoint(state, backends.port(0)).getString("state")).isEqualTo("healthy");

        JsonObject route = state.getJsonArray("routes").getJsonObject(0);
        assertThat(route.getString("name")).isEqualTo("all");
        assertThat(route.getString("match")).isEqualTo("prefix /");
        assertThat(route.getDouble("rps")).isPositive();
        assertThat(route.getDouble("p50_ms")).isPositive();
        assertThat(route.getDouble("p99_ms")).isGreaterThanOrEqualTo(route.getDouble("p50_ms"));
        assertThat(route.getDouble("success_rate")).isBetween(0.0, 1.0);
        JsonObject cluster = state.getJsonArray("clusters").getJsonObject(0);
        assertThat(cluster.getBoolean("panic")).isFalse();
        assertThat(cluster.getDouble("rps")).isPositive();

        JsonArray events = new JsonObject(get("/admin/events").body()).getJsonArray("events");
        assertThat(events.stream().map(o -> ((JsonObject) o).getString("kind")))
                .contains("config-applied", "endpoint-ejected");
    }

    @Test
    void pageAndAssetsCarryAStrictPolicyAndNoInlineScriptOrStyle() throws Exception {
        sidecar = SingleNode.start(vertx, dir, "dash-node", "1s", mesh(closedPort()));
        HttpResponse<String> page = get("/");
        assertThat(page.headers().firstValue("content-security-policy").orElseThrow())
                .contains("script-src 'self'").contains("style-src 'self'").doesNotContain("unsafe-inline");
        assertThat(page.body()).contains("<script src=\"/dashboard.js\"").doesNotContain("<style")
                .doesNotContain("onclick").doesNotContain("style=");
        assertThat(page.body().replace("<script src=\"/dashboard.js\" defer></script>", "")).doesNotContain("<script");
        assertThat(get("/dashboard.js").headers().firstValue("content-type").orElseThrow()).startsWith("text/javascript");
        assertThat(get("/dashboard.css").headers().firstValue("content-type").orElseThrow()).startsWith("text/css");
        assertThat(get("/dashboard.js").body()).doesNotContain("innerHTML");
    }

    @Test
    void streamSendsTheStateAndThenEachEventAsItHappens() throws Exception {
        sidecar = SingleNode.start(vertx, dir, "dash-node", "1s", mesh(closedPort()));
        HttpResponse<InputStream> resp = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + sidecar.adminPort() + "/admin/events/stream")).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(resp.headers().firstValue("content-type").orElseThrow()).startsWith("text/event-stream");
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(resp.body(), StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) {
                    lines.add(l);
                }
            } catch (Exception e) {
                lines.add("closed: " + e);
            }
        });
        reader.setDaemon(true);
        reader.start();
        try {
            waitForLine(lines, "event: state");
            waitForLine(lines, "\"kind\":\"config-applied\""); // the backlog
            // A rejected reload is pushed at once.
            Files.writeString(dir.resolve("mesh.yaml"), mesh(closedPort()) + "    bogus_key: 1\n");
            assertThat(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sidecar.adminPort()
                    + "/admin/reload")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(400);
            String rejected = waitForLine(lines, "\"kind\":\"config-rejected\"");
            assertThat(rejected).contains("bogus_key");
            waitForLine(lines, "event: state"); // and the state keeps coming
        } finally {
            resp.body().close();
        }
    }

    @Test
    void aNodeThatJoinedNoSeedSaysSoInMembersTheMetricTheStateAndOnceInTheEvents() throws Exception {
        int seed = closedPort();
        Files.writeString(dir.resolve("mesh.yaml"), mesh(closedPort()));
        Files.writeString(dir.resolve("sidecar.yaml"), """
                node: {id: lonely}
                admin: {address: 127.0.0.1:0}
                listeners:
                  - {name: outbound, address: 127.0.0.1:0}
                mesh_config: ./mesh.yaml
                membership:
                  address: 127.0.0.1:0
                  seeds: [127.0.0.1:%d]
                  keys: [%s]
                """.formatted(seed, java.util.Base64.getEncoder().encodeToString(new byte[32])));
        dev.gossamer.config.ConfigResult<dev.gossamer.config.SidecarConfig> cfg =
                dev.gossamer.config.ConfigLoader.withSystemEnvironment().loadSidecar(dir.resolve("sidecar.yaml"));
        sidecar = Futures.await(Sidecar.start(vertx, cfg.value(), cfg.sourceMap(), Sidecar.Runtime.system(1)));

        assertThat(new JsonObject(get("/admin/members").body()).getBoolean("joined")).isFalse();
        assertThat(get("/metrics").body()).contains("gossamer_membership_joined 0.0");
        assertThat(new JsonObject(get("/admin/dashboard").body()).getJsonObject("node").getBoolean("joined")).isFalse();
        Await.until("the node says once that it is alone", Duration.ofSeconds(30), () -> {
            try {
                return get("/admin/events").body().contains("join-failed");
            } catch (Exception e) {
                return false;
            }
        });
        JsonArray events = new JsonObject(get("/admin/events").body()).getJsonArray("events");
        List<String> alone = events.stream().map(o -> (JsonObject) o)
                .filter(e -> e.getString("kind").equals("join-failed")).map(e -> e.getString("message")).toList();
        assertThat(alone).hasSize(1);
        assertThat(alone.get(0)).contains("has not joined any seed").contains("127.0.0.1:" + seed)
                .contains("membership.keys");
    }

    private static String waitForLine(BlockingQueue<String> lines, String needle) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < end) {
            String l = lines.poll(200, TimeUnit.MILLISECONDS);
            if (l != null && l.contains(needle)) {
                return l;
            }
        }
        throw new AssertionError("no line with " + needle + " within 20 s");
    }
}
