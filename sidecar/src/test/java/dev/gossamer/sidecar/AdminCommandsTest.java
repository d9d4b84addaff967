package dev.gossamer.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin commands against a real sidecar: {@code clusters}, {@code members} and {@code config get|history} with
 * {@code -o table|json}, {@code reload}, {@code drain}, shell completion, and their failures as sentences.
 */
class AdminCommandsTest {

    @TempDir
    Path dir;

    private Vertx vertx;
    private DemoBackends backends;
    private Sidecar sidecar;
    private String admin;
    private String out;
    private String err;

    @BeforeEach
    void setUp() throws Exception {
        vertx = Vertx.vertx();
        backends = Futures.await(DemoBackends.start(vertx, 2));
        sidecar = SingleNode.start(vertx, dir, "cli-node", "1s", mesh("round_robin"));
        admin = "127.0.0.1:" + sidecar.adminPort();
    }

    @AfterEach
    void tearDown() throws Exception {
        Futures.await(sidecar.shutdown());
        Futures.await(backends.close());
        Futures.await(vertx.close());
    }

    private String mesh(String policy) {
        return """
                routes:
                  - {name: all, match: {path_prefix: /}, cluster: app}
                clusters:
                  - name: app
                    endpoints: [127.0.0.1:%d, 127.0.0.1:%d]
                    balancer: {policy: %s}
                """.formatted(backends.port(0), backends.port(1), policy);
    }

    private int run(String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
        try {
            return Main.execute(args);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
            out = o.toString(StandardCharsets.UTF_8);
            err = e.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void clustersPrintsEveryEndpointAsATableOrAsTheAdminApisJson() {
        assertThat(run("clusters", "--admin", admin)).as(err).isZero();
        assertThat(out.lines().findFirst().orElse("")).startsWith("CLUSTER").contains("ENDPOINT", "STATE");
        assertThat(out).contains("app", "round_robin", "127.0.0.1:" + backends.port(0),
                "127.0.0.1:" + backends.port(1)).contains(" up ");

        assertThat(run("clusters", "--admin", admin, "-o", "json")).isZero();
        JsonObject body = new JsonObject(out);
        assertThat(body.getJsonArray("clusters").getJsonObject(0).getString("name")).isEqualTo("app");
        assertThat(body.getJsonArray("clusters").getJsonObject(0).getJsonArray("endpoints")).hasSize(2);
    }

    @Test
    void membersAndConfigReadCommandsTakeDashO() {
        assertThat(run("members", "--admin", admin)).isZero();
        assertThat(out).contains("membership is not configured on this node");
        assertThat(run("members", "--admin", admin, "-o", "json")).isZero();
        assertThat(new JsonObject(out).getBoolean("enabled")).isFalse();

        assertThat(run("config", "get", "--admin", admin)).isZero();
        assertThat(out).contains("round_robin").doesNotContain("{\"");
        assertThat(run("config", "get", "--admin", admin, "-o", "json")).isZero();
        assertThat(new JsonObject(out).getString("yaml")).contains("round_robin");
        assertThat(run("config", "get", "--admin", admin, "-o", "xml")).isEqualTo(2);
        assertThat(err).contains("xml").contains("table, json");
    }

    @Test
    void reloadAppliesTheFileOrSaysWhyNotWithPositions() throws Exception {
        Files.writeString(dir.resolve("mesh.yaml"), mesh("round_robbin"));
        assertThat(run("reload", "--admin", admin)).isOne();
        assertThat(err).startsWith("gossamer reload: the mesh config file was not applied; version 1 keeps serving:")
                .contains("mesh.yaml:6:").contains("round_robbin");
        Files.writeString(dir.resolve("mesh.yaml"), mesh("random"));
        assertThat(run("reload", "--admin", admin)).as(err).isZero();
        assertThat(out).contains("mesh config version 2 is applied");
    }

    @Test
    void drainTurnsReadinessOff() throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        URI ready = URI.create("http://" + admin + "/ready");
        assertThat(http.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode()).isEqualTo(200);
        assertThat(run("drain", "--admin", admin)).as(err).isZero();
        assertThat(out).contains(admin + " is draining");
        assertThat(http.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode()).isEqualTo(503);
    }

    @Test
    void everyAdminCommandSaysWhichAddressItCouldNotReach() {
        for (String[] cmd : new String[][] {{"clusters"}, {"reload"}, {"drain"}, {"members"}, {"config", "history"}}) {
            String[] args = java.util.Arrays.copyOf(cmd, cmd.length + 2);
            args[cmd.length] = "--admin";
            args[cmd.length + 1] = "127.0.0.1:9";
            assertThat(run(args)).isOne();
            assertThat(err).as(String.join(" ", cmd)).startsWith("gossamer " + String.join(" ", cmd) + ": ")
                    .contains("cannot reach the admin API at 127.0.0.1:9: ").doesNotContain("null")
                    .contains("set --admin or GOSSAMER_ADMIN");
        }
    }

    @Test
    void completionScriptsComeFromTheCommandModel() {
        assertThat(run("completion", "bash")).isZero();
        assertThat(out).contains("complete -F").contains("clusters").contains("reload").contains("drain")
                .contains("completion").contains("--output");
        assertThat(run("completion", "zsh")).isZero();
        assertThat(out).startsWith("autoload -U +X compinit && compinit").contains("bashcompinit")
                .contains("complete -F");
        assertThat(run("completion", "fish")).isEqualTo(2);
    }
}
