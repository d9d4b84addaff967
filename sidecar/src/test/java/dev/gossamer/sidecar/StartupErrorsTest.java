package dev.gossamer.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gossamer.config.ConfigLoader;
import dev.gossamer.config.ConfigResult;
import dev.gossamer.config.SidecarConfig;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A start-up failure says which address, file or key and the fix, in one sentence: a busy admin port, a busy
 * listener port, an access-log file that cannot be opened; and {@code gossamer run} prints that sentence.
 */
class StartupErrorsTest {

    @TempDir
    Path dir;

    private Vertx vertx;
    private ServerSocket busy;

    @BeforeEach
    void setUp() throws IOException {
        vertx = Vertx.vertx();
        busy = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    }

    @AfterEach
    void tearDown() throws Exception {
        busy.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    private Path write(String sidecarYaml) throws IOException {
        Files.writeString(dir.resolve("mesh.yaml"), """
                routes: []
                clusters: []
                """);
        Path file = dir.resolve("sidecar.yaml");
        Files.writeString(file, sidecarYaml);
        return file;
    }

    private Throwable startFailure(Path file) throws Exception {
        ConfigResult<SidecarConfig> cfg = ConfigLoader.withSystemEnvironment().loadSidecar(file);
        assertThat(cfg.problems()).isEmpty();
        try {
            Sidecar s = Sidecar.start(vertx, cfg.value(), cfg.sourceMap(), Sidecar.Runtime.system(1))
                    .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            s.shutdown().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            throw new AssertionError("the sidecar started");
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    @Test
    void aBusyAdminPortNamesTheAddressTheLikelyOwnerAndTheKey() throws Exception {
        Path file = write("""
                node: {id: n1}
                admin: {address: 127.0.0.1:%d}
                listeners:
                  - {name: outbound, address: 127.0.0.1:0}
                mesh_config: ./mesh.yaml
                """.formatted(busy.getLocalPort()));
        assertThat(startFailure(file)).isInstanceOf(StartupFailure.class).hasMessage("127.0.0.1:"
                + busy.getLocalPort() + " is already in use (another gossamer or Envoy's admin?) — set admin.address");
    }

    @Test
    void aBusyListenerPortNamesTheListenersKey() throws Exception {
        Path file = write("""
                node: {id: n1}
                admin: {address: 127.0.0.1:0}
                listeners:
                  - {name: outbound, address: 127.0.0.1:0}
                  - {name: second, address: 127.0.0.1:%d}
                mesh_config: ./mesh.yaml
                """.formatted(busy.getLocalPort()));
        assertThat(startFailure(file)).isInstanceOf(StartupFailure.class).hasMessage("127.0.0.1:"
                + busy.getLocalPort() + " is already in use (another gossamer, or the application itself?) — set "
                + "listeners[1].address");
    }

    @Test
    void aBusyRaftPortNamesTheVotersKeyInsteadOfRatisEndingTheProcess() throws Exception {
        Path file = write("""
                node: {id: n1}
                admin: {address: 127.0.0.1:0}
                listeners: []
                control:
                  voters: ["n1@127.0.0.1:%d"]
                  data_dir: ./data
                """.formatted(busy.getLocalPort()));
        assertThat(startFailure(file)).isInstanceOf(StartupFailure.class).hasMessage("127.0.0.1:"
                + busy.getLocalPort() + " is already in use (another voter on this machine?) — set control.voters");
    }

    @Test
    void anAccessLogThatCannotBeOpenedIsAProblemAtItsKey() throws Exception {
        Path file = write("""
                node: {id: n1}
                admin: {address: 127.0.0.1:0}
                listeners:
                  - {name: outbound, address: 127.0.0.1:0}
                mesh_config: ./mesh.yaml
                access_log:
                  format: text
                  path: no-such-dir/access.log
                """);
        Throwable t = startFailure(file);
        assertThat(t).isInstanceOf(Sidecar.ConfigRejected.class);
        assertThat(t.getMessage()).contains("sidecar.yaml:8:9: access_log.path:")
                .contains("no-such-dir/access.log\": cannot open it for appending")
                .contains("set access_log.path to stdout");
    }

    @Test
    void gossamerRunPrintsTheSentenceAndExitsOne() throws Exception {
        Path file = write("""
                node: {id: n1}
                admin: {address: 127.0.0.1:%d}
                listeners:
                  - {name: outbound, address: 127.0.0.1:0}
                mesh_config: ./mesh.yaml
                """.formatted(busy.getLocalPort()));
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream old = System.err;
        System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            assertThat(Main.execute("run", "--config", file.toString(), "--event-loops", "1")).isOne();
        } finally {
            System.setErr(old);
        }
        String err = buf.toString(StandardCharsets.UTF_8);
        assertThat(err).contains(file + ": 127.0.0.1:" + busy.getLocalPort() + " is already in use (another "
                + "gossamer or Envoy's admin?) — set admin.address").doesNotContain("Exception");
    }

    @Test
    void theDemoNamesItsOwnFlagsForABusyPort() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            PrintStream old = System.err;
            System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
            try {
                assertThat(Main.execute("demo", "--duration", "0", "--port", "0", "--admin-port",
                        String.valueOf(busy.getLocalPort()), "--requests", "10")).isNotZero();
            } finally {
                System.setErr(old);
                Logging.configure(Logging.Format.text, Logging.DEFAULT_LEVEL); // the demo quietened this JVM's logs
            }
            assertThat(buf.toString(StandardCharsets.UTF_8)).contains("127.0.0.1:" + busy.getLocalPort()
                    + " is already in use").contains("— pass --admin-port PORT (0 picks a free port)")
                    .doesNotContain("admin.address");
        }
    }

    @Test
    void causeTextKeepsTheUsefulPartAndIsNeverNull() {
        assertThat(StartupFailure.causeText(new RuntimeException(
                "bind(..) failed with error(-98): Address already in use"))).isEqualTo("Address already in use");
        assertThat(StartupFailure.causeText(new IllegalStateException())).isEqualTo("IllegalStateException");
        assertThat(StartupFailure.causeText(new RuntimeException("outer", new IOException("inner"))))
                .isEqualTo("inner");
    }
}
