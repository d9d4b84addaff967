package dev.gossamer.health;

import dev.gossamer.common.testing.Await;
import dev.gossamer.vertx.VertxScheduler;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.net.NetServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The real prober against real servers on 127.0.0.1, port 0. */
class VertxProberTest {

    // Generous: a probe that should pass must not time out when a loaded CI machine starts a JVM (seen at 300 ms).
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private static Vertx vertx;
    private static HttpServer server;
    private static final AtomicInteger status = new AtomicInteger(200);
    private static final AtomicInteger connections = new AtomicInteger();
    private static final AtomicReference<String> lastHost = new AtomicReference<>();
    private static final Set<String> paths = ConcurrentHashMap.newKeySet();

    @BeforeAll
    static void startServer() throws Exception {
        vertx = Vertx.vertx();
        server = await(vertx.createHttpServer()
                .connectionHandler(c -> connections.incrementAndGet())
                .requestHandler(req -> {
                    paths.add(req.path());
                    lastHost.set(req.headers().get("Host"));
                    if (req.path().equals("/hang")) {
                        return; // never answer
                    }
                    req.response().setStatusCode(status.get()).end("body of some length");
                })
                .listen(0, "127.0.0.1"));
    }

    @AfterAll
    static void stop() throws Exception {
        await(vertx.close());
    }

    private static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static HealthTarget serverTarget() {
        return new HealthTarget("127.0.0.1", server.actualPort());
    }

    private static ProbeResult probe(HealthCheckOptions o, HealthTarget t) throws Exception {
        try (VertxProber p = VertxProber.create(vertx, o)) {
            return await(p.probe(t, TIMEOUT));
        }
    }

    private static int refusedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void aProbeQueuedJustBeforeCloseFailsQuietlyInsteadOfThrowingIntoTheEventLoop() throws Exception {
        AtomicReference<Throwable> uncaught = new AtomicReference<>();
        Vertx own = Vertx.vertx();
        try {
            own.exceptionHandler(uncaught::set);
            for (HealthCheckOptions o : java.util.List.of(HealthCheckOptions.http("/healthz").build(),
                    HealthCheckOptions.tcp().build())) {
                VertxProber p = VertxProber.create(own, o);
                io.vertx.core.Context ctx = own.getOrCreateContext();
                io.vertx.core.Promise<Future<ProbeResult>> queued = io.vertx.core.Promise.promise();
                // On the prober's event loop: the probe is queued behind this task, and the prober closes first
                // (what a shutdown under load does); the probe then runs against a closed client.
                ctx.runOnContext(v -> {
                    Future<ProbeResult> f = p.probe(serverTarget(), TIMEOUT);
                    p.close();
                    queued.complete(f);
                });
                ProbeResult r = await(await(queued.future()));
                assertThat(r.healthy()).isFalse();
                assertThat(r.detail()).isEqualTo("prober closed");
            }
            assertThat(uncaught.get()).isNull();
        } finally {
            await(own.close());
        }
    }

    @Test
    void healthyHttpServerPasses() throws Exception {
        status.set(200);
        ProbeResult r = probe(HealthCheckOptions.http("/healthz").build(), serverTarget());
        assertThat(r.healthy()).as(r.toString()).isTrue();
        assertThat(r.detail()).isEqualTo("status 200");
        assertThat(paths).contains("/healthz");
    }

    @Test
    void unexpectedStatusFails() throws Exception {
        status.set(500);
        try {
            ProbeResult r = probe(HealthCheckOptions.http("/h500").build(), serverTarget());
            assertThat(r.failure()).isEqualTo(ProbeResult.Failure.STATUS);
            assertThat(r.detail()).isEqualTo("status 500");
        } finally {
            status.set(200);
        }
    }

