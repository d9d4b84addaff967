package dev.gossamer.sidecar;

import dev.gossamer.common.testing.Await;
import dev.gossamer.config.ConfigLoader;
import dev.gossamer.config.ConfigResult;
import dev.gossamer.config.SidecarConfig;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
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
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Not a test (its name keeps it out of {@code mvn verify}): how long from a commit to "applied by every sidecar",
 * for docs/performance.md. Three voters and N plain sidecars in one JVM, gossip on loopback (profile local), each
 * trial a new version written through a voter's admin API; the clock starts when the write is acknowledged
 * (committed by a majority) and stops when the last node applied it.
 *
 * <pre>
 * mvn -B -o -pl sidecar -am test -Dtest=ConfigSpreadBenchmark -Dgossamer.bench=true \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dgossamer.bench.sidecars=5,20
 * </pre>
 */
class ConfigSpreadBenchmark {

    private static final int TRIALS = 10;

    @Test
    @EnabledIfSystemProperty(named = "gossamer.bench", matches = "true")
    void commitToAppliedEverywhere() throws Exception {
        for (String n : System.getProperty("gossamer.bench.sidecars", "5,20").split(",")) {
            run(Integer.parseInt(n.trim()));
        }
    }

    /**
     * The same after the leader stops: each trial a new mesh (3 voters + 5 sidecars), the leader shut down, a write
     * through a survivor retried until committed, then commit → applied by every node left. A sidecar whose control
     * client last talked to the stopped leader must not wait for its request timeout to find the new one.
     */
    @Test
    @EnabledIfSystemProperty(named = "gossamer.bench", matches = "true")
    void commitToAppliedEverywhereAfterTheLeaderStops() throws Exception {
        int trials = Integer.getInteger("gossamer.bench.leaderTrials", 5);
        long[] commitMs = new long[trials];
        long[] appliedMs = new long[trials];
        for (int t = 0; t < trials; t++) {
            try (Mesh mesh = Mesh.start(5)) {
                mesh.write(mesh.nodes.get(0), 0); // every sidecar has followed the leader once
                String leader = mesh.leader();
                Sidecar stopped = mesh.nodes.stream().filter(s -> s.config().node().id().equals(leader))
                        .findFirst().orElseThrow();
                long stoppedAt = System.nanoTime();
                Futures.await(stopped.shutdown());
                mesh.nodes.remove(stopped);
                Sidecar survivor = mesh.nodes.get(0);
                long version = -1;
                while (version < 0) {
                    version = mesh.tryWrite(survivor, 1);
                }
                long committed = System.nanoTime();
                long v = version;
                Await.until("version " + v + " everywhere", Duration.ofSeconds(30),
                        () -> mesh.nodes.stream().allMatch(s -> s.meshState().version() >= v));
                commitMs[t] = (committed - stoppedAt) / 1_000_000;
                appliedMs[t] = (System.nanoTime() - committed) / 1_000_000;
            }
        }
        System.out.printf("BENCH leader stopped -> committed (3 voters + 5 sidecars), %d trials: %s ms%n", trials,
                Arrays.toString(commitMs));
        Arrays.sort(appliedMs);
        System.out.printf("BENCH after the leader stopped: commit->applied by all 7 nodes left, %d trials: median %d "
                + "ms, max %d ms, all %s%n", trials, appliedMs[trials / 2], appliedMs[trials - 1],
                Arrays.toString(appliedMs));
    }

    private void run(int sidecars) throws Exception {
        try (Mesh mesh = Mesh.start(sidecars)) {
            long[] lastMs = new long[TRIALS];
            for (int t = 0; t <= TRIALS; t++) {
                long version = mesh.write(mesh.nodes.get(0), t);
                long committed = System.nanoTime();
                Await.until("version " + version + " everywhere", Duration.ofSeconds(30),
                        () -> mesh.nodes.stream().allMatch(s -> s.meshState().version() >= version));
                if (t > 0) { // the first write warms up every path
                    lastMs[t - 1] = (System.nanoTime() - committed) / 1_000_000;
                }
            }
            Arrays.sort(lastMs);
            System.out.printf("BENCH commit->applied by all %d nodes (3 voters + %d sidecars), %d trials: "
                    + "median %d ms, max %d ms, all %s%n", mesh.nodes.size(), sidecars, TRIALS, lastMs[TRIALS / 2],
                    lastMs[TRIALS - 1], Arrays.toString(lastMs));
        }
    }

