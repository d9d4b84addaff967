package dev.gossamer.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gossamer.common.testing.Await;
import dev.gossamer.config.ConfigLoader;
import dev.gossamer.config.SidecarConfig;
import dev.gossamer.membership.MemberState;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard in a real browser (Debian's Chromium, headless, driven by playwright-core) against a running
 * three-node mesh on loopback: the page lists the members, shows a killed member turn suspect and then dead and a
 * killed backend leave "healthy", all without a reload. A screenshot is kept in {@code target/} as a build artifact.
 */
class DashboardBrowserIT {

    private static final Duration PAGE = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private final List<Vertx> vertxes = new ArrayList<>();
    private final List<Sidecar> nodes = new ArrayList<>();
    private final List<Backend> backends = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (Sidecar s : nodes) {
            if (s != null) {
                Futures.await(s.shutdown().recover(e -> io.vertx.core.Future.succeededFuture()));
            }
        }
        for (Vertx v : vertxes) {
            Futures.await(v.close().recover(e -> io.vertx.core.Future.succeededFuture()));
        }
    }

    private void startMesh() throws Exception {
        Files.writeString(dir.resolve("mesh.yaml"), """
                routes:
                  - {name: orders, match: {path_prefix: /}, cluster: orders, timeout: 5s}
                clusters:
                  - name: orders
                    balancer: {policy: round_robin}
                    connect_timeout: 300ms
                """);
        String key = Base64.getEncoder().encodeToString(new byte[32]);
        String seed = "";
        for (int i = 1; i <= 3; i++) {
            Vertx v = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
            vertxes.add(v);
            Backend b = Futures.await(new Backend(v, "b" + i).start());
            backends.add(b);
            Path file = dir.resolve("sidecar-" + i + ".yaml");
            // suspicion_mult 4: a suspect member stays suspect a few seconds before it is declared dead
            Files.writeString(file, """
                    node: {id: node-%d, zone: z%d}
                    admin: {address: 127.0.0.1:0}
                    listeners:
                      - {name: outbound, address: 127.0.0.1:0}
                    services:
                      - name: orders
                        port: %d
                        health_check: {http: /healthz, interval: 200ms, timeout: 200ms, unhealthy_threshold: 2, healthy_threshold: 1}
                    mesh_config: ./mesh.yaml
                    membership:
                      address: 127.0.0.1:0
                      seeds: [%s]
                      keys: [%s]
                      probe_interval: 500ms
                      probe_timeout: 250ms
                      gossip_interval: 100ms
                      suspicion_mult: 4
                    drain: {timeout: 1s}
                    """.formatted(i, i, b.port(), seed, key));
            SidecarConfig cfg = ConfigLoader.withSystemEnvironment().loadSidecar(file).value();
            Sidecar s = Futures.await(Sidecar.start(v, cfg, Sidecar.Runtime.system(1)));
            nodes.add(s);
            if (seed.isEmpty()) {
                seed = s.membership().orElseThrow().membership().address();
            }
        }
        Await.until("node-1 sees three alive members serving orders", Duration.ofSeconds(30),
                () -> nodes.get(0).membership().orElseThrow().endpoints("orders").size() == 3);
    }

    private static String row(String member) {
        return "document.querySelector('#members tr[data-member=\"" + member + "\"]')";
    }

    @Test
    void theDashboardShowsTheMeshLiveMembersDyingAndABackendLeavingHealthy() throws Exception {
        startMesh();
        try (Browser browser = Browser.launch()) {
            String url = "http://127.0.0.1:" + nodes.get(0).adminPort() + "/";
            assertThat(browser.open(url)).isEqualTo(200);
            browser.eval("window.__loadedOnce = 'yes'"); // gone if the page were reloaded
            browser.waitFor("three alive members", PAGE, "document.querySelectorAll('#members tbody tr').length === 3"
                    + " && [...document.querySelectorAll('#members tbody tr')].every(r => r.dataset.state === 'alive')");
            browser.waitFor("the ring draws them", PAGE, "document.querySelectorAll('#ring circle.alive').length === 3");
            browser.waitFor("three healthy endpoints of orders", PAGE,
                    "document.querySelectorAll('[data-cluster=\"orders\"] tr[data-state=\"healthy\"]').length === 3");
            browser.waitFor("the node's name and the live connection", PAGE,
                    "document.getElementById('node-id').textContent === 'node-1'"
                            + " && document.getElementById('conn').textContent === 'live'");

            // Some traffic through node-1: the route's rate and the spread over three endpoints show up.
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            for (int i = 0; i < 30; i++) {
                http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:"
                                + nodes.get(0).listenerPort("outbound") + "/")).timeout(Duration.ofSeconds(10)).build(),
                        java.net.http.HttpResponse.BodyHandlers.discarding());
            }
            browser.waitFor("a request rate on the route", PAGE,
                    "Number(document.querySelector('#routes tr[data-route=\"orders\"] td.num')?.textContent) > 0");

            // A killed backend: its node's check fails, the mesh stops sending to it, the page stops calling it healthy.
            int b2 = backends.get(1).port();
            Futures.await(backends.get(1).kill());
            browser.waitFor("b2 no longer healthy", PAGE, "!document.querySelector('[data-cluster=\"orders\"] "
                    + "tr[data-endpoint$=\":" + b2 + "\"][data-state=\"healthy\"]')"
                    + " && document.querySelectorAll('[data-cluster=\"orders\"] tr[data-state=\"healthy\"]').length === 2");
            browser.waitFor("node-2's orders service shown critical", PAGE,
                    row("node-2") + "?.querySelector('[data-service=\"orders\"]')?.dataset.health === 'critical'");

            // A killed member (its whole Vert.x: sockets closed, no goodbye): suspect, then dead, without a reload.
            Futures.await(vertxes.get(2).close());
            nodes.set(2, null);
            browser.waitFor("node-3 suspect", PAGE, row("node-3") + "?.dataset.state === 'suspect'");
            browser.waitFor("node-3 dead", PAGE, row("node-3") + "?.dataset.state === 'dead'");
            browser.waitFor("the ring colours node-3 dead", PAGE,
                    "document.querySelector('#ring circle[data-member=\"node-3\"]')?.classList.contains('dead')");
            browser.waitFor("the feed tells it", PAGE,
                    "document.querySelector('#events li[data-kind=\"member-suspect\"][data-subject=\"node-3\"]')"
                            + " && document.querySelector('#events li[data-kind=\"member-dead\"][data-subject=\"node-3\"]')");
            assertThat(browser.eval("window.__loadedOnce")).isEqualTo("yes");
            assertThat(nodes.get(0).membership().orElseThrow().members().stream()
                    .filter(m -> m.id().equals("node-3")).findFirst().orElseThrow().state()).isEqualTo(MemberState.DEAD);

            Path shot = Path.of(System.getProperty("basedir", "."), "target", "dashboard-mesh.png");
            Files.createDirectories(shot.getParent());
            browser.screenshot(shot);
            assertThat(Files.size(shot)).isPositive();
            assertThat(browser.console().toString()).doesNotContain("pageerror").doesNotContain("Content Security");
        }
    }
}