    @Test
    void hangingServerTimesOut() throws Exception {
        long start = dev.gossamer.common.Ticker.system().nanoTime();
        ProbeResult r = probe(HealthCheckOptions.http("/hang").build(), serverTarget());
        assertThat(r.failure()).as(r.toString()).isEqualTo(ProbeResult.Failure.TIMEOUT);
        assertThat(Duration.ofNanos(dev.gossamer.common.Ticker.system().nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void refusedConnectionIsAConnectFailure() throws Exception {
        HealthTarget dead = new HealthTarget("127.0.0.1", refusedPort());
        ProbeResult http = probe(HealthCheckOptions.http("/").build(), dead);
        assertThat(http.failure()).as(http.toString()).isEqualTo(ProbeResult.Failure.CONNECT);
        ProbeResult tcp = probe(HealthCheckOptions.tcp().build(), dead);
        assertThat(tcp.failure()).as(tcp.toString()).isEqualTo(ProbeResult.Failure.CONNECT);
    }

    @Test
    void tcpConnectToAListeningPortPasses() throws Exception {
        NetServer tcp = await(vertx.createNetServer().connectHandler(s -> { }).listen(0, "127.0.0.1"));
        try {
            ProbeResult r = probe(HealthCheckOptions.tcp().build(), new HealthTarget("127.0.0.1", tcp.actualPort()));
            assertThat(r.healthy()).as(r.toString()).isTrue();
        } finally {
            await(tcp.close());
        }
    }

    @Test
    void sendsTheConfiguredHostHeaderVerbatimAndReusesTheConnection() throws Exception {
        status.set(200);
        HealthCheckOptions o = HealthCheckOptions.http("/reuse").hostHeader("orders.internal").build();
        int before = connections.get();
        try (VertxProber p = VertxProber.create(vertx, o)) {
            for (int i = 0; i < 5; i++) {
                ProbeResult r = await(p.probe(serverTarget(), TIMEOUT));
                assertThat(r.healthy()).as("probe %d: %s", i, r).isTrue();
            }
        }
        assertThat(lastHost.get()).isEqualTo("orders.internal");
        assertThat(connections.get() - before).as("keep-alive connections opened for 5 probes").isEqualTo(1);
        ProbeResult plain = probe(HealthCheckOptions.http("/plain").build(), serverTarget());
        assertThat(plain.healthy()).isTrue();
        assertThat(lastHost.get()).isEqualTo("127.0.0.1:" + server.actualPort());
    }

    @Test
    void groupOnRealClockFollowsAFlappingServer() throws Exception {
        status.set(200);
        HealthCheckOptions o = HealthCheckOptions.http("/flap").interval(Duration.ofMillis(100))
                .timeout(Duration.ofMillis(100)).unhealthyThreshold(2).healthyThreshold(2).build();
        ConcurrentHashMap<String, HealthState> seen = new ConcurrentHashMap<>();
        try (VertxProber prober = VertxProber.create(vertx, o);
             HealthCheckGroup g = HealthCheckGroup.builder("flap", o, prober, new VertxScheduler(vertx, dev.gossamer.common.Ticker.system()))
                     .listener((t, from, to, r) -> seen.put(from + "->" + to, to)).build()) {
            HealthTarget t = serverTarget();
            g.setTargets(Set.of(t));
            Await.until("healthy", Duration.ofSeconds(10), () -> g.state(t) == HealthState.HEALTHY);
            status.set(503);
            Await.until("unhealthy", Duration.ofSeconds(10), () -> g.state(t) == HealthState.UNHEALTHY);
            status.set(200);
            Await.until("healthy again", Duration.ofSeconds(10), () -> g.state(t) == HealthState.HEALTHY);
            // The listener runs just after the state changes (outside the checker's lock): wait for it too.
            Await.until("listener told of the recovery", Duration.ofSeconds(10),
                    () -> seen.containsKey("UNHEALTHY->HEALTHY"));
            assertThat(seen.keySet()).contains("UNKNOWN->HEALTHY", "HEALTHY->UNHEALTHY", "UNHEALTHY->HEALTHY");
        } finally {
            status.set(200);
        }
    }
}
