package dev.gossamer.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gossamer.common.testing.Await;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three voters ({@code gossamer control}) and two plain sidecars ({@code gossamer run}) as five processes of the
 * packaged jar, as a user runs them: a version committed
 * through one node is applied by all five, and traffic through a sidecar sees no failed request while the leader is
 * killed with SIGKILL and a new config that moves the route is committed and applied.
 */
class ControlProcessIT {

    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private Vertx vertx;
    private final List<HttpServer> backends = new ArrayList<>();
    private final Map<String, Node> nodes = new LinkedHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    /** One {@code gossamer run} process and what it printed. */
    private static final class Node {
        final Process process;
        final StringBuffer output = new StringBuffer();

        Node(Process process) {
            this.process = process;
            Thread reader = new Thread(() -> {
                try (var in = process.getInputStream()) {
                    byte[] buf = new byte[4096];
                    int n;
                    while ((n = in.read(buf)) > 0) {
                        output.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                    }
                } catch (IOException e) {
                    // the process is gone
                }
            });
            reader.setDaemon(true);
            reader.start();
        }

        int port(String what) {
            Matcher m = Pattern.compile(what.equals("outbound") ? "outbound=127\\.0\\.0\\.1:(\\d+)"
                    : "admin on 127\\.0\\.0\\.1:(\\d+)").matcher(output);
            assertThat(m.find()).as("port of " + what + " in:\n" + output).isTrue();
            return Integer.parseInt(m.group(1));
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        vertx = Vertx.vertx();
        for (String id : List.of("b1", "b2")) {
            backends.add(Futures.await(vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
                    .requestHandler(req -> req.response().end(id + "\n")).listen()));
        }
    }

    @AfterEach
    void tearDown() throws Exception {
        for (Node n : nodes.values()) {
            n.process.destroyForcibly();
        }
        Futures.await(vertx.close());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** A voter runs as {@code gossamer control} (no data-plane listeners), a sidecar as {@code gossamer run}. */
    private void launch(String id, List<String> voters) throws Exception {
        Path yaml = dir.resolve(id + ".yaml");
        Files.writeString(yaml, """
                node: {id: %s}
                admin: {address: "127.0.0.1:0"}
                listeners: [{name: outbound, address: "127.0.0.1:0"}]
                control: {voters: [%s], data_dir: ./%s-data}
                drain: {timeout: 1s}
                """.formatted(id, String.join(", ", voters), id));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path jar = Path.of("target", "gossamer.jar");
        assertThat(jar).exists();
        boolean voter = voters.stream().anyMatch(v -> v.startsWith(id + "@"));
        List<String> command = new ArrayList<>(List.of(java, "-Xmx128m", "-jar", jar.toAbsolutePath().toString()));
        command.addAll(voter ? List.of("control", "--config", yaml.toString())
                : List.of("run", "--config", yaml.toString(), "--event-loops", "1"));
        nodes.put(id, new Node(new ProcessBuilder(command).redirectErrorStream(true).start()));
    }

    private String mesh(int backend) {
        return """
                routes:
                  - {name: r, match: {path_prefix: /}, cluster: app}
                clusters:
                  - {name: app, endpoints: ["127.0.0.1:%d"]}
                """.formatted(backends.get(backend).actualPort());
    }

    private JsonObject admin(Node n, String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + n.port("admin") + path))
                .timeout(Duration.ofSeconds(20));
        b = body == null ? b.method(method, HttpRequest.BodyPublishers.noBody())
                : b.method(method, HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new JsonObject(r.body()).put("_status", r.statusCode());
    }

    private void awaitApplied(long version) {
        for (Map.Entry<String, Node> e : nodes.entrySet()) {
            Await.until(e.getKey() + " applies version " + version + "; output:\n" + e.getValue().output, DEADLINE,
                    () -> {
                        try {
                            return admin(e.getValue(), "GET", "/admin/config", null).getLong("applied_version")
                                    == version;
                        } catch (Exception ex) {
                            return false;
                        }
                    });
        }
    }

    @Test
    void fiveProcessesApplyEveryVersionAndTheLeaderDiesUnnoticed() throws Exception {
        List<String> voters = List.of("n1@127.0.0.1:" + freePort(), "n2@127.0.0.1:" + freePort(),
                "n3@127.0.0.1:" + freePort());
        for (String id : List.of("n1", "n2", "n3", "s1", "s2")) {
            launch(id, voters);
        }
        for (Map.Entry<String, Node> e : nodes.entrySet()) {
            Await.until(e.getKey() + " ready; output:\n" + e.getValue().output, DEADLINE,
                    () -> e.getValue().output.toString().contains("ready: listeners"));
        }
        Node s1 = nodes.get("s1");
        JsonObject first = admin(nodes.get("s2"), "PUT", "/admin/config", mesh(0));
        assertThat(first.getInteger("_status")).as(first.encode()).isEqualTo(200);
        awaitApplied(1);

        String[] leader = new String[1];
        Await.until("a leader", DEADLINE, () -> {
            try {
                leader[0] = admin(s1, "GET", "/admin/leader", null).getString("leader");
            } catch (Exception e) {
                leader[0] = null;
            }
            return leader[0] != null;
        });

        URI through = URI.create("http://127.0.0.1:" + s1.port("outbound") + "/");
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger failed = new AtomicInteger();
        AtomicInteger fromB2 = new AtomicInteger();
        Thread traffic = new Thread(() -> {
            while (!stop.get()) {
                try {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(through).timeout(Duration.ofSeconds(10))
                            .build(), HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() != 200) {
                        failed.incrementAndGet();
                    } else if (r.body().trim().equals("b2")) {
                        fromB2.incrementAndGet();
                    }
                } catch (Exception e) {
                    failed.incrementAndGet();
                }
            }
        });
        traffic.start();
        try {
            Node killed = nodes.remove(leader[0]);
            assertThat(new ProcessBuilder("kill", "-KILL", String.valueOf(killed.process.pid())).start().waitFor())
                    .isZero();
            Node via = nodes.values().iterator().next();
            Await.until("a write after the leader died", DEADLINE, () -> {
                try {
                    return admin(via, "PUT", "/admin/config", mesh(1)).getInteger("_status") == 200;
                } catch (Exception e) {
                    return false;
                }
            });
            awaitApplied(2);
            Await.until("traffic reaches the moved route", DEADLINE, () -> fromB2.get() > 20);
        } finally {
            stop.set(true);
            traffic.join();
        }
        assertThat(failed.get()).as("failed requests while the leader was killed and the route moved").isZero();
    }
}
