package dev.gossamer.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gossamer.common.testing.Await;
import dev.gossamer.config.ConfigLoader;
import dev.gossamer.config.ConfigResult;
import dev.gossamer.config.SidecarConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Raft-elected config leader wired into real sidecars (issue 10): three voters and a plain sidecar in-process,
 * Apache Ratis on loopback ports, every write through the admin API as a user or the CLI sends it.
 */
class ControlPlaneTest {

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private Vertx vertx;
    private DemoBackends backends;
    private final Map<String, Sidecar> nodes = new LinkedHashMap<>();
    private final List<String> voterSpecs = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void setUp() throws Exception {
        vertx = Vertx.vertx();
        backends = Futures.await(DemoBackends.start(vertx, 2));
        for (String id : List.of("n1", "n2", "n3")) {
            voterSpecs.add(id + "@127.0.0.1:" + freePort());
        }
    }

    @AfterEach
    void tearDown() throws Exception {
        for (Sidecar s : nodes.values()) {
            Futures.await(s.shutdown());
        }
        Futures.await(backends.close());
        Futures.await(vertx.close());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private Sidecar start(String id) throws Exception {
        return start(id, "");
    }

    private Sidecar start(String id, String extra) throws Exception {
        Path yaml = dir.resolve(id + ".yaml");
        Files.writeString(yaml, """
                node: {id: %s}
                admin: {address: "127.0.0.1:0"}
                listeners: [{name: outbound, address: "127.0.0.1:0"}]
                control:
                  voters: [%s]
                  data_dir: ./%s-data
                %s
                """.formatted(id, String.join(", ", voterSpecs), id, extra));
        ConfigResult<SidecarConfig> cfg = new ConfigLoader(Map.<String, String>of()::get).loadSidecar(yaml);
        Sidecar s = Futures.await(Sidecar.start(vertx, cfg.value(), cfg.sourceMap(), Sidecar.Runtime.system(1)));
        nodes.put(id, s);
        return s;
    }

    private String mesh(String path, int backend) {
        return """
                routes:
                  - {name: r, match: {path_prefix: %s}, cluster: app}
                clusters:
                  - {name: app, endpoints: ["127.0.0.1:%d"]}
                """.formatted(path, backends.port(backend));
    }

    private HttpResponse<String> put(Sidecar via, String yaml, String query) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + via.adminPort() + "/admin/config"
                + query)).PUT(HttpRequest.BodyPublishers.ofString(yaml)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonObject get(Sidecar via, String path) throws Exception {
        return new JsonObject(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + via.adminPort() + path))
                .GET().build(), HttpResponse.BodyHandlers.ofString()).body());
    }

    private void awaitApplied(long version) {
        for (Map.Entry<String, Sidecar> e : nodes.entrySet()) {
            Await.until(e.getKey() + " applies version " + version, DEADLINE,
                    () -> e.getValue().meshState().version() == version);
        }
    }

    private String leader(Sidecar via) {
        AtomicInteger unused = new AtomicInteger();
        String[] leader = new String[1];
        Await.until("a leader", DEADLINE, () -> {
            try {
                leader[0] = get(via, "/admin/leader").getString("leader");
            } catch (Exception e) {
                unused.incrementAndGet();
            }
            return leader[0] != null;
        });
        return leader[0];
    }

    private long lastIndexSum(Sidecar via) throws Exception {
        long sum = 0;
        for (Object v : get(via, "/admin/leader").getJsonArray("voters")) {
            sum += ((JsonObject) v).getLong("last_index");
        }
        return sum;
    }

    @Test
    void aWriteThroughAFollowerIsCommittedAndAppliedByEveryNodeAndBadOnesNeverReachTheLog() throws Exception {
        Sidecar n1 = start("n1");
        Sidecar n2 = start("n2");
        Sidecar n3 = start("n3");
        Sidecar plain = start("s1");
        String leaderId = leader(n1);
        Sidecar follower = leaderId.equals("n1") ? n2 : n1;

        HttpResponse<String> first = put(follower, mesh("/", 0), "");
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        assertThat(new JsonObject(first.body()).getLong("version")).isEqualTo(1L);
        awaitApplied(1);
        Set<String> digests = new HashSet<>();
        nodes.values().forEach(s -> digests.add(s.meshState().digest()));
        assertThat(digests).hasSize(1);
        HttpResponse<String> routed = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + plain.listenerPort("outbound") + "/")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(routed.body().trim()).isEqualTo("b1");

        // Invalid: refused by the leader's phase one before the log; no voter's log grows.
        Await.until("every voter caught up", DEADLINE, () -> {
            try {
                JsonArray vs = get(n1, "/admin/leader").getJsonArray("voters");
                return vs.stream().map(o -> ((JsonObject) o).getLong("last_index")).distinct().count() == 1;
            } catch (Exception e) {
                return false;
            }
        });
        long before = lastIndexSum(n1);
        HttpResponse<String> bad = put(n3, mesh("/", 0).replace("endpoints:", "outlier_detection: {consecutive_5xx: "
                + "-1}, endpoints:"), "");
        assertThat(bad.statusCode()).as(bad.body()).isEqualTo(400);
        assertThat(bad.body()).contains("admin-api:4:").contains("consecutive_5xx: -1 (expected: 0..1000)");
        assertThat(lastIndexSum(n1)).as("no log entry for a refused config").isEqualTo(before);

        // Compare-and-set: of two writers on version 1, exactly one wins.
        HttpResponse<String> a = put(n1, mesh("/a", 0), "?if_version=1");
        HttpResponse<String> b = put(n2, mesh("/b", 1), "?if_version=1");
        assertThat(List.of(a.statusCode(), b.statusCode())).containsExactlyInAnyOrder(200, 409);
        HttpResponse<String> lost = a.statusCode() == 409 ? a : b;
        assertThat(new JsonObject(lost.body()).getLong("current_version")).isEqualTo(2L);
        awaitApplied(2);

        // Every voter reports the same history; rollback re-commits version 1 as version 3.
        JsonArray history = get(n1, "/admin/config/history").getJsonArray("versions");
        assertThat(history).hasSize(2);
        assertThat(get(n2, "/admin/config/history").getJsonArray("versions")).isEqualTo(history);
        assertThat(get(n3, "/admin/config/history").getJsonArray("versions")).isEqualTo(history);
        HttpResponse<String> rollback = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + plain.adminPort() + "/admin/config/rollback?version=1")).POST(HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(rollback.statusCode()).as(rollback.body()).isEqualTo(200);
        awaitApplied(3);
        assertThat(plain.meshState().yaml()).isEqualTo(mesh("/", 0));
        JsonObject config = get(plain, "/admin/config");
        assertThat(config.getLong("applied_version")).isEqualTo(3L);
        assertThat(config.getLong("committed_version")).isEqualTo(3L);
        assertThat(config.getString("control")).isEqualTo("client");

        // The CLI, as a user runs it against any node's admin API.
        String admin = "127.0.0.1:" + plain.adminPort();
        Path file = dir.resolve("moved.yaml");
        Files.writeString(file, mesh("/", 1));
        assertThat(Main.execute("config", "apply", file.toString(), "--admin", admin)).isZero();
        awaitApplied(4);
        assertThat(Main.execute("config", "apply", file.toString(), "--admin", admin, "--if-version", "3")).isOne();
        Files.writeString(file, "clusters: [{name: c, max_connections_per_endpoint: 0}]\n");
        assertThat(Main.execute("config", "apply", file.toString(), "--admin", admin)).isOne();
        assertThat(Main.execute("config", "history", "--admin", admin)).isZero();
        assertThat(Main.execute("config", "diff", "3", "4", "--admin", admin)).isZero();
        assertThat(Main.execute("config", "get", "--version", "2", "--admin", admin)).isZero();
        assertThat(Main.execute("config", "get", "--version", "99", "--admin", admin)).isOne();
        assertThat(Main.execute("config", "rollback", "2", "--admin", admin)).isZero();
        awaitApplied(5);
        assertThat(Main.execute("config", "history", "--admin", "127.0.0.1:9")).isOne();
    }

    @Test
    void theLeaderDiesWithoutAFailedRequestAndSidecarsServeWithEveryVoterDown() throws Exception {
        start("n1");
        start("n2");
        start("n3");
        Sidecar plain = start("s1");
        String leaderId = leader(plain);
        assertThat(put(plain, mesh("/", 0), "").statusCode()).isEqualTo(200);
        awaitApplied(1);

        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger failed = new AtomicInteger();
        AtomicInteger served = new AtomicInteger();
        URI through = URI.create("http://127.0.0.1:" + plain.listenerPort("outbound") + "/");
        Thread traffic = new Thread(() -> {
            while (!stop.get()) {
                try {
                    int status = http.send(HttpRequest.newBuilder(through).GET().build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode();
                    if (status == 200) {
                        served.incrementAndGet();
                    } else {
                        failed.incrementAndGet();
                    }
                } catch (Exception e) {
                    failed.incrementAndGet();
                }
            }
        });
        traffic.start();
        try {
            Futures.await(nodes.remove(leaderId).shutdown());
            Sidecar survivor = nodes.entrySet().stream().filter(e -> !e.getKey().equals("s1")).findFirst()
                    .orElseThrow().getValue();
            String newLeader = leader(survivor);
            assertThat(newLeader).isNotEqualTo(leaderId);
            HttpResponse<String> moved = put(survivor, mesh("/", 1), "");
            assertThat(moved.statusCode()).as(moved.body()).isEqualTo(200);
            awaitApplied(2);
            Await.until("traffic reaches the moved route", DEADLINE, () -> served.get() > 20);
        } finally {
            stop.set(true);
            traffic.join();
        }
        assertThat(failed.get()).as("failed requests while the leader died and a route moved").isZero();

        // Every voter down: the sidecar keeps serving its last applied version.
        for (String id : new ArrayList<>(nodes.keySet())) {
            if (!id.equals("s1")) {
                Futures.await(nodes.remove(id).shutdown());
            }
        }
        assertThat(http.send(HttpRequest.newBuilder(through).GET().build(), HttpResponse.BodyHandlers.ofString())
                .body().trim()).isEqualTo("b2");
        // Restarted with no voter reachable, it serves from the copy in its data dir.
        Futures.await(nodes.remove("s1").shutdown());
        Sidecar restarted = start("s1");
        assertThat(restarted.meshState().version()).isEqualTo(2L);
        assertThat(restarted.ready()).isTrue();
        assertThat(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + restarted.listenerPort("outbound") + "/")).GET().build(), HttpResponse.BodyHandlers.ofString())
                .body().trim()).isEqualTo("b2");
    }

    @Test
    void aSidecarStartingWithoutALeaderGetsTheConfigFromAVoterThatAnnouncesItByGossip() throws Exception {
        Sidecar n1 = start("n1", "membership: {address: \"127.0.0.1:0\", profile: local}");
        String seed = n1.membership().orElseThrow().membership().address();
        String gossip = "membership: {address: \"127.0.0.1:0\", profile: local, seeds: [\"" + seed + "\"]}";
        start("n2", gossip);
        start("n3", gossip);
        String leaderId = leader(n1);
        assertThat(put(n1, mesh("/", 1), "").statusCode()).isEqualTo(200);
        awaitApplied(1);

        // Two voters stop, so there is no leader and a read through one (the poll) cannot succeed; the voter left
        // still announces version 1 by gossip, and a new sidecar reads it from that voter.
        String kept = leaderId.equals("n1") ? "n2" : "n1";
        for (String id : List.of("n1", "n2", "n3")) {
            if (!id.equals(kept)) {
                Futures.await(nodes.remove(id).shutdown());
            }
        }
        String keptSeed = nodes.get(kept).membership().orElseThrow().membership().address();
        Sidecar plain = start("s1", "membership: {address: \"127.0.0.1:0\", profile: local, seeds: [\"" + keptSeed
                + "\"]}");
        Await.until("s1 applies version 1 without a leader", DEADLINE, () -> plain.meshState().version() == 1);
        assertThat(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + plain.listenerPort("outbound")
                + "/")).GET().build(), HttpResponse.BodyHandlers.ofString()).body().trim()).isEqualTo("b2");
    }

    @Test
    void theLeaderProposesTheMeshFileWhenItChangesAndCountsWhatItDoes() throws Exception {
        Path file = dir.resolve("mesh.yaml");
        Files.writeString(file, mesh("/", 0));
        for (String id : List.of("n1", "n2", "n3")) {
            start(id, "mesh_config: ./mesh.yaml");
        }
        Sidecar plain = start("s1");
        awaitApplied(1);
        assertThat(plain.meshState().yaml()).isEqualTo(mesh("/", 0));
        assertThat(get(plain, "/admin/config/history").getJsonArray("versions").getJsonObject(0).getString("source"))
                .endsWith("mesh.yaml");

        Files.writeString(file, mesh("/", 1)); // as a ConfigMap update lands on every voter
        awaitApplied(2);
        assertThat(get(plain, "/admin/config/history").getJsonArray("versions")).hasSize(2);

        // A broken file is refused by the leader; the committed version keeps serving everywhere.
        Files.writeString(file, "clusters: [{name: c, max_connections_per_endpoint: 0}]\n");
        HttpResponse<String> write = put(plain, mesh("/", 0), "");
        assertThat(write.statusCode()).isEqualTo(200); // the log moves on through the API meanwhile
        awaitApplied(3);
        assertThat(get(plain, "/admin/config/history").getJsonArray("versions")).hasSize(3);

        String leaderId = leader(plain);
        String metrics = nodes.get(leaderId).registry().scrape();
        assertThat(metrics).contains("gossamer_control_leader 1.0").contains("gossamer_control_term");
        assertThat(plain.registry().scrape()).contains("gossamer_control_commit_seconds_count 1");
    }
}
