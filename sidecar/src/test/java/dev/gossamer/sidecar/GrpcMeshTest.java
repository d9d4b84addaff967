package dev.gossamer.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gossamer.common.testing.Await;
import dev.gossamer.common.testing.Tools;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.StreamObserver;
import io.grpc.testing.protobuf.SimpleRequest;
import io.grpc.testing.protobuf.SimpleResponse;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import io.vertx.core.Vertx;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * gRPC through a sidecar configured by YAML ({@code protocol: http2}, {@code health_check: {grpc: ...}},
 * {@code retry_on: [unavailable]}): grpc-java servers with the standard health service, a grpc-java client, and once
 * Debian's python3-grpcio client, so two gRPC implementations agree on what the sidecar does.
 */
class GrpcMeshTest {

    private static final Duration WAIT = Duration.ofSeconds(30); // generous: a deadline, never a timing assertion
    private static final String SERVICE = "grpc.testing.SimpleService";

    @TempDir
    Path dir;

    private Vertx vertx;
    private Sidecar sidecar;
    private final List<Greeter> greeters = new ArrayList<>();
    private ManagedChannel channel;

    /** A SimpleService that answers "id:message", with grpc-java's health service beside it. */
    static final class Greeter extends SimpleServiceGrpc.SimpleServiceImplBase {
        final String id;
        final AtomicInteger calls = new AtomicInteger();
        final HealthStatusManager health = new HealthStatusManager();
        final Server server;
        volatile Status failWith;
        /** When set, every call sends its reply and then fails with this status (in the trailers). */
        volatile Status failAfterReply;

        Greeter(String id) throws Exception {
            this.id = id;
            health.setStatus(SERVICE, ServingStatus.SERVING);
            server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(this)
                    .addService(health.getHealthService()).build().start();
        }

        @Override
        public void unaryRpc(SimpleRequest req, StreamObserver<SimpleResponse> out) {
            calls.incrementAndGet();
            Status fail = failWith;
            if (fail != null) {
                out.onError(fail.asRuntimeException());
                return;
            }
            out.onNext(SimpleResponse.newBuilder().setResponseMessage(id + ":" + req.getRequestMessage()).build());
            Status late = failAfterReply;
            if (late != null) {
                out.onError(late.asRuntimeException());
                return;
            }
            out.onCompleted();
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        vertx = Vertx.vertx();
        greeters.add(new Greeter("a"));
        greeters.add(new Greeter("b"));
        String eps = "127.0.0.1:" + greeters.get(0).server.getPort() + ", 127.0.0.1:"
                + greeters.get(1).server.getPort();
        sidecar = SingleNode.start(vertx, dir, "grpc-node", "1s", """
                routes:
                  - name: greeter
                    match: {path_prefix: /grpc.testing.SimpleService/}
                    cluster: greeter
                    timeout: 0s
                    retries: {attempts: 1, retry_on: [unavailable, connect_failure, reset]}
                clusters:
                  - name: greeter
                    endpoints: [%s]
                    protocol: http2
                    balancer: {policy: round_robin}
                    health_check: {grpc: %s, interval: 500ms, timeout: 500ms, unhealthy_threshold: 2,
                                   healthy_threshold: 1}
                    outlier_detection: {consecutive_5xx: 3, max_ejection_percent: 50, base_ejection_time: 1m}
                """.formatted(eps, SERVICE));
        channel = NettyChannelBuilder.forAddress("127.0.0.1", sidecar.listenerPort("outbound")).usePlaintext()
                .disableRetry().build();
    }

    @AfterEach
    void tearDown() throws Exception {
        channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        if (sidecar != null) {
            Futures.await(sidecar.shutdown());
        }
        for (Greeter g : greeters) {
            g.server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
        Futures.await(vertx.close());
    }

    private String call(String msg) {
        return SimpleServiceGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS)
                .unaryRpc(SimpleRequest.newBuilder().setRequestMessage(msg).build()).getResponseMessage();
    }

    /** Who answered the next {@code n} calls. */
    private Set<String> answerers(int n) {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < n; i++) {
            ids.add(call("x").split(":")[0]);
        }
        return ids;
    }

