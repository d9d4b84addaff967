package dev.gossamer.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gossamer.common.testing.Await;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Health end to end: real backends on loopback, a sidecar configured by YAML, steady load from real clients.
 * Instances die, hang and recover; the client must never see a failure.
 */
class HealthIntegrationTest {

    @TempDir
    Path dir;

    private Vertx vertx;
    private final List<Backend> backends = new ArrayList<>();
    private Sidecar sidecar;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final ExecutorService pool = Executors.newFixedThreadPool(4);

    @BeforeEach
    void setUp() throws Exception {
        vertx = Vertx.vertx();
    }

    @AfterEach
    void tearDown() throws Exception {
        pool.shutdownNow();
        if (sidecar != null) {
            Futures.await(sidecar.shutdown());
        }
        Futures.await(vertx.close());
    }

    private void backends(int n) throws Exception {
        for (int i = 1; i <= n; i++) {
            backends.add(Futures.await(new Backend(vertx, "b" + i).start()));
        }
    }

    private void start(String clusterExtra, String routeExtra) throws Exception {
        StringBuilder eps = new StringBuilder();
        for (Backend b : backends) {
            eps.append(eps.length() == 0 ? "" : ", ").append("127.0.0.1:").append(b.port());
        }
        String mesh = """
                routes:
                  - name: all
                    match: {path_prefix: /}
                    cluster: app
                    timeout: 5s
                %s
                clusters:
                  - name: app
                    endpoints: [%s]
                    balancer: {policy: round_robin}
                    connect_timeout: 500ms
                %s
                """.formatted(routeExtra, eps, clusterExtra);
        sidecar = SingleNode.start(vertx, dir, "test-node", "1s", mesh);
    }

