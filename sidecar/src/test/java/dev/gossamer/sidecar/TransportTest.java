package dev.gossamer.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.gossamer.vertx.VertxInternals;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.transport.Transport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The sidecar on each socket transport {@code --transport} offers, over real loopback sockets: balancing, a body
 * streamed both ways, a refused endpoint retried elsewhere, and h2c downstream. The native transports run where
 * they load (both do on this project's Linux x86-64 machines; elsewhere the case is skipped, as {@code auto} would
 * skip them).
 */
class TransportTest {

    @TempDir
    Path dir;

    private Vertx vertx; // the sidecar's, on the transport under test
    private final Vertx tools = Vertx.vertx(); // backends and clients, on NIO
    private DemoBackends backends;
    private HttpServer echo;
    private Sidecar sidecar;

    @AfterEach
    void tearDown() throws Exception {
        if (sidecar != null) {
            Futures.await(sidecar.shutdown());
        }
        if (backends != null) {
            Futures.await(backends.close());
        }
        if (vertx != null) {
            Futures.await(vertx.close());
        }
        Futures.await(tools.close());
    }

    @Test
    void autoTakesTheFirstTransportThatLoadsAndUnknownNamesAreRejected() {
        Transport expected = available(Transport.IO_URING) ? Transport.IO_URING
                : available(Transport.EPOLL) ? Transport.EPOLL : Transport.NIO;
        assertThat(TransportOption.choose("auto").name()).isEqualTo(expected.name());
        assertThat(TransportOption.choose("nio").name()).isEqualTo("nio");
        assertThatThrownBy(() -> TransportOption.choose("kqueue")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected: auto, io_uring, epoll or nio");
        assertThat(Main.execute("run", "--config", dir.resolve("missing.yaml").toString(), "--transport", "x"))
                .as("a usage error, before the config is read").isEqualTo(2);
    }

    /**
     * A Java pool starts a new thread for every task until it reaches its size, even while its other threads idle,
     * so eight blocking calls one after another show the pools' sizes: Vert.x's defaults (20 each) would start eight.
     */
    @Test
    void blockingPoolsAreSidecarSized() throws Exception {
        TransportOption option = new TransportOption();
        option.transport = TransportOption.choose("nio");
        Set<Thread> before = Set.copyOf(Thread.getAllStackTraces().keySet());
        vertx = option.vertx(1);
        Set<String> workers = ConcurrentHashMap.newKeySet();
        Path file = Files.writeString(dir.resolve("mesh.yaml"), "routes: []\n");
        for (int i = 0; i < 8; i++) {
            Futures.await(vertx.executeBlocking(() -> workers.add(Thread.currentThread().getName()), false));
            Futures.await(vertx.fileSystem().props(file.toString()));
        }
        List<String> internal = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (!before.contains(t) && t.getName().startsWith("vert.x-internal-blocking-")) {
                internal.add(t.getName());
            }
        }
        assertThat(workers).as("worker threads").hasSizeLessThanOrEqualTo(TransportOption.DEFAULT_WORKER_THREADS);
        assertThat(internal).as("internal blocking threads")
                .hasSizeLessThanOrEqualTo(TransportOption.DEFAULT_INTERNAL_BLOCKING_THREADS).isNotEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"nio", "epoll", "io_uring"})
    void forwardsOnTransport(String kind) throws Exception {
        Transport t = kind.equals("nio") ? Transport.NIO : kind.equals("epoll") ? Transport.EPOLL : Transport.IO_URING;
        assumeThat(available(t)).as(kind + " loads on this machine").isTrue();
        TransportOption option = new TransportOption();
        option.transport = TransportOption.choose(kind);
        vertx = option.vertx(1);
        assertThat(VertxInternals.transportName(vertx).toLowerCase().replace("_", ""))
                .startsWith(kind.replace("_", ""));
        backends = Futures.await(DemoBackends.start(tools, 3));
        echo = Futures.await(tools.createHttpServer().requestHandler(req -> req.body().onSuccess(b ->
                req.response().end(b))).listen(0, "127.0.0.1"));
        sidecar = start();
        int port = sidecar.listenerPort("outbound");

        HttpClientAgent h1 = tools.createHttpClient(new HttpClientOptions());
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 6; i++) {
            seen.add(Futures.await(send(h1, port, HttpMethod.GET, "app", Buffer.buffer())).toString().trim());
        }
        assertThat(seen).hasSize(3);

        byte[] big = new byte[3 * 1024 * 1024 + 7];
        new Random(42).nextBytes(big);
        assertThat(Futures.await(send(h1, port, HttpMethod.POST, "echo", Buffer.buffer(big))).getBytes()).isEqualTo(big);

        Futures.await(backends.kill(1)); // its port now refuses: every request still succeeds, retried elsewhere
        for (int i = 0; i < 6; i++) {
            assertThat(Futures.await(send(h1, port, HttpMethod.GET, "app", Buffer.buffer())).toString().trim())
                    .isNotEqualTo(backends.ids().get(1));
        }

        HttpClientAgent h2 = tools.createHttpClient(new HttpClientOptions()
                .setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false));
        assertThat(Futures.await(send(h2, port, HttpMethod.POST, "echo", Buffer.buffer(big))).getBytes()).isEqualTo(big);
    }

    private static Future<Buffer> send(HttpClientAgent client, int port, HttpMethod method, String host, Buffer body) {
        return client.request(new RequestOptions().setMethod(method).setURI("/")
                        .setServer(SocketAddress.inetSocketAddress(port, "127.0.0.1")).setHost(host).setPort(port))
                // Nested, so body() is asked for on the event loop as the response head arrives: chained from
                // this (non-Vert.x) thread, a fast response's body could be delivered before anyone asked for it.
                .compose(req -> req.send(body).compose(resp -> {
                    assertThat(resp.statusCode()).as(method + " " + host).isEqualTo(200);
                    return resp.body();
                }));
    }

    private Sidecar start() throws Exception {
        return SingleNode.start(vertx, dir, "transport-node", "2s", """
                routes:
                  - {name: echo, listener: outbound, match: {authority: echo}, cluster: echo, timeout: 10s}
                  - name: app
                    listener: outbound
                    match: {path_prefix: /}
                    cluster: app
                    timeout: 5s
                    retries: {attempts: 3, retry_on: [connect_failure, reset]}
                clusters:
                  - {name: echo, endpoints: [127.0.0.1:%d], balancer: {policy: round_robin}}
                  - {name: app, endpoints: [127.0.0.1:%d, 127.0.0.1:%d, 127.0.0.1:%d], balancer: {policy: round_robin}}
                """.formatted(echo.actualPort(), backends.port(0), backends.port(1), backends.port(2)));
    }

    private static boolean available(Transport t) {
        return t != null && t.available();
    }
}
