package dev.gossamer.sidecar;

import dev.gossamer.common.testing.Await;
import dev.gossamer.config.ConfigLoader;
import dev.gossamer.config.ConfigResult;
import dev.gossamer.config.SidecarConfig;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
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

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private void run(int sidecars) throws Exception {
        Path dir = Files.createTempDirectory("spread-bench");
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
        List<Sidecar> nodes = new ArrayList<>();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try {
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
            Sidecar writer = nodes.get(0);
            long[] lastMs = new long[TRIALS];
            for (int t = 0; t <= TRIALS; t++) {
                String mesh = "routes: [{name: r" + t + ", cluster: c}]\nclusters: [{name: c, endpoints: "
                        + "[\"127.0.0.1:" + (1000 + t) + "\"]}]\n";
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + writer.adminPort() + "/admin/config")).PUT(HttpRequest.BodyPublishers.ofString(mesh))
                        .build(), HttpResponse.BodyHandlers.ofString());
                long committed = System.nanoTime();
                long version = new io.vertx.core.json.JsonObject(r.body()).getLong("version");
                Await.until("version " + version + " everywhere", Duration.ofSeconds(30),
                        () -> nodes.stream().allMatch(s -> s.meshState().version() >= version));
                if (t > 0) { // the first write warms up every path
                    lastMs[t - 1] = (System.nanoTime() - committed) / 1_000_000;
                }
            }
            Arrays.sort(lastMs);
            System.out.printf("BENCH commit->applied by all %d nodes (3 voters + %d sidecars), %d trials: "
                    + "median %d ms, max %d ms, all %s%n", nodes.size(), sidecars, TRIALS, lastMs[TRIALS / 2],
                    lastMs[TRIALS - 1], Arrays.toString(lastMs));
        } finally {
            for (Sidecar s : nodes) {
                Futures.await(s.shutdown());
            }
            Futures.await(vertx.close());
        }
    }
}
