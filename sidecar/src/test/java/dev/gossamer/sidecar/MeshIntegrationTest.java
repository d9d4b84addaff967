package dev.gossamer.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gossamer.balancer.Endpoint;
import dev.gossamer.common.testing.Await;
import dev.gossamer.config.ConfigLoader;
import dev.gossamer.config.SidecarConfig;
import dev.gossamer.membership.MemberState;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three sidecar nodes, each on its own Vert.x (so a crash closes every socket of one node), finding each other by
 * encrypted gossip on loopback; each serves one backend as service {@code orders}.
 */
class MeshIntegrationTest {

    @TempDir
    Path dir;

    private final List<Vertx> vertxes = new ArrayList<>();
    private final List<Sidecar> nodes = new ArrayList<>();
    private final List<Backend> backends = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

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

    private void startMesh(int n) throws Exception {
        Files.writeString(dir.resolve("mesh.yaml"), """
                routes:
                  - name: orders
                    match: {path_prefix: /}
                    cluster: orders
                    timeout: 5s
                    retries: {attempts: 2, retry_on: [connect_failure, reset, gateway_error], per_try_timeout: 1s}
                clusters:
                  - name: orders
                    balancer: {policy: round_robin}
                    connect_timeout: 300ms
                """);
        String key = Base64.getEncoder().encodeToString(new byte[32]);
        String seed = "";
        for (int i = 1; i <= n; i++) {
            Vertx v = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
            vertxes.add(v);
            Backend b = Futures.await(new Backend(v, "b" + i).start());
            backends.add(b);
            Path file = dir.resolve("sidecar-" + i + ".yaml");
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
                      suspicion_mult: 3
                    drain: {timeout: 1s}
                    """.formatted(i, i, b.port(), seed, key));
            SidecarConfig cfg = ConfigLoader.withSystemEnvironment().loadSidecar(file).value();
            Sidecar s = Futures.await(Sidecar.start(v, cfg, Sidecar.Runtime.system(1)));
            nodes.add(s);
            if (seed.isEmpty()) {
                seed = s.membership().orElseThrow().membership().address();
            }
        }
    }

    private Set<Integer> ports(int node) {
        return nodes.get(node).membership().orElseThrow().endpoints("orders").stream()
                .map(Endpoint::port).collect(Collectors.toSet());
    }

    private String get(int node) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + nodes.get(node).listenerPort("outbound") + "/")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? r.body().trim() : "HTTP " + r.statusCode();
        } catch (Exception e) {
            return "ERROR " + e;
        }
    }

    @Test
    void servicesBecomeEndpointsEverywhereAndACrashedNodeLeavesEveryPicker() throws Exception {
        startMesh(3);
        Set<Integer> all = backends.stream().map(Backend::port).collect(Collectors.toSet());
        for (int i = 0; i < 3; i++) {
            int node = i;
            Await.until("node-" + (i + 1) + " sees all", Duration.ofSeconds(20), () -> ports(node).equals(all));
        }
        // node-1 balances over all three through its data plane.
        Set<String> answered = new java.util.HashSet<>();
        for (int i = 0; i < 30; i++) {
            answered.add(get(0));
        }
        assertThat(answered).containsExactlyInAnyOrder("b1", "b2", "b3");

        JsonObject members = AdminServer.members(nodes.get(0));
        assertThat(members.getJsonArray("members")).hasSize(3);
        assertThat(members.getJsonArray("members").getJsonObject(0).getJsonArray("services").getJsonObject(0)
                .getString("health")).isEqualTo("passing");

        // Crash node-3 with its backend: no goodbye, sockets closed.
        Futures.await(vertxes.get(2).close());
        nodes.set(2, null);
        for (int i = 0; i < 2; i++) {
            int node = i;
            Await.until("node-" + (i + 1) + " declares node-3 dead", Duration.ofSeconds(30),
                    () -> nodes.get(node).membership().orElseThrow().members().stream()
                            .anyMatch(m -> m.id().equals("node-3") && m.state() == MemberState.DEAD));
            assertThat(ports(node)).doesNotContain(backends.get(2).port());
        }
        for (int i = 0; i < 30; i++) {
            assertThat(get(0)).isIn("b1", "b2");
        }
    }

    @Test
    void failingHealthCheckOnOneNodeStopsTrafficToItEverywhereWithoutAFailedRequest() throws Exception {
        startMesh(3);
        Set<Integer> all = backends.stream().map(Backend::port).collect(Collectors.toSet());
        Await.until("all seen", Duration.ofSeconds(20), () -> ports(0).equals(all) && ports(1).equals(all));

        // b2's app reports unhealthy but still answers: only routing may keep requests off it.
        Backend b2 = backends.get(1);
        b2.healthStatus.set(503);
        for (int i : new int[] {0, 2}) {
            Await.until("node-" + (i + 1) + " drops b2 after its check fails", Duration.ofSeconds(10),
                    () -> !ports(i).contains(b2.port()));
        }
        int servedBefore = b2.served.get();
        List<String> answers = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            answers.add(get(i % 2 == 0 ? 0 : 2));
        }
        assertThat(answers).allMatch(a -> a.equals("b1") || a.equals("b3"));
        assertThat(b2.served.get()).isEqualTo(servedBefore);

        b2.healthStatus.set(200);
        Await.until("b2 comes back when its check passes", Duration.ofSeconds(10),
                () -> ports(0).contains(b2.port()) && ports(2).contains(b2.port()));
    }
}
