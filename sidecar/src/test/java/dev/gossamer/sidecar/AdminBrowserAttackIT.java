package dev.gossamer.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gossamer.common.testing.Await;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, finding 1, from a real browser: a page on another origin (another loopback port) fires fetches and form
 * posts at {@code /quitquitquit}, {@code /admin/drain}, {@code /admin/reload}, {@code PUT /admin/config} and a
 * rollback, and tries to read {@code /admin/config}; a DNS-rebinding page (a foreign name resolved to 127.0.0.1 by
 * Chromium's host rules) tries the same from the admin server's own origin. Every attempt is refused by the sidecar
 * (counted in {@code gossamer_admin_refused_total}), nothing is read, and the sidecar keeps serving.
 */
class AdminBrowserAttackIT {

    private static final Duration PAGE = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private final Vertx vertx = Vertx.vertx();
    private Sidecar sidecar;
    private HttpServer evil;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    @AfterEach
    void tearDown() throws Exception {
        if (sidecar != null) {
            Futures.await(sidecar.shutdown());
        }
        if (evil != null) {
            Futures.await(evil.close());
        }
        Futures.await(vertx.close());
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** The attacker's page: every request a page may send without the target's consent, at the admin API. */
    private static String evilPage(int adminPort) {
        return """
                <!doctype html><html><body><script>
                const admin = 'http://127.0.0.1:%d';
                window.__results = [];
                async function attempt(name, f) {
                  try { const r = await f(); window.__results.push(name + ': ' + (r.type === 'opaque' ? 'opaque' : 'read ' + r.status)); }
                  catch (e) { window.__results.push(name + ': failed'); }
                }
                const simple = { method: 'POST', mode: 'no-cors', body: 'x', headers: { 'Content-Type': 'text/plain' } };
                (async () => {
                  await attempt('POST /quitquitquit', () => fetch(admin + '/quitquitquit', simple));
                  await attempt('POST /admin/drain', () => fetch(admin + '/admin/drain', simple));
                  await attempt('POST /admin/reload', () => fetch(admin + '/admin/reload', simple));
                  await attempt('PUT /admin/config', () => fetch(admin + '/admin/config', { method: 'PUT',
                      body: 'routes: []\\nclusters: []\\n', headers: { 'Content-Type': 'application/yaml' } }));
                  await attempt('GET /admin/config', () => fetch(admin + '/admin/config'));
                  let loaded = 0;
                  const posts = ['/quitquitquit', '/admin/drain', '/admin/config/rollback?version=1'];
                  for (const path of posts) {
                    const frame = document.createElement('iframe');
                    frame.name = 'sink' + loaded + path.length;
                    frame.addEventListener('load', () => { if (++loaded === posts.length) window.__formsDone = true; });
                    document.body.append(frame);
                    const f = document.createElement('form');
                    f.method = 'POST'; f.action = admin + path; f.target = frame.name; f.enctype = 'text/plain';
                    const i = document.createElement('input'); i.name = 'x'; i.value = 'y'; f.append(i);
                    document.body.append(f);
                    f.submit();
                  }
                  window.__fetchesDone = true;
                })();
                </script></body></html>
                """.formatted(adminPort);
    }

    private double refused(String reason) {
        Counter c = sidecar.registry().find("gossamer.admin.refused").tag("reason", reason).counter();
        return c == null ? 0 : c.count();
    }

    private int adminStatus(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sidecar.adminPort() + path)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void aPageOnAnotherOriginOrARebindingNameCannotDriveOrReadTheAdminApi() throws Exception {
        sidecar = SingleNode.start(vertx, dir, "target-node", "1s", """
                routes:
                  - {name: all, listener: outbound, match: {path_prefix: /}, cluster: app}
                clusters:
                  - {name: app, endpoints: [127.0.0.1:%d]}
                """.formatted(freePort()));
        String yamlBefore = new JsonObject(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + sidecar.adminPort() + "/admin/config")).build(), HttpResponse.BodyHandlers.ofString()).body())
                .getString("yaml");
        String page = evilPage(sidecar.adminPort());
        evil = Futures.await(vertx.createHttpServer().requestHandler(req -> req.response()
                .putHeader("content-type", "text/html; charset=utf-8").end(page)).listen(0, "127.0.0.1"));

        try (Browser browser = Browser.launch("--host-resolver-rules=MAP rebind.evil.example 127.0.0.1",
                "--disable-features=HttpsUpgrades")) {
            // Another origin: fetches (no-cors and CORS) and form posts.
            assertThat(browser.open("http://127.0.0.1:" + evil.actualPort() + "/")).isEqualTo(200);
            browser.waitFor("the attacks ran", PAGE, "window.__fetchesDone === true && window.__formsDone === true");
            List<String> results = ((io.vertx.core.json.JsonArray) browser.eval("window.__results")).stream()
                    .map(String::valueOf).toList();
            // The page never reads an answer: writes are opaque or fail, the config read is blocked.
            assertThat(results).hasSize(5);
            assertThat(results).noneMatch(r -> r.contains("read "));
            assertThat(results).contains("GET /admin/config: failed");
            // ... and the sidecar refused every write it received: three fetches, the PUT's preflight, three forms
            // (waited for: an iframe's first load event can be its about:blank, before the form's post arrives).
            Await.until("seven writes refused for their origin", Duration.ofSeconds(20),
                    () -> refused("origin") >= 7);

            // DNS rebinding: the admin server's own origin under a foreign name.
            double hostBefore = refused("host");
            String rebind = "http://rebind.evil.example:" + sidecar.adminPort();
            assertThat(browser.open(rebind + "/admin/config")).isEqualTo(403);
            assertThat(browser.eval("fetch('/admin/members').then(r => r.status)")).isEqualTo(403);
            assertThat(browser.eval("fetch('/quitquitquit', {method: 'POST'}).then(r => r.status)")).isEqualTo(403);
            assertThat(browser.eval("fetch('/admin/drain', {method: 'POST'}).then(r => r.status)")).isEqualTo(403);
            assertThat(browser.eval("document.body.textContent")).asString().contains("does not name this admin server")
                    .doesNotContain("routes");
            assertThat(refused("host") - hostBefore).isGreaterThanOrEqualTo(4);
        }

        // Still alive, serving, not draining, the same config.
        assertThat(adminStatus("/live")).isEqualTo(200);
        assertThat(adminStatus("/ready")).isEqualTo(200);
        assertThat(sidecar.terminated().isComplete()).isFalse();
        assertThat(sidecar.dataPlane().draining()).isFalse();
        assertThat(sidecar.meshState().version()).isEqualTo(1L);
        assertThat(sidecar.meshState().yaml()).isEqualTo(yamlBefore);
    }
}
