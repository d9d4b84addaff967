package dev.gossamer.injector;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gossamer.common.FakeScheduler;
import dev.gossamer.common.testing.Await;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTPS server on a real loopback socket, with certificates from {@link Certificates}. */
class WebhookServerTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private Vertx vertx;
    private final FakeScheduler scheduler = new FakeScheduler();
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private WebhookServer server;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        Certificates.issue(dir, List.of("localhost"), List.of("127.0.0.1"), Instant.now(), Duration.ofDays(1));
        InjectorOptions options = InjectorOptions.from(InjectorConfig.parse("max_review_bytes: 65536", "injector.yaml"));
        server = await(WebhookServer.start(vertx, scheduler, options, registry, "127.0.0.1", 0,
                dir.resolve("tls.crt"), dir.resolve("tls.key"), Duration.ofSeconds(2)));
    }

    @AfterEach
    void stop() throws Exception {
        await(server.close());
        await(vertx.close());
    }

    private static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    /** A client that trusts only the CA in {@code dir} and checks the host name, as the API server does. */
    private WebClient client() {
        return WebClient.create(vertx, new WebClientOptions().setSsl(true).setVerifyHost(true)
                .setTrustOptions(new PemTrustOptions().addCertPath(dir.resolve("ca.crt").toString())));
    }

    private HttpResponse<Buffer> post(WebClient c, String path, Buffer body) throws Exception {
        return await(c.post(server.port(), "127.0.0.1", path).sendBuffer(body));
    }

    @Test
    void answersReviewsOverTlsVerifiedAgainstTheCa() throws Exception {
        WebClient c = client();
        HttpResponse<Buffer> r = post(c, "/inject", Pods.review("uid-9", Pods.bare()).toBuffer());
        assertThat(r.statusCode()).isEqualTo(200);
        JsonObject response = r.bodyAsJsonObject().getJsonObject("response");
        assertThat(response.getString("uid")).isEqualTo("uid-9");
        assertThat(response.getString("patchType")).isEqualTo("JSONPatch");
        // The opt-in webhook: a pod without the annotation is not injected.
        JsonObject annotatedOnly = post(c, "/inject/annotated", Pods.review("uid-10", Pods.bare()).toBuffer())
                .bodyAsJsonObject().getJsonObject("response");
        assertThat(annotatedOnly.getBoolean("allowed")).isTrue();
        assertThat(annotatedOnly.containsKey("patch")).isFalse();

        assertThat(await(c.get(server.port(), "127.0.0.1", "/ready").send()).statusCode()).isEqualTo(200);
        String metrics = await(c.get(server.port(), "127.0.0.1", "/metrics").send()).bodyAsString();
        assertThat(metrics).contains("gossamer_injector_reviews_total{outcome=\"injected\"} 1.0",
                "gossamer_injector_reviews_total{outcome=\"skipped\"} 1.0");
    }

    @Test
    void anOversizeBodyIsRefusedAndTheServerKeepsServing() throws Exception {
        WebClient c = client();
        HttpResponse<Buffer> big = post(c, "/inject", Buffer.buffer(new byte[70_000]));
        assertThat(big.statusCode()).isEqualTo(413);
        HttpResponse<Buffer> garbage = post(c, "/inject", Buffer.buffer("\u0000not json"));
        assertThat(garbage.statusCode()).isEqualTo(200);
        assertThat(garbage.bodyAsJsonObject().getJsonObject("response").getBoolean("allowed")).isTrue();
        assertThat(post(c, "/inject", Pods.review("uid-ok", Pods.bare()).toBuffer()).statusCode()).isEqualTo(200);
    }

    @Test
    void aRotatedCertificateIsServedWithoutARestartAndABrokenOneIsNot() throws Exception {
        X509Certificate first = served();
        // Rotate: the same CA (kept in dir), a new serving certificate.
        Certificates.issue(dir, List.of("localhost", "rotated.example"), List.of("127.0.0.1"), Instant.now(),
                Duration.ofDays(1));
        scheduler.advance(Duration.ofSeconds(2));
        Await.until("the rotated certificate is served", WAIT, () -> !served().equals(first));
        assertThat(served().getSubjectAlternativeNames().toString()).contains("rotated.example");
        assertThat(registry.get("gossamer_injector_cert_reloads").tag("result", "ok").counter().count()).isEqualTo(1);

        // A broken pair (a key that is not PEM) is not installed: the rotated one keeps serving.
        X509Certificate rotated = served();
        Files.writeString(dir.resolve("tls.key"), "not a key");
        scheduler.advance(Duration.ofSeconds(2));
        Await.until("the broken pair is tried and refused", WAIT,
                () -> registry.get("gossamer_injector_cert_reloads").tag("result", "failed").counter().count() == 1);
        assertThat(served()).isEqualTo(rotated);
    }

    /**
     * The certificate a new TLS connection is served. Both clients are held in locals and closed: Vert.x 5 closes
     * a client whose object is no longer reachable (its {@code Cleaner}), so a client made inline in a future chain
     * can be collected mid-request and fail it with "Pool closed" (seen once in CI).
     */
    private X509Certificate served() {
        WebClient c = WebClient.create(vertx, new WebClientOptions().setSsl(true).setTrustAll(true)
                .setVerifyHost(false).setKeepAlive(false));
        HttpClient raw = vertx.createHttpClient(new HttpClientOptions().setSsl(true).setTrustAll(true)
                .setVerifyHost(false).setKeepAlive(false));
        try {
            HttpResponse<Buffer> r = await(c.get(server.port(), "127.0.0.1", "/ready").send());
            assertThat(r.statusCode()).isEqualTo(200);
            SSLSession s = await(raw.request(HttpMethod.GET, server.port(), "127.0.0.1", "/ready")
                    .compose(req -> req.send().map(resp -> req.connection().sslSession())));
            return (X509Certificate) s.getPeerCertificates()[0];
        } catch (Exception e) {
            throw new AssertionError(e);
        } finally {
            c.close();
            raw.close();
        }
    }
}
