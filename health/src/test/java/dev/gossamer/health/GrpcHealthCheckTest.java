package dev.gossamer.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Server;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The gRPC health check ({@code grpc.health.v1.Health/Check}) against grpc-java's own {@link HealthStatusManager} on
 * 127.0.0.1, port 0, and the codec against grpc-java's generated messages: two implementations agree.
 */
class GrpcHealthCheckTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5); // generous: never a timing assertion

    private static Vertx vertx;
    private static Server withHealth;
    private static Server withoutHealth;
    private static HealthStatusManager health;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        health = new HealthStatusManager();
        withHealth = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(health.getHealthService()).build().start();
        withoutHealth = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).build().start();
    }

    @AfterAll
    static void stop() throws Exception {
        withHealth.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        withoutHealth.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        await(vertx.close());
    }

    private static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    private static ProbeResult probe(String service, Server server) throws Exception {
        try (VertxProber p = VertxProber.create(vertx, HealthCheckOptions.grpc(service).build())) {
            return await(p.probe(new HealthTarget("127.0.0.1", server.getPort()), TIMEOUT));
        }
    }

    @Test
    void servingPassesAndNotServingFails() throws Exception {
        health.setStatus("orders", HealthCheckResponse.ServingStatus.SERVING);
        assertThat(probe("orders", withHealth)).isEqualTo(ProbeResult.passed("SERVING"));
        health.setStatus("orders", HealthCheckResponse.ServingStatus.NOT_SERVING);
        assertThat(probe("orders", withHealth))
                .isEqualTo(ProbeResult.failed(ProbeResult.Failure.STATUS, "NOT_SERVING"));
    }

    @Test
    void theWholeServerIsTheEmptyServiceName() throws Exception {
        // HealthStatusManager registers "" as SERVING from the start.
        assertThat(probe("", withHealth).healthy()).isTrue();
        health.setStatus("", HealthCheckResponse.ServingStatus.NOT_SERVING);
        try {
            assertThat(probe("", withHealth).healthy()).isFalse();
        } finally {
            health.setStatus("", HealthCheckResponse.ServingStatus.SERVING);
        }
    }

    @Test
    void anUnknownServiceFailsWithItsGrpcStatus() throws Exception {
        ProbeResult r = probe("no.such.Service", withHealth);
        assertThat(r.failure()).isEqualTo(ProbeResult.Failure.STATUS);
        assertThat(r.detail()).startsWith("grpc-status 5"); // NOT_FOUND, grpc's health.proto
    }

    @Test
    void aServerWithoutTheHealthServiceFails() throws Exception {
        ProbeResult r = probe("", withoutHealth);
        assertThat(r.failure()).isEqualTo(ProbeResult.Failure.STATUS);
        assertThat(r.detail()).startsWith("grpc-status 12"); // UNIMPLEMENTED
    }

    @Test
    void aClosedPortIsAConnectFailure() throws Exception {
        Server s = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).build().start();
        int port = s.getPort();
        s.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        try (VertxProber p = VertxProber.create(vertx, HealthCheckOptions.grpc("").build())) {
            assertThat(await(p.probe(new HealthTarget("127.0.0.1", port), TIMEOUT)).failure())
                    .isEqualTo(ProbeResult.Failure.CONNECT);
        }
    }

    @Test
    void codecAgreesWithGrpcJavasMessages() throws Exception {
        Buffer req = GrpcHealthCodec.request("orders");
        assertThat(req.getByte(0)).isZero();
        assertThat(req.getUnsignedInt(1)).isEqualTo(req.length() - 5L);
        assertThat(HealthCheckRequest.parseFrom(req.getBytes(5, req.length())).getService()).isEqualTo("orders");
        assertThat(GrpcHealthCodec.request("").length()).isEqualTo(5);

        for (HealthCheckResponse.ServingStatus st : new HealthCheckResponse.ServingStatus[] {
            HealthCheckResponse.ServingStatus.UNKNOWN, HealthCheckResponse.ServingStatus.SERVING,
            HealthCheckResponse.ServingStatus.NOT_SERVING, HealthCheckResponse.ServingStatus.SERVICE_UNKNOWN}) {
            byte[] msg = HealthCheckResponse.newBuilder().setStatus(st).build().toByteArray();
            Buffer frame = Buffer.buffer().appendByte((byte) 0).appendUnsignedInt(msg.length).appendBytes(msg);
            assertThat(GrpcHealthCodec.status(frame)).as("%s", st).isEqualTo(st.getNumber());
        }
        assertThat(GrpcHealthCodec.status(Buffer.buffer(new byte[] {0, 0, 0, 0, 9, 8}))).isEqualTo(-1);
        assertThat(GrpcHealthCodec.status(Buffer.buffer(new byte[] {1, 0, 0, 0, 2, 8, 1}))).isEqualTo(-1);
        assertThat(GrpcHealthCodec.status(Buffer.buffer(new byte[] {0, 0, 0, 0, 2, 8}))).isEqualTo(-1);
    }
}
