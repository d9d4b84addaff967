package dev.gossamer.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gossamer.common.testing.Await;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A whole sidecar in-process, configured by real YAML files, in front of real backends on loopback. */
class SidecarTest extends SidecarWithBackends {

    @Override
    int backendCount() {
        return 3;
    }

    private Sidecar start(String meshYaml) throws Exception {
        sidecar = SingleNode.start(vertx, dir, "test-node", "2s", meshYaml);
        return sidecar;
    }

    private String mesh(String policy, int... backendIndexes) {
        StringBuilder eps = new StringBuilder();
        for (int i : backendIndexes) {
            eps.append(eps.length() == 0 ? "" : ", ").append("127.0.0.1:").append(backends.port(i));
        }
        return """
                routes:
                  - {name: all, listener: outbound, match: {path_prefix: /}, cluster: app, timeout: 5s}
                clusters:
                  - name: app
                    endpoints: [%s]
                    balancer: {policy: %s}
                """.formatted(eps, policy);
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String url, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private String proxyUrl() {
        return "http://127.0.0.1:" + sidecar.listenerPort("outbound") + "/";
    }

    private String adminUrl(String path) {
        return "http://127.0.0.1:" + sidecar.adminPort() + path;
    }

    @Test
    void balancesRoundRobinAndReportsReadyConfigClustersAndMetrics() throws Exception {
        start(mesh("round_robin", 0, 1, 2));
        assertThat(get(adminUrl("/ready")).statusCode()).isEqualTo(200);
        assertThat(get(adminUrl("/live")).statusCode()).isEqualTo(200);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 30; i++) {
            HttpResponse<String> r = get(proxyUrl());
            assertThat(r.statusCode()).isEqualTo(200);
            seen.add(r.body().trim());
        }
        assertThat(seen).containsExactlyInAnyOrder("b1", "b2", "b3");

        JsonObject config = new JsonObject(get(adminUrl("/admin/config")).body());
        assertThat(config.getLong("version")).isEqualTo(1L);
        assertThat(config.getString("yaml")).contains("round_robin");
        assertThat(config.getValue("last_error")).isNull();

        JsonObject clusters = new JsonObject(get(adminUrl("/admin/clusters")).body());
        JsonObject app = clusters.getJsonArray("clusters").getJsonObject(0);
        assertThat(app.getString("name")).isEqualTo("app");
        assertThat(app.getString("policy")).isEqualTo("round_robin");
        long total = 0;
        for (int i = 0; i < 3; i++) {
            total += app.getJsonArray("endpoints").getJsonObject(i).getLong("requests");
        }
        assertThat(total).isEqualTo(30);

        HttpResponse<String> metrics = get(adminUrl("/metrics"));
        assertThat(metrics.headers().firstValue("content-type")).hasValueSatisfying(
                v -> assertThat(v).startsWith("text/plain"));
        assertThat(metrics.body()).contains("gossamer_").contains("jvm_memory_used_bytes");
        assertThat(get(adminUrl("/")).body()).contains("<title>Gossamer</title>");
    }

    @Test
    void invalidReloadKeepsServingTheOldConfigAndShowsTheError() throws Exception {
        start(mesh("round_robin", 0));
        assertThat(get(proxyUrl()).body().trim()).isEqualTo("b1");

        Files.writeString(dir.resolve("mesh.yaml"), mesh("round_robin", 0) + "    bogus_key: 1\n");
        HttpResponse<String> reload = post(adminUrl("/admin/reload"), "");
        assertThat(reload.statusCode()).isEqualTo(400);
        assertThat(reload.body()).contains("mesh.yaml:7:5: clusters[0].bogus_key");

        assertThat(get(proxyUrl()).body().trim()).isEqualTo("b1");
        JsonObject config = new JsonObject(get(adminUrl("/admin/config")).body());
        assertThat(config.getLong("version")).isEqualTo(1L);
        assertThat(config.getJsonObject("last_error").getJsonArray("problems").getString(0))
                .contains("bogus_key");
    }

    @Test
    void validReloadSwapsRoutingByEndpointAndByFileWatch() throws Exception {
        start(mesh("round_robin", 0));
        assertThat(get(proxyUrl()).body().trim()).isEqualTo("b1");

        Files.writeString(dir.resolve("mesh.yaml"), mesh("round_robin", 1));
        HttpResponse<String> reload = post(adminUrl("/admin/reload"), "");
        assertThat(reload.statusCode()).isEqualTo(200);
        assertThat(get(proxyUrl()).body().trim()).isEqualTo("b2");

        // The file watcher notices an edit by itself.
        Files.writeString(dir.resolve("mesh.yaml"), mesh("random", 2));
        Await.until("the watcher applies the edited mesh.yaml", Duration.ofSeconds(10), () -> {
            try {
                return get(proxyUrl()).body().trim().equals("b3");
            } catch (Exception e) {
                return false;
            }
        });
        assertThat(sidecar.meshState().version()).isEqualTo(3);
    }

