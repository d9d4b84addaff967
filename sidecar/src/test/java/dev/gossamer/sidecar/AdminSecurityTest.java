package dev.gossamer.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gossamer.config.ConfigLoader;
import dev.gossamer.config.ConfigResult;
import dev.gossamer.config.SidecarConfig;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin API against a web page (issue 14, finding 1): what a browser sends for a cross-site form post, a
 * DNS-rebinding read, and the token beyond loopback. Raw HTTP/1.1 over loopback, so the test chooses the Host and
 * Origin headers as a browser would send them.
 */
class AdminSecurityTest {

    private static final String TOKEN = "0123456789abcdef0123456789abcdef";
    private static final String MESH = "routes: []\nclusters: []\n";

    @TempDir
    Path dir;

    private Vertx vertx;
    private Sidecar sidecar;

    @BeforeEach
    void setUp() {
        vertx = Vertx.vertx();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (sidecar != null) {
            Futures.await(sidecar.shutdown());
        }
        Futures.await(vertx.close());
    }

    private void start(String adminHost, boolean withToken) throws Exception {
        Files.writeString(dir.resolve("token"), TOKEN + "\n");
        Files.writeString(dir.resolve("mesh.yaml"), MESH);
        Files.writeString(dir.resolve("sidecar.yaml"), """
                node: {id: admin-test}
                admin: {address: "%s:0"}
                listeners: [{name: outbound, address: "127.0.0.1:0"}]
                mesh_config: ./mesh.yaml
                %s
                """.formatted(adminHost, withToken
                ? "control: {voters: [\"admin-test@127.0.0.1:7950\"], data_dir: ./data, token_file: ./token}" : ""));
        ConfigResult<SidecarConfig> cfg = new ConfigLoader(Map.<String, String>of()::get)
                .loadSidecar(dir.resolve("sidecar.yaml"));
        sidecar = Futures.await(Sidecar.start(vertx, cfg.value(), cfg.sourceMap(), Sidecar.Runtime.system(1)));
    }

    /** Sends one raw HTTP/1.1 request to the admin port and returns the status line and body. */
    private String send(String method, String path, String... headers) throws IOException {
        try (Socket s = new Socket("127.0.0.1", sidecar.adminPort())) {
            s.setSoTimeout(10_000);
            StringBuilder req = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
            for (String h : headers) {
                req.append(h).append("\r\n");
            }
            req.append("Content-Length: 1\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nx");
            OutputStream out = s.getOutputStream();
            out.write(req.toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            return all.toString(StandardCharsets.UTF_8);
        }
    }

    private String host() {
        return "Host: 127.0.0.1:" + sidecar.adminPort();
    }

    @Test
    void aCrossSiteFormPostCannotStopTheSidecar() throws Exception {
        start("127.0.0.1", false);
        String evilHost = send("POST", "/quitquitquit", "Host: evil.example:" + sidecar.adminPort(),
                "Origin: http://evil.example");
        assertThat(evilHost).startsWith("HTTP/1.1 403").contains("does not name this admin server");
        String evilOrigin = send("POST", "/quitquitquit", host(), "Origin: http://evil.example");
        assertThat(evilOrigin).startsWith("HTTP/1.1 403").contains("cross-origin");
        assertThat(send("POST", "/admin/drain", host(), "Sec-Fetch-Site: cross-site")).startsWith("HTTP/1.1 403");
        assertThat(send("POST", "/admin/reload", host(), "Origin: null")).startsWith("HTTP/1.1 403");
        assertThat(sidecar.ready()).as("still serving").isTrue();

        // The page itself (same origin), and tools that send no Origin, may.
        assertThat(send("POST", "/admin/reload", host(), "Origin: http://127.0.0.1:" + sidecar.adminPort()))
                .startsWith("HTTP/1.1 200");
        assertThat(send("POST", "/admin/reload", "Host: localhost:" + sidecar.adminPort())).startsWith("HTTP/1.1 200");
    }

    @Test
    void aDnsRebindingPageCannotReadTheAdminApi() throws Exception {
        start("127.0.0.1", false);
        assertThat(send("GET", "/admin/config", "Host: rebind.evil.example:" + sidecar.adminPort()))
                .startsWith("HTTP/1.1 403");
        assertThat(send("GET", "/admin/members", "Host: rebind.evil.example")).startsWith("HTTP/1.1 403");
        assertThat(send("GET", "/admin/config", host())).startsWith("HTTP/1.1 200").contains("\"version\"");
        assertThat(send("GET", "/admin/config", "Host: [::1]:" + sidecar.adminPort())).startsWith("HTTP/1.1 200");
        assertThat(send("GET", "/", "Host: localhost")).startsWith("HTTP/1.1 200").contains("<title>Gossamer");
    }

    @Test
    void beyondLoopbackEverythingButTheProbesNeedsTheToken() throws Exception {
        start("0.0.0.0", true);
        assertThat(send("GET", "/admin/config", host())).startsWith("HTTP/1.1 401").doesNotContain(TOKEN);
        assertThat(send("POST", "/quitquitquit", host(), "Authorization: Bearer wrong-token-wrong-token"))
                .startsWith("HTTP/1.1 401");
        assertThat(send("GET", "/ready", host())).startsWith("HTTP/1.1 200");
        assertThat(send("GET", "/live", host())).startsWith("HTTP/1.1 200");
        String config = send("GET", "/admin/config", host(), "Authorization: Bearer " + TOKEN);
        assertThat(config).startsWith("HTTP/1.1 200").doesNotContain(TOKEN);
        assertThat(send("GET", "/metrics", host(), "Authorization: Bearer " + TOKEN)).startsWith("HTTP/1.1 200")
                .doesNotContain(TOKEN);

        // The dashboard page and its assets hold no state: they load without the token, and the page says how to
        // pass it; what it reads needs the token like every other endpoint.
        assertThat(send("GET", "/", host())).startsWith("HTTP/1.1 200").contains("Authorization: Bearer")
                .contains("control.token_file");
        assertThat(send("GET", "/dashboard.js", host())).startsWith("HTTP/1.1 200");
        assertThat(send("GET", "/dashboard.css", host())).startsWith("HTTP/1.1 200");
        assertThat(send("POST", "/", host())).startsWith("HTTP/1.1 401");
        assertThat(send("GET", "/admin/dashboard", host())).startsWith("HTTP/1.1 401");
        assertThat(send("GET", "/admin/events/stream", host())).startsWith("HTTP/1.1 401");
        assertThat(send("GET", "/admin/dashboard", host(), "Authorization: Bearer " + TOKEN))
                .startsWith("HTTP/1.1 200").contains("\"node\"");
    }

    @Test
    void onLoopbackTheTokenIsNotNeeded() throws Exception {
        start("127.0.0.1", true);
        assertThat(send("GET", "/admin/config", host())).startsWith("HTTP/1.1 200");
    }

    /**
     * The rule behind {@code PUT /admin/config} and rollback from beyond loopback, as a table: this machine has only
     * loopback peers to test with, so the remote address is given here (the loopback half runs over sockets above
     * and in ControlPlaneTest).
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"127.0.0.1, false, true", "::1, false, true",
        "localhost, false, true", "10.1.2.3, false, false", "10.1.2.3, true, true", "fd00::7, false, false"})
    void configWritesFromBeyondLoopbackNeedAToken(String remote, boolean tokenConfigured, boolean allowed) {
        assertThat(AdminServer.configWriteAllowed(remote, tokenConfigured)).isEqualTo(allowed);
    }
}
