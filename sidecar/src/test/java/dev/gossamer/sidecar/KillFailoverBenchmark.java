package dev.gossamer.sidecar;

import dev.gossamer.common.testing.Await;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Not a test (its name keeps it out of {@code mvn verify}): leader failover as a crash, for docs/performance.md.
 * Three voters as {@code gossamer control} processes of the packaged jar; each trial kills the leader with SIGKILL and
 * measures until a write through a surviving voter's admin API is acknowledged, then restarts the killed voter from
 * its data dir and waits until it is back in the group.
 *
 * <p>It runs the packaged jar, so build it first:
 *
 * <pre>
 * mvn -B -o package -DskipTests
 * mvn -B -o -pl sidecar -am test -Dtest=KillFailoverBenchmark -Dgossamer.bench=true \
 *     -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 */
class KillFailoverBenchmark {

    private static final int TRIALS = Integer.getInteger("gossamer.bench.trials", 10);

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final Map<String, Process> processes = new LinkedHashMap<>();
    private final Map<String, StringBuffer> outputs = new LinkedHashMap<>();
    private Path dir;
    private List<String> voters;

    @Test
    @EnabledIfSystemProperty(named = "gossamer.bench", matches = "true")
    void killTheLeaderUntilTheFirstWrite() throws Exception {
        dir = Files.createTempDirectory("kill-bench");
        voters = List.of("n1@127.0.0.1:" + freePort(), "n2@127.0.0.1:" + freePort(), "n3@127.0.0.1:" + freePort());
        try {
            for (String id : List.of("n1", "n2", "n3")) {
                launch(id);
            }
            long[] ms = new long[TRIALS];
            for (int t = 0; t < TRIALS; t++) {
                String leader = leader(firstAlive());
                Process killed = processes.get(leader);
                long start = System.nanoTime();
                new ProcessBuilder("kill", "-KILL", String.valueOf(killed.pid())).start().waitFor();
                killed.waitFor();
                processes.remove(leader);
                String survivor = firstAlive();
                int version = t + 1;
                Await.until("a write after killing " + leader, Duration.ofSeconds(30), () -> put(survivor, version));
                ms[t] = (System.nanoTime() - start) / 1_000_000;
                launch(leader);
                Await.until(leader + " back with every version", Duration.ofSeconds(60),
                        () -> applied(leader) >= version);
            }
            long[] sorted = ms.clone();
            Arrays.sort(sorted);
            System.out.printf("BENCH kill -9 of the leader -> first acknowledged write, %d trials: median %d ms, "
                    + "max %d ms, all %s%n", TRIALS, sorted[TRIALS / 2], sorted[TRIALS - 1], Arrays.toString(ms));
        } finally {
            processes.values().forEach(Process::destroyForcibly);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private String firstAlive() {
        return processes.keySet().iterator().next();
    }

    private void launch(String id) throws Exception {
        Path yaml = dir.resolve(id + ".yaml");
        Files.writeString(yaml, """
                node: {id: %s}
                admin: {address: "127.0.0.1:0"}
                listeners: []
                control: {voters: [%s], data_dir: ./%s-data}
                drain: {timeout: 0}
                """.formatted(id, String.join(", ", voters), id));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "-Xmx128m", "-jar",
                Path.of("target", "gossamer.jar").toAbsolutePath().toString(), "control", "--config",
                yaml.toString())).redirectErrorStream(true).start();
        StringBuffer out = new StringBuffer();
        Thread reader = new Thread(() -> {
            try (var in = p.getInputStream()) {
                byte[] buf = new byte[4096];
                int n;
                while ((n = in.read(buf)) > 0) {
                    out.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                // gone
            }
        });
        reader.setDaemon(true);
        reader.start();
        processes.put(id, p);
        outputs.put(id, out);
        Await.until(id + " ready:\n" + out, Duration.ofSeconds(60), () -> out.toString().contains("ready: listeners"));
    }

    private int adminPort(String id) {
        Matcher m = Pattern.compile("admin on 127\\.0\\.0\\.1:(\\d+)").matcher(outputs.get(id));
        m.find();
        return Integer.parseInt(m.group(1));
    }

    private String leader(String via) {
        String[] leader = new String[1];
        Await.until("a leader", Duration.ofSeconds(30), () -> {
            try {
                leader[0] = new JsonObject(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + adminPort(via) + "/admin/leader")).build(), HttpResponse.BodyHandlers.ofString()).body())
                        .getString("leader");
            } catch (Exception e) {
                leader[0] = null;
            }
            return leader[0] != null && processes.containsKey(leader[0]);
        });
        return leader[0];
    }

    private boolean put(String via, int trial) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort(via) + "/admin/config"))
                    .timeout(Duration.ofSeconds(10)).PUT(HttpRequest.BodyPublishers.ofString(
                            "clusters: [{name: c" + trial + "}]\n")).build(), HttpResponse.BodyHandlers.ofString())
                    .statusCode() == 200;
        } catch (Exception e) {
            return false;
        }
    }

    private long applied(String id) {
        try {
            return new JsonObject(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort(id)
                    + "/admin/config")).build(), HttpResponse.BodyHandlers.ofString()).body())
                    .getLong("applied_version");
        } catch (Exception e) {
            return -1;
        }
    }
}
