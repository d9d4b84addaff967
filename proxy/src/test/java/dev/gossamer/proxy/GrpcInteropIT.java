package dev.gossamer.proxy;

import static dev.gossamer.proxy.InteropService.EMPTY_CALL;
import static dev.gossamer.proxy.InteropService.FULL_DUPLEX_CALL;
import static dev.gossamer.proxy.InteropService.STREAMING_INPUT_CALL;
import static dev.gossamer.proxy.InteropService.STREAMING_OUTPUT_CALL;
import static dev.gossamer.proxy.InteropService.UNARY_CALL;
import static dev.gossamer.proxy.InteropService.UNIMPLEMENTED_CALL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.DynamicMessage;
import dev.gossamer.balancer.BalancingPolicy;
import dev.gossamer.balancer.MaglevOptions;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * grpc's interop test cases ({@code doc/interop-test-descriptions.md}) with grpc-java as client and server through a
 * real {@link DataPlane} on loopback ({@code protocol: http2} cluster), plus what a mesh adds: an endpoint killed
 * mid-stream, a retry on {@code unavailable}, the deadline propagated, proxy-made errors as gRPC statuses, hashing
 * on metadata, metrics by {@code grpc-status}. The cases follow the descriptions' sizes and assertions; the service
 * is {@link InteropService} (grpc-java's {@code grpc-interop-testing} is not on Maven Central).
 */
class GrpcInteropIT extends ProxyTestBase {

    private static final Duration CALL = Duration.ofSeconds(20); // every call's deadline: generous, never timed
    private final List<InteropService.Backend> servers = new ArrayList<>();
    private final List<ManagedChannel> channels = new ArrayList<>();

    @AfterEach
    void closeGrpc() throws InterruptedException {
        for (ManagedChannel c : channels) {
            c.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
        for (InteropService.Backend s : servers) {
            s.close();
        }
    }

    private InteropService.Backend server(String id) throws Exception {
        InteropService.Backend b = new InteropService.Backend(id);
        servers.add(b);
        return b;
    }

    /** A plane with route "grpc" (no route timeout, as streaming routes need) to an http2 cluster of {@code eps}. */
    private DataPlane grpcPlane(RetrySpec retries, InteropService.Backend... eps) {
        ClusterSpec c = cluster("c", java.util.Arrays.stream(eps).map(InteropService.Backend::endpoint)
                .toArray(dev.gossamer.balancer.Endpoint[]::new)).withProtocol(Protocol.HTTP2);
        return startPlane(List.of(route("grpc", RouteMatch.ANY, "c").withTimeout(Duration.ZERO)
                .withRetries(retries)), List.of(c));
    }

    private ManagedChannel channel(DataPlane p) {
        // No client-side retries: what is retried here, the proxy retried.
        ManagedChannel ch = NettyChannelBuilder.forAddress(HOST, p.boundPort("in")).usePlaintext().disableRetry()
                .build();
        channels.add(ch);
        return ch;
    }

    private static CallOptions opts() {
        return CallOptions.DEFAULT.withDeadlineAfter(CALL.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static DynamicMessage unary(ManagedChannel ch, DynamicMessage req) {
        return ClientCalls.blockingUnaryCall(ch, UNARY_CALL, opts(), req);
    }

    private static Status statusOf(Runnable call) {
        try {
            call.run();
        } catch (StatusRuntimeException e) {
            return e.getStatus();
        }
        throw new AssertionError("the call succeeded");
    }

    /** The exchange counts a call as it ends, which the client may see first: wait for the count. */
    private void assertGrpcCount(String status, int n) {
        eventually("gossamer.grpc.requests{grpc_status=" + status + "} = " + n, () -> {
            Counter c = registry.find("gossamer.grpc.requests").tags("route", "grpc", "grpc_status", status)
                    .counter();
            return c != null && c.count() == n;
        });
        assertThat(registry.find("gossamer.grpc.requests").counters()).as("only %s counted", status)
                .allMatch(c -> c.getId().getTag("grpc_status").equals(status));
    }

    /** Collects a response stream. */
    static final class Recorder implements StreamObserver<DynamicMessage> {
        final List<DynamicMessage> values = new CopyOnWriteArrayList<>();
        final CompletableFuture<Status> done = new CompletableFuture<>();
        final CompletableFuture<DynamicMessage> first = new CompletableFuture<>();

        @Override
        public void onNext(DynamicMessage v) {
            values.add(v);
            first.complete(v);
        }

        @Override
        public void onError(Throwable t) {
            done.complete(Status.fromThrowable(t));
        }

        @Override
        public void onCompleted() {
            done.complete(Status.OK);
        }

        Status status() throws Exception {
            return done.get(CALL.toSeconds(), TimeUnit.SECONDS);
        }

        List<Integer> sizes() {
            return values.stream().map(InteropService::payloadSize).toList();
        }
    }

    // ---- the interop cases ----

    @Test
    void emptyUnary() throws Exception {
        InteropService.Backend a = server("a");
        ManagedChannel ch = channel(grpcPlane(RetrySpec.NONE, a));
        assertThat(ClientCalls.blockingUnaryCall(ch, EMPTY_CALL, opts(), InteropService.empty()))
                .isEqualTo(InteropService.empty());
        assertThat(a.calls.get()).isEqualTo(1);
    }

    @Test
    void largeUnary() throws Exception {
        InteropService.Backend a = server("a");
        ManagedChannel ch = channel(grpcPlane(RetrySpec.NONE, a));
        DynamicMessage r = unary(ch, InteropService.simpleRequest(314159, 271828));
        assertThat(InteropService.payloadSize(r)).isEqualTo(314159);
        assertThat(InteropService.serverId(r)).isEqualTo("a");
        // Counted by grpc-status, beside the HTTP status class.
        assertGrpcCount("OK", 1);
    }

    @Test
    void clientStreaming() throws Exception {
        InteropService.Backend a = server("a");
        ManagedChannel ch = channel(grpcPlane(RetrySpec.NONE, a));
        Recorder rec = new Recorder();
        StreamObserver<DynamicMessage> up = ClientCalls.asyncClientStreamingCall(ch.newCall(STREAMING_INPUT_CALL,
                opts()), rec);
        for (int size : new int[] {27182, 8, 1828, 45904}) {
            up.onNext(InteropService.inputRequest(size));
        }
        up.onCompleted();
        assertThat(rec.status().isOk()).as("%s", rec.done).isTrue();
        assertThat(InteropService.aggregatedSize(rec.values.get(0))).isEqualTo(74922);
    }

    @Test
    void serverStreaming() throws Exception {
        InteropService.Backend a = server("a");
        ManagedChannel ch = channel(grpcPlane(RetrySpec.NONE, a));
        Iterator<DynamicMessage> it = ClientCalls.blockingServerStreamingCall(ch, STREAMING_OUTPUT_CALL, opts(),
                InteropService.outputRequest(0, 0, 31415, 9, 2653, 58979));
        List<Integer> sizes = new ArrayList<>();
        it.forEachRemaining(m -> sizes.add(InteropService.payloadSize(m)));
        assertThat(sizes).containsExactly(31415, 9, 2653, 58979);
    }

    @Test
    void pingPong() throws Exception {
        InteropService.Backend a = server("a");
        ManagedChannel ch = channel(grpcPlane(RetrySpec.NONE, a));
        int[] requests = {27182, 8, 1828, 45904};
        int[] responses = {31415, 9, 2653, 58979};
        java.util.concurrent.BlockingQueue<Object> got = new java.util.concurrent.LinkedBlockingQueue<>();
        StreamObserver<DynamicMessage> up = ClientCalls.asyncBidiStreamingCall(ch.newCall(FULL_DUPLEX_CALL, opts()),
                new StreamObserver<>() {
                    @Override
                    public void onNext(DynamicMessage v) {
                        got.add(v);
                    }

                    @Override
                    public void onError(Throwable t) {
                        got.add(Status.fromThrowable(t));
                    }

                    @Override
                    public void onCompleted() {
                        got.add(Status.OK);
                    }
                });
        for (int i = 0; i < requests.length; i++) {
            // One request, then its response, before the next: the stream stays open between them.
            up.onNext(InteropService.outputRequest(requests[i], 0, responses[i]));
            Object r = got.poll(CALL.toSeconds(), TimeUnit.SECONDS);
            assertThat(r).as("response %d", i).isInstanceOf(DynamicMessage.class);
            assertThat(InteropService.payloadSize((DynamicMessage) r)).isEqualTo(responses[i]);
        }
        up.onCompleted();
        assertThat(got.poll(CALL.toSeconds(), TimeUnit.SECONDS)).isEqualTo(Status.OK);
    }

    @Test
    void emptyStream() throws Exception {
        InteropService.Backend a = server("a");
        ManagedChannel ch = channel(grpcPlane(RetrySpec.NONE, a));
        Recorder rec = new Recorder();
        StreamObserver<DynamicMessage> up = ClientCalls.asyncBidiStreamingCall(ch.newCall(FULL_DUPLEX_CALL, opts()),
                rec);
        up.onCompleted();
        assertThat(rec.status().isOk()).isTrue();
        assertThat(rec.values).isEmpty();
    }

    @Test
    void customMetadata() throws Exception {
        InteropService.Backend a = server("a");
        ManagedChannel ch = channel(grpcPlane(RetrySpec.NONE, a));
        byte[] trailing = {(byte) 0xab, (byte) 0xab, (byte) 0xab};
        Metadata md = new Metadata();
        md.put(InteropService.ECHO_INITIAL, "test_initial_metadata_value");
        md.put(InteropService.ECHO_TRAILING, trailing);

        // Unary.
        java.util.concurrent.atomic.AtomicReference<Metadata> headers = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicReference<Metadata> trailers = new java.util.concurrent.atomic.AtomicReference<>();
        io.grpc.Channel withMd = ClientInterceptors.intercept(ch, MetadataUtils.newAttachHeadersInterceptor(md),
                MetadataUtils.newCaptureMetadataInterceptor(headers, trailers));
        DynamicMessage r = ClientCalls.blockingUnaryCall(withMd, UNARY_CALL, opts(),
                InteropService.simpleRequest(314159, 271828));
        assertThat(InteropService.payloadSize(r)).isEqualTo(314159);
        assertThat(headers.get().get(InteropService.ECHO_INITIAL)).isEqualTo("test_initial_metadata_value");
        assertThat(trailers.get().get(InteropService.ECHO_TRAILING)).isEqualTo(trailing);

        // Full duplex.
        headers.set(null);
        trailers.set(null);
        Recorder rec = new Recorder();
        StreamObserver<DynamicMessage> up = ClientCalls.asyncBidiStreamingCall(
                withMd.newCall(FULL_DUPLEX_CALL, opts()), rec);
        up.onNext(InteropService.outputRequest(271828, 0, 314159));
        up.onCompleted();
        assertThat(rec.status().isOk()).isTrue();
        assertThat(rec.sizes()).containsExactly(314159);
        assertThat(headers.get().get(InteropService.ECHO_INITIAL)).isEqualTo("test_initial_metadata_value");
        assertThat(trailers.get().get(InteropService.ECHO_TRAILING)).isEqualTo(trailing);
    }

    @Test
    void statusCodeAndMessage() throws Exception {
        InteropService.Backend a = server("a");
        ManagedChannel ch = channel(grpcPlane(RetrySpec.NONE, a));
        Status s = statusOf(() -> unary(ch, InteropService.simpleRequestFailing(2, "test status message")));
        assertThat(s.getCode()).isEqualTo(Status.Code.UNKNOWN);
        assertThat(s.getDescription()).isEqualTo("test status message");

        Recorder rec = new Recorder();
        StreamObserver<DynamicMessage> up = ClientCalls.asyncBidiStreamingCall(ch.newCall(FULL_DUPLEX_CALL, opts()),
                rec);
        up.onNext(InteropService.outputRequestFailing(2, "test status message"));
        up.onCompleted();
        assertThat(rec.status().getCode()).isEqualTo(Status.Code.UNKNOWN);
        assertThat(rec.status().getDescription()).isEqualTo("test status message");
        assertGrpcCount("UNKNOWN", 2);
    }

    @Test
    void specialStatusMessage() throws Exception {
        InteropService.Backend a = server("a");
        ManagedChannel ch = channel(grpcPlane(RetrySpec.NONE, a));
        String msg = "\t\ntest with whitespace\r\nand Unicode BMP \u263A and non-BMP \uD83D\uDE08\t\n";
        Status s = statusOf(() -> unary(ch, InteropService.simpleRequestFailing(2, msg)));
        assertThat(s.getCode()).isEqualTo(Status.Code.UNKNOWN);
        assertThat(s.getDescription()).isEqualTo(msg);
    }

    @Test
    void unimplementedMethod() throws Exception {
        InteropService.Backend a = server("a");
        ManagedChannel ch = channel(grpcPlane(RetrySpec.NONE, a));
        Status s = statusOf(() -> ClientCalls.blockingUnaryCall(ch, UNIMPLEMENTED_CALL, opts(),
                InteropService.empty()));
        assertThat(s.getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
        // grpc-java's server answers an unknown method itself, before any service (or its interceptor) sees it.
        assertThat(a.calls.get()).isZero();
    }

    @Test
    void timeoutOnSleepingServer() throws Exception {
        InteropService.Backend a = server("a");
        ManagedChannel ch = channel(grpcPlane(RetrySpec.NONE, a));
        Recorder rec = new Recorder();
        StreamObserver<DynamicMessage> up = ClientCalls.asyncBidiStreamingCall(ch.newCall(FULL_DUPLEX_CALL,
                CallOptions.DEFAULT.withDeadlineAfter(1, TimeUnit.MILLISECONDS)), rec);
        try {
            up.onNext(InteropService.outputRequest(27182, 0, 31415));
        } catch (RuntimeException alreadyCancelled) {
            // The descriptions allow the deadline to pass before the first message is sent.
        }
        assertThat(rec.status().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
    }

    @Test
    void cancelAfterBegin() throws Exception {
        InteropService.Backend a = server("a");
        ManagedChannel ch = channel(grpcPlane(RetrySpec.NONE, a));
        Recorder rec = new Recorder();
        ClientCall<DynamicMessage, DynamicMessage> call = ch.newCall(STREAMING_INPUT_CALL, opts());
        ClientCalls.asyncClientStreamingCall(call, rec);
        call.cancel("cancel_after_begin", null);
        assertThat(rec.status().getCode()).isEqualTo(Status.Code.CANCELLED);
    }

    @Test
    void cancelAfterFirstResponse() throws Exception {
        InteropService.Backend a = server("a");
        DataPlane p = grpcPlane(RetrySpec.NONE, a);
        ManagedChannel ch = channel(p);
        Recorder rec = new Recorder();
        ClientCall<DynamicMessage, DynamicMessage> call = ch.newCall(FULL_DUPLEX_CALL, opts());
        StreamObserver<DynamicMessage> up = ClientCalls.asyncBidiStreamingCall(call, rec);
        up.onNext(InteropService.outputRequest(27182, 0, 31415));
        assertThat(InteropService.payloadSize(rec.first.get(CALL.toSeconds(), TimeUnit.SECONDS))).isEqualTo(31415);
        call.cancel("cancel_after_first_response", null);
        assertThat(rec.status().getCode()).isEqualTo(Status.Code.CANCELLED);
        // The proxy heard the cancellation (RST_STREAM) and let the stream go.
        eventually("the exchange ended", () -> p.activeRequests() == 0);
    }

    // ---- what the mesh adds ----

    @Test
    void endpointKilledMidStreamGivesUnavailableAndTheNextCallGoesElsewhere() throws Exception {
        InteropService.Backend a = server("a");
        InteropService.Backend b = server("b");
        DataPlane p = grpcPlane(RetrySpec.DEFAULT, a, b);
        ManagedChannel ch = channel(p);
        // A stream whose first response comes at once and whose second would come a minute later.
        Recorder live = new Recorder();
        ClientCalls.asyncServerStreamingCall(ch.newCall(STREAMING_OUTPUT_CALL, opts()),
                InteropService.outputRequest(new int[] {10, 10}, new int[] {0, 60_000_000}), live);
        live.first.get(CALL.toSeconds(), TimeUnit.SECONDS);
        InteropService.Backend serving = a.calls.get() == 1 ? a : b;
        InteropService.Backend other = serving == a ? b : a;
        assertThat(serving.calls.get()).isEqualTo(1);
        serving.server.shutdownNow();
        Status s = live.status();
        assertThat(s.getCode()).as("%s", s).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(s.getDescription()).isEqualTo("upstream reset");

        for (int i = 0; i < 3; i++) {
            DynamicMessage r = unary(ch, InteropService.simpleRequest(1, 1));
            assertThat(InteropService.serverId(r)).isEqualTo(other.id);
        }
        eventually("the exchanges ended", () -> p.activeRequests() == 0);
    }

    @Test
    void aSilentStreamEndsWithDeadlineExceededAtTheRoutesIdleTimeout() throws Exception {
        InteropService.Backend a = server("a");
        ClusterSpec c = cluster("c", a.endpoint()).withProtocol(Protocol.HTTP2);
        DataPlane p = startPlane(List.of(route("grpc", RouteMatch.ANY, "c").withTimeout(Duration.ZERO)
                .withRetries(RetrySpec.NONE).withIdleTimeout(Duration.ofMillis(500))), List.of(c));
        Recorder live = new Recorder();
        // The first response at once, the second a minute later: silent far beyond the idle timeout.
        ClientCalls.asyncServerStreamingCall(channel(p).newCall(STREAMING_OUTPUT_CALL, opts()),
                InteropService.outputRequest(new int[] {10, 10}, new int[] {0, 60_000_000}), live);
        Status s = live.status();
        assertThat(s.getCode()).as("%s", s).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
        assertThat(s.getDescription()).isEqualTo("stream idle timeout");
        assertThat(live.sizes()).containsExactly(10);
        assertThat(p.cluster("c").bodyTimeouts.count()).isEqualTo(1.0);
    }

    @Test
    void retriesUnavailableOnAnotherEndpoint() throws Exception {
        InteropService.Backend a = server("a");
        InteropService.Backend b = server("b");
        a.failWith = Status.UNAVAILABLE.withDescription("a is overloaded");
        b.failWith = Status.UNAVAILABLE.withDescription("b is overloaded");
        DataPlane p = grpcPlane(RetrySpec.of(2, RetryOn.GRPC_UNAVAILABLE), a, b);
        ManagedChannel ch = channel(p);
        // Both failing: two tries, one on each, and the client gets the last endpoint's own status.
        Status s = statusOf(() -> unary(ch, InteropService.simpleRequest(1, 1)));
        assertThat(s.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(a.calls.get()).isEqualTo(1);
        assertThat(b.calls.get()).isEqualTo(1);

        b.failWith = null;
        for (int i = 0; i < 4; i++) {
            DynamicMessage r = unary(ch, InteropService.simpleRequest(1, 1));
            assertThat(InteropService.serverId(r)).isEqualTo("b");
        }
        assertThat(a.calls.get()).as("a was tried, failed, and the call retried on b").isGreaterThan(1);
        assertThat(p.cluster("c").retries.count()).isGreaterThanOrEqualTo(a.calls.get());
    }

    @Test
    void unavailableIsNotRetriedWithoutRetryOn() throws Exception {
        InteropService.Backend a = server("a");
        InteropService.Backend b = server("b");
        a.failWith = Status.UNAVAILABLE;
        b.failWith = Status.UNAVAILABLE;
        ManagedChannel ch = channel(grpcPlane(RetrySpec.of(2, RetryOn.GATEWAY_ERROR, RetryOn.RESET), a, b));
        assertThat(statusOf(() -> unary(ch, InteropService.simpleRequest(1, 1))).getCode())
                .isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(a.calls.get() + b.calls.get()).isEqualTo(1);
    }

    @Test
    void deadlineIsPropagatedDecremented() throws Exception {
        InteropService.Backend a = server("a");
        ManagedChannel ch = channel(grpcPlane(RetrySpec.NONE, a));
        ClientCalls.blockingUnaryCall(ch, UNARY_CALL, CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS),
                InteropService.simpleRequest(1, 1));
        assertThat(a.deadlines).hasSize(1);
        assertThat(a.deadlines.get(0)).isPositive().isLessThanOrEqualTo(TimeUnit.SECONDS.toNanos(30));
        // The proxy re-wrote grpc-timeout from its own deadline: what was left of the 30 s when it forwarded.
        long sent = Grpc.parseTimeoutNanos(a.metadata.get(0).get(Metadata.Key.of("grpc-timeout",
                Metadata.ASCII_STRING_MARSHALLER)));
        assertThat(sent).isPositive().isLessThan(TimeUnit.SECONDS.toNanos(30));
    }

    @Test
    void routeTimeoutCapsTheDeadlineSentUpstream() throws Exception {
        InteropService.Backend a = server("a");
        ClusterSpec c = cluster("c", a.endpoint()).withProtocol(Protocol.HTTP2);
        DataPlane p = startPlane(List.of(route("grpc", RouteMatch.ANY, "c").withTimeout(Duration.ofSeconds(5))
                .withRetries(RetrySpec.NONE)), List.of(c));
        ManagedChannel ch = channel(p);
        ClientCalls.blockingUnaryCall(ch, UNARY_CALL, CallOptions.DEFAULT.withDeadlineAfter(60, TimeUnit.SECONDS),
                InteropService.simpleRequest(1, 1));
        assertThat(a.deadlines.get(0)).isPositive().isLessThanOrEqualTo(TimeUnit.SECONDS.toNanos(5));
    }

    @Test
    void aDeadlineAlreadyPastIsNotNoDeadline() {
        // grpc-timeout: 0m on a route without a timeout must still time out, not wait forever.
        Backend silent = backend("silent", new io.vertx.core.http.HttpServerOptions());
        silent.behaviour = req -> { };
        ClusterSpec c = cluster("c", silent.endpoint()).withProtocol(Protocol.HTTP2);
        DataPlane p = startPlane(List.of(route("grpc", RouteMatch.ANY, "c").withTimeout(Duration.ZERO)
                .withRetries(RetrySpec.NONE).withIdleTimeout(Duration.ZERO)), List.of(c));
        HttpClientAgent h2 = client(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
                .setHttp2ClearTextUpgrade(false));
        Resp r = await(h2.request(new RequestOptions().setHost(HOST).setPort(p.boundPort("in"))
                .setMethod(HttpMethod.POST).setURI("/grpc.testing.TestService/EmptyCall")
                .addHeader("content-type", "application/grpc").addHeader("grpc-timeout", "0m"))
                .compose(req -> req.send(io.vertx.core.buffer.Buffer.buffer(new byte[5]))
                        .compose(resp -> resp.body().map(b -> new Resp(resp.statusCode(), resp.headers(),
                                b.toString(), resp.version())))));
        assertThat(r.headers().get("grpc-status")).isEqualTo("4");
    }

    @Test
    void proxyDeadlineAnswersDeadlineExceededTrailersOnly() {
        // An endpoint that never answers; a raw HTTP/2 client whose grpc-timeout (200 ms) the proxy must enforce.
        Backend silent = backend("silent", new io.vertx.core.http.HttpServerOptions());
        silent.behaviour = req -> { };
        ClusterSpec c = cluster("c", silent.endpoint()).withProtocol(Protocol.HTTP2);
        DataPlane p = startPlane(List.of(route("grpc", RouteMatch.ANY, "c").withTimeout(Duration.ZERO)
                .withRetries(RetrySpec.NONE)), List.of(c));
        HttpClientAgent h2 = client(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
                .setHttp2ClearTextUpgrade(false));
        Resp r = await(h2.request(new RequestOptions().setHost(HOST).setPort(p.boundPort("in"))
                .setMethod(HttpMethod.POST).setURI("/grpc.testing.TestService/EmptyCall")
                .addHeader("content-type", "application/grpc").addHeader("te", "trailers")
                .addHeader("grpc-timeout", "200m"))
                .compose(req -> req.send(io.vertx.core.buffer.Buffer.buffer(new byte[5]))
                        .compose(resp -> resp.body().map(b -> new Resp(resp.statusCode(), resp.headers(),
                                b.toString(), resp.version())))));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.headers().get("grpc-status")).isEqualTo("4");
        assertThat(r.headers().get("grpc-message")).isEqualTo("upstream timeout");
        assertThat(r.headers().get(Exchange.REASON)).isEqualTo("upstream timeout");
        assertThat(r.body()).isEmpty();
        eventually("the endpoint got the decremented deadline", () -> !silent.headers.isEmpty());
        long sent = Grpc.parseTimeoutNanos(silent.headers.get(0).get("grpc-timeout"));
        assertThat(sent).isPositive().isLessThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(200));
    }

    @Test
    void noHealthyEndpointIsUnavailableForAGrpcClient() throws Exception {
        ClusterSpec c = ClusterSpec.of("c", List.of(), new TestRoundRobin()).withProtocol(Protocol.HTTP2);
        DataPlane p = startPlane(List.of(route("grpc", RouteMatch.ANY, "c")), List.of(c));
        ManagedChannel ch = channel(p);
        Status s = statusOf(() -> unary(ch, InteropService.simpleRequest(1, 1)));
        assertThat(s.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(s.getDescription()).isEqualTo("no healthy endpoint");
        assertGrpcCount("UNAVAILABLE", 1);
    }

    @Test
    void noRouteIsUnimplementedForAGrpcClient() throws Exception {
        InteropService.Backend a = server("a");
        ClusterSpec c = cluster("c", a.endpoint()).withProtocol(Protocol.HTTP2);
        DataPlane p = startPlane(List.of(route("other", RouteMatch.prefix("/other.Service/"), "c")),
                List.of(c));
        Status s = statusOf(() -> unary(channel(p), InteropService.simpleRequest(1, 1)));
        assertThat(s.getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
        assertThat(s.getDescription()).isEqualTo("no route");
    }

    @Test
    void hashingOnMetadataKeepsAKeyOnOneEndpoint() throws Exception {
        InteropService.Backend a = server("a");
        InteropService.Backend b = server("b");
        InteropService.Backend c3 = server("c");
        ClusterSpec c = ClusterSpec.of("c", List.of(a.endpoint(), b.endpoint(), c3.endpoint()),
                BalancingPolicy.maglev(MaglevOptions.defaults())).withProtocol(Protocol.HTTP2)
                .withHashOn(HashOn.header("x-user"));
        DataPlane p = startPlane(List.of(route("grpc", RouteMatch.ANY, "c")), List.of(c));
        ManagedChannel ch = channel(p);
        java.util.Set<String> servedUsers = new java.util.HashSet<>();
        for (String user : List.of("alice", "bob", "carol", "dave", "erin", "frank")) {
            Metadata md = new Metadata();
            md.put(Metadata.Key.of("x-user", Metadata.ASCII_STRING_MARSHALLER), user);
            io.grpc.Channel withMd = ClientInterceptors.intercept(ch, MetadataUtils.newAttachHeadersInterceptor(md));
            java.util.Set<String> ids = new java.util.HashSet<>();
            for (int i = 0; i < 5; i++) {
                ids.add(InteropService.serverId(ClientCalls.blockingUnaryCall(withMd, UNARY_CALL, opts(),
                        InteropService.simpleRequest(1, 1))));
            }
            assertThat(ids).as("endpoints that served %s", user).hasSize(1);
            servedUsers.addAll(ids);
        }
        assertThat(servedUsers).as("six keys spread over more than one endpoint").hasSizeGreaterThan(1);
    }

    @Test
    void failedCallsReachOutlierDetectionByGrpcStatus() throws Exception {
        InteropService.Backend a = server("a");
        List<TryOutcome> outcomes = new CopyOnWriteArrayList<>();
        DataPlane p = grpcPlane(RetrySpec.NONE, a);
        p.addOutcomeListener((cl, ep, o, lat) -> outcomes.add(o));
        ManagedChannel ch = channel(p);
        unary(ch, InteropService.simpleRequest(1, 1));
        statusOf(() -> unary(ch, InteropService.simpleRequestFailing(14, "down"))); // trailers-only
        Recorder rec = new Recorder();
        StreamObserver<DynamicMessage> up = ClientCalls.asyncBidiStreamingCall(ch.newCall(FULL_DUPLEX_CALL, opts()),
                rec);
        up.onNext(InteropService.outputRequest(0, 0, 5));
        up.onNext(InteropService.outputRequestFailing(13, "broken")); // after a message: status in the trailers
        assertThat(rec.status().getCode()).isEqualTo(Status.Code.INTERNAL);
        eventually("three outcomes", () -> outcomes.size() == 3);
        assertThat(outcomes).containsExactly(TryOutcome.ofGrpc(0), TryOutcome.ofGrpc(14), TryOutcome.ofGrpc(13));
        assertThat(outcomes.get(1).kind()).isEqualTo(TryOutcome.Kind.HTTP_5XX);
        assertThat(outcomes.get(1).status()).isEqualTo(503);
    }
}
