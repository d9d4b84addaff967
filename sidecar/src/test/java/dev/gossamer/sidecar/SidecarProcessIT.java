package dev.gossamer.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gossamer.common.testing.Await;
import dev.gossamer.proxy.DataPlaneOptions;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar as a real process: {@code gossamer run} serves, SIGHUP reloads, SIGTERM drains the request in
 * flight and exits 0. Runs in the failsafe phase, after {@code package} built {@code target/gossamer.jar}.
 */
class SidecarProcessIT {

    @TempDir
    Path dir;

    private Vertx vertx;
    private HttpServer backend;
    private Process process;
    private Thread reader;
    private final StringBuffer output = new StringBuffer();
    // HTTP/1.1: the JDK 17 client fails in-flight HTTP/2 streams when it receives the GOAWAY a drain sends
    // (seen here), although the server would finish them; HTTP/2 drain is covered with Vert.x clients in proxy.
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    @BeforeEach
    void setUp() throws Exception {
        vertx = Vertx.vertx();
        // "/slow" answers after 1.5 s, on a Vert.x timer: the request that must survive the drain.
        backend = Futures.await(vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
                .requestHandler(req -> {
                    if (req.path().equals("/slow")) {
                        vertx.setTimer(1500, id -> req.response().end("slow done\n"));
                    } else {
                        req.response().end("hello from " + req.path() + "\n");
                    }
                }).listen());
    }

    @AfterEach
    void tearDown() throws Exception {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
        }
        Futures.await(vertx.close());
    }

    private void launch(String mesh) throws Exception {
        Files.writeString(dir.resolve("mesh.yaml"), mesh);
        Files.writeString(dir.resolve("sidecar.yaml"), """
                node: {id: proc-node}
                admin: {address: 127.0.0.1:0}
                listeners:
                  - {name: outbound, address: 127.0.0.1:0}
                mesh_config: ./mesh.yaml
                drain: {timeout: 5s}
                """);
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        File jar = Path.of("target", "gossamer.jar").toFile();
        assertThat(jar).exists();
        List<String> command = new java.util.ArrayList<>(List.of(javaBin, "-Xmx128m"));
        String http1Server = System.getProperty(DataPlaneOptions.HTTP1_SERVER_PROPERTY);
        if (http1Server != null) {
            // -Dgossamer.http1.server=netty on the Maven command line reaches the sidecar under test too.
            command.add("-D" + DataPlaneOptions.HTTP1_SERVER_PROPERTY + "=" + http1Server);
        }
        command.addAll(List.of("-jar", jar.getAbsolutePath(), "run", "--config", dir.resolve("sidecar.yaml").toString(),
                "--event-loops", "1"));
        process = new ProcessBuilder(command).redirectErrorStream(true).start();
        reader = new Thread(() -> {
            try (var in = process.getInputStream()) {
                byte[] buf = new byte[4096];
                int n;
                while ((n = in.read(buf)) > 0) {
                    output.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                }
            } catch (java.io.IOException e) {
                // process gone
            }
        });
        reader.setDaemon(true);
        reader.start();
        Await.until("the sidecar logs that it is ready; output so far:\n" + output, Duration.ofSeconds(30),
                () -> output.toString().contains("ready: listeners"));
    }

    private int port(String what) {
        Matcher m = Pattern.compile(what.equals("outbound") ? "outbound=127\\.0\\.0\\.1:(\\d+)" : "admin on 127\\.0\\.0\\.1:(\\d+)")
                .matcher(output);
        assertThat(m.find()).as("port of " + what + " in:\n" + output).isTrue();
        return Integer.parseInt(m.group(1));
    }

    /** Sends a signal with kill(1): Process.destroy() would also close our end of the output pipe. */
    private void signal(String name) throws Exception {
        assertThat(new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).start().waitFor()).isZero();
    }

    private String mesh(String prefix) {
        return """
                routes:
                  - {name: r, match: {path_prefix: %s}, cluster: app}
                clusters:
                  - {name: app, endpoints: [127.0.0.1:%d]}
                """.formatted(prefix, backend.actualPort());
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void sigtermDrainsTheRequestInFlightAndExitsZero() throws Exception {
        launch(mesh("/"));
        int outbound = port("outbound");
        int admin = port("admin");
        assertThat(get(admin, "/ready").statusCode()).isEqualTo(200);
        assertThat(get(outbound, "/x").body()).isEqualTo("hello from /x\n");

        CompletableFuture<HttpResponse<String>> slow = http.sendAsync(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + outbound + "/slow")).build(), HttpResponse.BodyHandlers.ofString());
        // Wait until the slow request is in flight at the sidecar before signalling.
        Await.until("the slow request is in flight", Duration.ofSeconds(10), () -> {
            try {
                return get(admin, "/admin/clusters").body().contains("\"active_requests\" : 1");
            } catch (Exception e) {
                return false;
            }
        });
        signal("TERM");
        assertThat(slow.get(10, TimeUnit.SECONDS).body()).isEqualTo("slow done\n");
        assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
        reader.join(5000); // the rest of the output, written just before exit
        assertThat(process.exitValue()).as(output.toString()).isZero();
        assertThat(output.toString()).contains("draining").contains("stopped");
    }

    @Test
    void sighupReloadsAndAnInvalidFileKeepsTheOldRouting() throws Exception {
        launch(mesh("/old"));
        int outbound = port("outbound");
        assertThat(get(outbound, "/old").statusCode()).isEqualTo(200);
        assertThat(get(outbound, "/new").statusCode()).isEqualTo(404);

        Files.writeString(dir.resolve("mesh.yaml"), "routes: [ {name: broken\n");
        signal("HUP");
        Await.until("rejection logged", Duration.ofSeconds(10), () -> output.toString().contains("rejected"));
        assertThat(output.toString()).containsPattern("mesh\\.yaml:\\d+:\\d+: ");
        assertThat(get(outbound, "/old").statusCode()).isEqualTo(200);

        Files.writeString(dir.resolve("mesh.yaml"), mesh("/new"));
        signal("HUP");
        Await.until("new routing after SIGHUP", Duration.ofSeconds(10), () -> {
            try {
                return get(outbound, "/new").statusCode() == 200;
            } catch (Exception e) {
                return false;
            }
        });
        signal("TERM");
        assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isZero();
    }

    @Test
    void invalidBootstrapExitsOneWithPositions() throws Exception {
        Files.writeString(dir.resolve("sidecar.yaml"), "node: {id: x, zoen: a}\nlisteners: 3\n");
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(javaBin, "-jar", Path.of("target", "gossamer.jar").toFile().getAbsolutePath(),
                "run", "--config", dir.resolve("sidecar.yaml").toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(1);
        assertThat(out).contains("sidecar.yaml:1:15: node.zoen").contains("did you mean 'zone'")
                .contains("sidecar.yaml:2:12: listeners");
    }
}
