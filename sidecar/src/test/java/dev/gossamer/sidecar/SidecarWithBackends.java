package dev.gossamer.sidecar;

import io.vertx.core.Vertx;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fixture of the tests that run one whole sidecar in-process in front of real backends on loopback: a Vert.x
 * instance, {@link #backendCount()} demo backends, the sidecar a test starts (shut down after it), and an HTTP/1.1
 * client, as curl and kubelet probes speak to the admin API (JDK 17's client fails an HTTP/2 stream whose answer it
 * has read but not yet handed over when the GOAWAY of /quitquitquit arrives: docs/design.md).
 */
abstract class SidecarWithBackends {

    @TempDir
    Path dir;

    Vertx vertx;
    DemoBackends backends;
    /** Set by the test; shut down after it. */
    Sidecar sidecar;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    /** How many demo backends the test needs. */
    abstract int backendCount();

    @BeforeEach
    void startBackends() throws Exception {
        vertx = Vertx.vertx();
        backends = Futures.await(DemoBackends.start(vertx, backendCount()));
    }

    @AfterEach
    void stopAll() throws Exception {
        if (sidecar != null) {
            Futures.await(sidecar.shutdown());
        }
        Futures.await(backends.close());
        Futures.await(vertx.close());
    }
}