    @Test
    void quitquitquitDrainsAndTerminates() throws Exception {
        start(mesh("round_robin", 0));
        HttpResponse<String> r = post(adminUrl("/quitquitquit"), "");
        assertThat(r.statusCode()).isEqualTo(202);
        Futures.await(sidecar.terminated());
        assertThat(sidecar.ready()).isFalse();
        sidecar = null;
    }

    @Test
    void startFailsWithEveryProblemWhenTheMeshConfigIsInvalid() {
        Throwable failure = org.assertj.core.api.Assertions.catchThrowable(() -> start("""
                routes:
                  - {name: r, listener: nope, match: {path_prefix: /}, cluster: missing}
                clusters: []
                """));
        sidecar = null;
        assertThat(failure).isInstanceOf(Sidecar.ConfigRejected.class);
        assertThat(((Sidecar.ConfigRejected) failure).problems()).hasSize(2);
        assertThat(failure.getMessage()).contains("mesh.yaml:2:").contains("listener").contains("cluster");
    }

    @Test
    void aReloadThatBreaksAModuleRuleChangesNothingAndIsVisible() throws Exception {
        start(mesh("round_robin", 0));
        assertThat(get(proxyUrl()).body().trim()).isEqualTo("b1");
        // The case: new routes and an outlier value only the health module refuses. Before the two-phase
        // apply the routes were swapped in, then the health options threw: half applied, invisible.
        Files.writeString(dir.resolve("mesh.yaml"), """
                routes:
                  - {name: moved, listener: outbound, match: {path_prefix: /new}, cluster: app}
                clusters:
                  - name: app
                    endpoints: [127.0.0.1:%d]
                    outlier_detection: {consecutive_5xx: -1}
                """.formatted(backends.port(1)));
        HttpResponse<String> reload = post(adminUrl("/admin/reload"), "");
        assertThat(reload.statusCode()).isEqualTo(400);
        assertThat(reload.body()).contains("mesh.yaml:6:42: clusters[0].outlier_detection.consecutive_5xx: -1 "
                + "(expected: 0..1000)");

        assertThat(get(proxyUrl()).body().trim()).isEqualTo("b1");
        assertThat(get(proxyUrl() + "new").statusCode()).isEqualTo(200); // the old catch-all route, to b1
        assertThat(get(proxyUrl() + "new").body().trim()).isEqualTo("b1");
        JsonObject config = new JsonObject(get(adminUrl("/admin/config")).body());
        assertThat(config.getLong("version")).isEqualTo(1L);
        assertThat(config.getJsonObject("last_error").getJsonArray("problems").getString(0))
                .contains("consecutive_5xx: -1");
        assertThat(get(adminUrl("/metrics")).body())
                .contains("gossamer_config_rejects_total 1.0")
                .contains("gossamer_config_applies_total 1.0")
                .contains("gossamer_config_version 1.0");
    }

    @Test
    void valuesTheDocsCallValidStartAndApply() throws Exception {
        // Each was accepted by `gossamer validate` and refused by `gossamer run` before: 0 disables a detector,
        // 0 minimum hosts is a minimum of none, and "*" is any authority.
        start("""
                routes:
                  - {name: all, match: {authority: "*", path_prefix: /}, cluster: app}
                clusters:
                  - name: app
                    endpoints: [127.0.0.1:%d]
                    outlier_detection: {consecutive_5xx: 0, failure_percentage_minimum_hosts: 0,
                                        success_rate_minimum_hosts: 0}
                """.formatted(backends.port(2)));
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(proxyUrl()))
                .header("x-probe", "1").GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body().trim()).isEqualTo("b3");
        assertThat(sidecar.health("app")).isPresent();
    }

    @Test
    void aMeshFileThatGoesMissingOrBecomesADirectoryIsReportedAtTheLineThatNamesIt() throws Exception {
        start(mesh("round_robin", 0));
        Files.delete(dir.resolve("mesh.yaml"));
        HttpResponse<String> reload = post(adminUrl("/admin/reload"), "");
        assertThat(reload.statusCode()).isEqualTo(400);
        assertThat(reload.body()).contains(dir.resolve("sidecar.yaml") + ":5:14: mesh_config: ")
                .contains("no such file");
        Files.createDirectory(dir.resolve("mesh.yaml"));
        assertThat(post(adminUrl("/admin/reload"), "").body()).contains("a directory (expected: a YAML file)");
        assertThat(get(proxyUrl()).body().trim()).isEqualTo("b1");
        JsonObject config = new JsonObject(get(adminUrl("/admin/config")).body());
        assertThat(config.getLong("version")).isEqualTo(1L);
        assertThat(config.getJsonObject("last_error").getJsonArray("problems").getString(0))
                .contains("mesh_config").contains("a directory");

        Files.delete(dir.resolve("mesh.yaml"));
        Files.writeString(dir.resolve("mesh.yaml"), mesh("round_robin", 0)); // the same text as applied
        assertThat(post(adminUrl("/admin/reload"), "").statusCode()).isEqualTo(200);
        assertThat(new JsonObject(get(adminUrl("/admin/config")).body()).getValue("last_error")).isNull();
    }
}