    private String get() {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + sidecar.listenerPort("outbound") + "/"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? r.body().trim() : "HTTP " + r.statusCode();
        } catch (Exception e) {
            return "ERROR " + e;
        }
    }

    /** Steady load from {@code clients} loops; records every answer by backend. */
    private final class Load implements AutoCloseable {
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicLong sent = new AtomicLong();
        final Map<String, AtomicLong> byAnswer = new ConcurrentHashMap<>();
        final List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        final List<Future<?>> loops = new ArrayList<>();

        Load(int clients) {
            for (int c = 0; c < clients; c++) {
                loops.add(pool.submit(() -> {
                    while (!stop.get()) {
                        String who = get();
                        sent.incrementAndGet();
                        if (!who.startsWith("b")) {
                            failures.add(who);
                        }
                        byAnswer.computeIfAbsent(who, k -> new AtomicLong()).incrementAndGet();
                    }
                }));
            }
        }

        long count(String id) {
            AtomicLong n = byAnswer.get(id);
            return n == null ? 0 : n.get();
        }

        void waitForMore(long n) throws InterruptedException {
            long target = sent.get() + n;
            Await.until(n + " more requests", Duration.ofSeconds(30), () -> sent.get() >= target);
        }

        @Override
        public void close() throws java.util.concurrent.ExecutionException {
            stop.set(true);
            try {
                for (Future<?> f : loops) {
                    f.get();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // lint "try": close() must not throw InterruptedException
            }
        }
    }

    private JsonObject endpoint(String port) throws Exception {
        JsonArray eps = AdminServer.clusters(sidecar).getJsonArray("clusters").getJsonObject(0)
                .getJsonArray("endpoints");
        for (int i = 0; i < eps.size(); i++) {
            if (eps.getJsonObject(i).getString("address").endsWith(":" + port)) {
                return eps.getJsonObject(i);
            }
        }
        throw new AssertionError("no endpoint on port " + port);
    }

    @Test
    void killedInstanceUnderLoadLosesNoRequestIsEjectedAndReturnsRampedBySlowStart() throws Exception {
        backends(3);
        start("""
                    outlier_detection: {consecutive_local_origin_failure: 2, base_ejection_time: 2s, interval: 1s, max_ejection_percent: 50}
                    slow_start: {window: 3s, min_weight_percent: 10}
                """, """
                    retries: {attempts: 2, retry_on: [connect_failure, reset, gateway_error], per_try_timeout: 1s}
                """);
        Backend b2 = backends.get(1);
        int b2Port = b2.port();
        try (Load load = new Load(3)) {
            load.waitForMore(300);
            Futures.await(b2.kill());
            Await.until("b2 ejected by outlier detection", Duration.ofSeconds(20), () -> {
                try {
                    return endpoint(String.valueOf(b2Port)).getBoolean("ejected", false);
                } catch (Exception e) {
                    return false;
                }
            });
            long b2Before = load.count("b2");
            load.waitForMore(300);
            assertThat(load.count("b2")).as("traffic moved off b2").isEqualTo(b2Before);
            assertThat(endpoint(String.valueOf(b2Port)).getString("ejection_reason"))
                    .isEqualTo("consecutive_local_origin_failure");

            // Bring it back on the same port: after its ejection time it takes traffic again, ramping up.
            Backend again = new Backend(vertx, "b2");
            Await.until("b2 restarted on its port", Duration.ofSeconds(10), () -> {
                try {
                    Futures.await(again.startOn(b2Port));
                    return true;
                } catch (Exception e) {
                    return false;
                }
            });
            Await.until("b2 back in rotation", Duration.ofSeconds(20), () -> load.count("b2") > b2Before);
            long firstSecondB2 = load.count("b2");
            long firstSecondAll = load.sent.get();
            load.waitForMore(600);
            double earlyShare = (double) (load.count("b2") - firstSecondB2) / (load.sent.get() - firstSecondAll);
            assertThat(earlyShare).as("b2's share while ramping").isLessThan(0.30);
            assertThat(load.failures).as("client-visible failures").isEmpty();
        }
    }

    @Test
    void hangingInstanceIsCutByPerTryTimeoutsAndEjected() throws Exception {
        backends(3);
        start("""
                    outlier_detection: {consecutive_local_origin_failure: 2, base_ejection_time: 30s, interval: 1s, max_ejection_percent: 50}
                """, """
                    retries: {attempts: 2, retry_on: [connect_failure, reset, gateway_error], per_try_timeout: 300ms}
                """);
        Backend b3 = backends.get(2);
        try (Load load = new Load(2)) {
            load.waitForMore(100);
            b3.hang.set(true);
            Await.until("b3 ejected after per-try timeouts", Duration.ofSeconds(20), () -> {
                try {
                    return endpoint(String.valueOf(b3.port())).getBoolean("ejected", false);
                } catch (Exception e) {
                    return false;
                }
            });
            load.waitForMore(200);
            assertThat(load.failures).as("client-visible failures").isEmpty();
            assertThat(endpoint(String.valueOf(b3.port())).getLong("timeouts")).isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void threeOfFourFailingHealthChecksEnterPanicModeAndSpreadOverAll() throws Exception {
        backends(4);
        for (int i = 1; i < 4; i++) {
            backends.get(i).healthStatus.set(500);
        }
        start("""
                    health_check: {http: /healthz, interval: 200ms, timeout: 200ms, unhealthy_threshold: 1, healthy_threshold: 1}
                    panic_threshold: 50%
                """, "");
        Await.until("panic mode", Duration.ofSeconds(10), () -> AdminServer.clusters(sidecar)
                .getJsonArray("clusters").getJsonObject(0).getBoolean("panic"));
        try (Load load = new Load(2)) {
            load.waitForMore(400);
            for (Backend b : backends) {
                assertThat(load.count(b.id)).as(b.id + " takes traffic in panic mode").isGreaterThan(50);
            }
        }
        assertThat(sidecar.registry().get("gossamer.panic.entered").counter().count()).isEqualTo(1.0);
        assertThat(sidecar.registry().scrape()).contains("gossamer_panic_entered_total");

        // Two healthy of four is 50%: out of panic, only the healthy ones.
        backends.get(1).healthStatus.set(200);
        Await.until("panic over", Duration.ofSeconds(10), () -> !AdminServer.clusters(sidecar)
                .getJsonArray("clusters").getJsonObject(0).getBoolean("panic"));
        try (Load load = new Load(2)) {
            load.waitForMore(200);
            assertThat(load.count("b3")).isZero();
            assertThat(load.count("b4")).isZero();
        }
    }
}