    @Test
    void aFailingGrpcHealthCheckEjectsTheEndpointAndAPassingOneBringsItBack() {
        Greeter a = greeters.get(0);
        Await.until("both endpoints serve", WAIT, () -> answerers(4).size() == 2);
        a.health.setStatus(SERVICE, ServingStatus.NOT_SERVING);
        Await.until("a is ejected", WAIT, () -> answerers(4).equals(Set.of("b")));
        int before = a.calls.get();
        assertThat(answerers(10)).containsExactly("b");
        assertThat(a.calls.get()).as("calls that reached the ejected endpoint").isEqualTo(before);
        a.health.setStatus(SERVICE, ServingStatus.SERVING);
        Await.until("a is back", WAIT, () -> answerers(4).contains("a"));
    }

    /** Who answered the next {@code n} calls, or the status code of those that failed. */
    private Set<String> outcomes(int n) {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < n; i++) {
            try {
                ids.add(call("x").split(":")[0]);
            } catch (io.grpc.StatusRuntimeException e) {
                ids.add(e.getStatus().getCode().name());
            }
        }
        return ids;
    }

    @Test
    void grpcFailuresInTheTrailersEjectTheEndpoint() {
        Greeter a = greeters.get(0);
        // HTTP 200 and a reply for every call, then grpc-status 13 in the trailers: an outlier all the same.
        a.failAfterReply = Status.INTERNAL.withDescription("corrupt state");
        Await.until("a is ejected", WAIT, () -> outcomes(4).equals(Set.of("b")));
        int before = a.calls.get();
        assertThat(outcomes(10)).containsExactly("b");
        assertThat(a.calls.get()).as("calls that reached the ejected endpoint").isEqualTo(before);
        assertThat(before).as("ejected after consecutive_5xx failures, not before").isGreaterThanOrEqualTo(3);
    }

    @Test
    void unavailableIsRetriedOnTheOtherEndpoint() {
        Greeter a = greeters.get(0);
        a.failWith = Status.UNAVAILABLE.withDescription("overloaded");
        for (int i = 0; i < 6; i++) {
            assertThat(call("m" + i)).isEqualTo("b:m" + i);
        }
        assertThat(a.calls.get()).as("a was tried (round robin) and its UNAVAILABLE retried").isPositive();
    }

    @Test
    void pythonGrpcioClientAgrees() throws Exception {
        Tools.debianPackages("python3-grpcio");
        Path script = dir.resolve("client.py");
        // A generic unary call with hand-serialised protobuf (SimpleRequest.requestMessage = field 1): no
        // generated code, so grpcio-tools is not needed. No HTTP proxy: the sidecar is on loopback.
        Files.writeString(script, """
                import sys, grpc
                port = sys.argv[1]
                def enc(s):
                    b = s.encode()
                    return b'\\x0a' + bytes([len(b)]) + b
                def dec(b):
                    return b[2:2 + b[1]].decode()
                ch = grpc.insecure_channel('127.0.0.1:' + port, options=[('grpc.enable_http_proxy', 0)])
                call = ch.unary_unary('/grpc.testing.SimpleService/UnaryRpc')
                for i in range(4):
                    print('ok', dec(call(enc('py%d' % i), timeout=20)))
                try:
                    ch.unary_unary('/other.Service/Method')(b'', timeout=20)
                    print('no error')
                except grpc.RpcError as e:
                    print('error', e.code().name, e.details())
                """);
        ProcessBuilder pb = new ProcessBuilder("/usr/bin/python3", script.toString(),
                Integer.toString(sidecar.listenerPort("outbound"))).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.toLowerCase(java.util.Locale.ROOT).endsWith("_proxy"));
        Process p = pb.start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("python finished").isTrue();
        List<String> lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        assertThat(p.exitValue()).as("%s", lines).isZero();
        assertThat(lines).hasSize(5);
        Set<String> who = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            String[] parts = lines.get(i).split(" ");
            assertThat(parts[0]).as(lines.get(i)).isEqualTo("ok");
            assertThat(parts[1]).endsWith(":py" + i);
            who.add(parts[1].split(":")[0]);
        }
        assertThat(who).as("round robin over both grpc-java servers").containsExactlyInAnyOrder("a", "b");
        // The sidecar's own answer, read by grpcio as a status: no route → UNIMPLEMENTED "no route".
        assertThat(lines.get(4)).isEqualTo("error UNIMPLEMENTED no route");
    }
}