    /** Three voters (n1..n3) and N plain sidecars (s1..sN) in one JVM, gossip on loopback. */
    private static final class Mesh implements AutoCloseable {

        final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
        final List<Sidecar> nodes = new ArrayList<>();
        final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        final Path dir;

        private Mesh() throws IOException {
            dir = Files.createTempDirectory("spread-bench");
        }

        static Mesh start(int sidecars) throws Exception {
            Mesh mesh = new Mesh();
            try {
                mesh.startNodes(sidecars);
                return mesh;
            } catch (Exception | AssertionError e) {
                mesh.close();
                throw e;
            }
        }

        private void startNodes(int sidecars) throws Exception {
            List<String> voters = List.of("n1@127.0.0.1:" + freePort(), "n2@127.0.0.1:" + freePort(),
                    "n3@127.0.0.1:" + freePort());
            String seed = "";
            List<String> ids = new ArrayList<>(List.of("n1", "n2", "n3"));
            for (int i = 1; i <= sidecars; i++) {
                ids.add("s" + i);
            }
            for (String id : ids) {
                Path yaml = dir.resolve(id + ".yaml");
                Files.writeString(yaml, """
                        node: {id: %s}
                        admin: {address: "127.0.0.1:0"}
                        listeners: [{name: outbound, address: "127.0.0.1:0"}]
                        membership: {address: "127.0.0.1:0", profile: local, seeds: [%s]}
                        control: {voters: [%s], data_dir: ./%s-data}
                        drain: {timeout: 0}
                        """.formatted(id, seed, String.join(", ", voters), id));
                ConfigResult<SidecarConfig> cfg = new ConfigLoader(Map.<String, String>of()::get).loadSidecar(yaml);
                Sidecar s = Futures.await(Sidecar.start(vertx, cfg.value(), cfg.sourceMap(),
                        Sidecar.Runtime.system(1)));
                nodes.add(s);
                if (seed.isEmpty()) {
                    seed = s.membership().orElseThrow().membership().address();
                }
            }
            Await.until("every member sees every other", Duration.ofSeconds(60), () -> nodes.stream()
                    .allMatch(s -> s.membership().orElseThrow().members().size() == nodes.size()));
        }

        /** Writes trial {@code t}'s mesh through {@code via}'s admin API; its committed version. */
        long write(Sidecar via, int t) throws Exception {
            long v = tryWrite(via, t);
            if (v < 0) {
                throw new IllegalStateException("write " + t + " through " + via.config().node().id() + " failed");
            }
            return v;
        }

        /** The committed version, or -1 when the write was not committed (no leader yet). */
        long tryWrite(Sidecar via, int t) throws Exception {
            String mesh = "routes: [{name: r" + t + ", cluster: c}]\nclusters: [{name: c, endpoints: "
                    + "[\"127.0.0.1:" + (1000 + t) + "\"]}]\n";
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + via.adminPort() + "/admin/config")).PUT(HttpRequest.BodyPublishers.ofString(mesh)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? new JsonObject(r.body()).getLong("version") : -1;
        }

        String leader() throws Exception {
            return new JsonObject(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + nodes.get(0).adminPort() + "/admin/leader")).GET().build(),
                    HttpResponse.BodyHandlers.ofString()).body()).getString("leader");
        }

        @Override
        public void close() throws Exception {
            for (Sidecar s : nodes) {
                Futures.await(s.shutdown());
            }
            Futures.await(vertx.close());
        }

        private static int freePort() throws IOException {
            try (ServerSocket s = new ServerSocket(0)) {
                return s.getLocalPort();
            }
        }
    }
}
