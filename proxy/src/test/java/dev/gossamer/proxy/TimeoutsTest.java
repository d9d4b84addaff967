package dev.gossamer.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gossamer.balancer.Endpoint;
import dev.gossamer.common.FakeScheduler;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Per-try and route timeouts, and the retry they lead to, with a fake {@link Upstream} (no endpoint sockets) on a
 * fake clock: the test decides when time passes, so every deadline is exact and nothing waits for real time.
 */
class TimeoutsTest extends ProxyTestBase {

    private static final Endpoint A = new Endpoint("a:1", "a", 1, 1, "", Map.of());
    private static final Endpoint B = new Endpoint("b:1", "b", 1, 1, "", Map.of());

    private final FakeScheduler clock = new FakeScheduler();
    private final FakeUpstream upstream = new FakeUpstream();

    /**
     * An upstream whose endpoints answer 200 only when listed in {@code answering}; those in {@code trickling} send a
     * response head and one byte and then nothing more (the test can end them); the rest hang.
     */
    static final class FakeUpstream implements Upstream {
        final Set<String> answering = ConcurrentHashMap.newKeySet();
        final Set<String> trickling = ConcurrentHashMap.newKeySet();
        final List<Runnable> enders = new CopyOnWriteArrayList<>();
        // One more byte "z" of a trickling response; the future completes once the proxy has handled it.
        final List<java.util.function.Supplier<java.util.concurrent.CompletableFuture<Void>>> dribblers =
                new CopyOnWriteArrayList<>();
        final List<String> opened = new CopyOnWriteArrayList<>();
        final List<String> reset = new CopyOnWriteArrayList<>();

        @Override
        public void open(Context ctx, SocketAddress server, HttpMethod method, String uri, Listener l) {
            String host = server.host();
            opened.add(host);
            Context loop = ctx;
            l.onOpen(new NoCall() {
                @Override
                public void end(MultiMap trailers) {
                    if (answering.contains(host)) {
                        l.onResponse(200, "OK", MultiMap.caseInsensitiveMultiMap().add("content-length", "2"), false);
                        l.onData(Buffer.buffer(host + "!"));
                        l.onEnd(null);
                    } else if (trickling.contains(host)) {
                        l.onResponse(200, "OK", MultiMap.caseInsensitiveMultiMap(), false);
                        l.onData(Buffer.buffer("x"));
                        enders.add(() -> loop.runOnContext(v -> {
                            l.onData(Buffer.buffer("y"));
                            l.onEnd(null);
                        }));
                        dribblers.add(() -> {
                            java.util.concurrent.CompletableFuture<Void> handled =
                                    new java.util.concurrent.CompletableFuture<>();
                            loop.runOnContext(v -> {
                                l.onData(Buffer.buffer("z"));
                                handled.complete(null);
                            });
                            return handled;
                        });
                    }
                }

                @Override
                public void reset() {
                    reset.add(host);
                }
            });
        }

        @Override
        public Future<Void> shutdown(Duration grace) {
            return Future.succeededFuture();
        }

        @Override
        public Future<Void> close() {
            return Future.succeededFuture();
        }
    }

    private final List<TryOutcome> outcomes = new CopyOnWriteArrayList<>();

    private DataPlane plane(RouteSpec route) {
        DataPlane p = plane(options(), clock);
        p.addOutcomeListener((c, ep, o, n) -> outcomes.add(o));
        p.upstreams(spec -> upstream);
        p.apply(List.of(route), List.of(cluster("c", A, B)));
        await(p.start(List.of(new ListenerSpec("in", HOST, 0))));
        return p;
    }

    private Future<Resp> send(DataPlane p) {
        HttpClientAgent c = client();
        return send(c, p.boundPort("in"), HttpMethod.GET, "/", Map.of(), null);
    }

    @Test
    void aTryThatHangsPastItsPerTryTimeoutIsRetriedOnAnotherEndpoint() {
        upstream.answering.add("b");
        DataPlane p = plane(route("r", RouteMatch.ANY, "c").withTimeout(Duration.ofSeconds(10))
                .withRetries(RetrySpec.of(2, RetryOn.GATEWAY_ERROR).withPerTryTimeout(Duration.ofSeconds(1))));
        Future<Resp> answer = send(p);
        eventually("the first try opened", () -> upstream.opened.size() == 1);
        clock.advance(Duration.ofMillis(999));
        assertThat(upstream.opened).containsExactly("a");
        clock.advance(Duration.ofMillis(1));
        Resp r = await(answer);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("b!");
        assertThat(upstream.opened).containsExactly("a", "b");
        assertThat(upstream.reset).containsExactly("a");
        assertThat(registry.get("gossamer.upstream.timeouts").counter().count()).isEqualTo(1.0);
    }

    @Test
    void theRouteTimeoutBoundsEveryTryTogether() {
        DataPlane p = plane(route("r", RouteMatch.ANY, "c").withTimeout(Duration.ofSeconds(3))
                .withRetries(RetrySpec.of(3, RetryOn.GATEWAY_ERROR).withPerTryTimeout(Duration.ofSeconds(2))));
        Future<Resp> answer = send(p);
        eventually("the first try opened", () -> upstream.opened.size() == 1);
        clock.advance(Duration.ofSeconds(2)); // per-try timeout: retried on b
        eventually("the retry opened", () -> upstream.opened.size() == 2);
        clock.advance(Duration.ofSeconds(1)); // the route's 3 s are up, one second into the second try
        Resp r = await(answer);
        assertThat(r.status()).isEqualTo(504);
        assertThat(r.headers().get(Exchange.REASON)).isEqualTo("upstream timeout");
        assertThat(upstream.opened).containsExactly("a", "b");
        assertThat(upstream.reset).containsExactly("a", "b");
    }

    @Test
    void perTryTimeoutsUseUpTheAttemptsThenAnswer504() {
        DataPlane p = plane(route("r", RouteMatch.ANY, "c").withTimeout(Duration.ZERO)
                .withRetries(RetrySpec.of(2, RetryOn.SERVER_ERROR_5XX).withPerTryTimeout(Duration.ofSeconds(1))));
        Future<Resp> answer = send(p);
        eventually("the first try opened", () -> upstream.opened.size() == 1);
        clock.advance(Duration.ofSeconds(1));
        eventually("the retry opened", () -> upstream.opened.size() == 2);
        clock.advance(Duration.ofSeconds(1));
        Resp r = await(answer);
        assertThat(r.status()).isEqualTo(504);
        assertThat(upstream.opened).containsExactly("a", "b");
        // The exchange finishes (and cancels its idle timer) just after writing the answer the client already has.
        eventually("no timer left behind", () -> clock.pending() == 0);
    }

    @Test
    void withoutATimeoutNothingIsScheduled() {
        upstream.answering.add("a");
        DataPlane p = plane(route("r", RouteMatch.ANY, "c").withTimeout(Duration.ZERO).withRetries(RetrySpec.NONE)
                .withIdleTimeout(Duration.ZERO));
        assertThat(await(send(p)).status()).isEqualTo(200);
        assertThat(clock.pending()).isZero();
    }

    private double count(String counter) {
        return registry.get(counter).tag("cluster", "c").counter().count();
    }

    @Test
    void theRouteTimeoutBoundsTheResponseBodyAndResetsTheClient() {
        upstream.trickling.add("a");
        DataPlane p = plane(route("r", RouteMatch.ANY, "c").withTimeout(Duration.ofSeconds(20))
                .withRetries(RetrySpec.NONE));
        HttpClientAgent c = client();
        List<String> received = new CopyOnWriteArrayList<>();
        Future<Integer> answer = streamed(c, new io.vertx.core.http.RequestOptions().setHost(HOST)
                .setPort(p.boundPort("in")).setURI("/"), resp -> {
                    resp.handler(b -> received.add(b.toString()));
                    return resp.end().map(v -> resp.statusCode());
                });
        eventually("the head and the first byte arrived", () -> received.contains("x"));
        clock.advance(Duration.ofMillis(19_999));
        assertThat(answer.isComplete()).as("still streaming before the route timeout").isFalse();
        clock.advance(Duration.ofMillis(1));
        awaitFailure(answer); // the head was out: the client sees its connection reset, not a 504
        eventually("the exchange ended", () -> p.activeRequests() == 0);
        assertThat(upstream.reset).containsExactly("a");
        assertThat(count("gossamer.response.timeouts")).isEqualTo(1.0);
        assertThat(count("gossamer.upstream.timeouts")).as("the endpoint answered in time").isZero();
        assertThat(outcomes).containsExactly(TryOutcome.ofStatus(200));
        assertThat(clock.pending()).as("no timer left behind").isZero();
    }

    @Test
    void overHttp2TheRouteTimeoutMidBodyResetsTheStreamOnly() {
        upstream.trickling.add("a");
        upstream.answering.add("b");
        DataPlane p = plane(route("r", RouteMatch.ANY, "c").withTimeout(Duration.ofSeconds(20))
                .withRetries(RetrySpec.NONE));
        HttpClientAgent h2 = client(new io.vertx.core.http.HttpClientOptions()
                .setProtocolVersion(io.vertx.core.http.HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false));
        io.vertx.core.http.RequestOptions ro = new io.vertx.core.http.RequestOptions().setHost(HOST)
                .setPort(p.boundPort("in")).setURI("/");
        List<String> received = new CopyOnWriteArrayList<>();
        Future<Integer> answer = streamed(h2, ro, resp -> {
            resp.handler(b -> received.add(b.toString()));
            return resp.end().map(v -> resp.statusCode());
        });
        eventually("the head and the first byte arrived", () -> received.contains("x"));
        clock.advance(Duration.ofSeconds(20));
        assertThat(awaitFailure(answer)).isInstanceOf(io.vertx.core.http.StreamResetException.class);
        // The same HTTP/2 connection carries the next request (round robin: to b, which answers).
        assertThat(await(h2.request(ro).compose(req -> req.send().compose(r -> r.body()))).toString())
                .isEqualTo("b!");
        assertThat(count("gossamer.response.timeouts")).isEqualTo(1.0);
    }

    @Test
    void aZeroRouteTimeoutLetsAResponseStreamAsLongAsItLasts() {
        upstream.trickling.add("a");
        DataPlane p = plane(route("r", RouteMatch.ANY, "c").withTimeout(Duration.ZERO).withRetries(RetrySpec.NONE)
                .withIdleTimeout(Duration.ZERO));
        Future<Resp> answer = send(p);
        eventually("the response started", () -> upstream.enders.size() == 1);
        clock.advance(Duration.ofHours(1));
        assertThat(clock.pending()).isZero();
        upstream.enders.get(0).run();
        Resp r = await(answer);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("xy");
        assertThat(count("gossamer.response.timeouts")).isZero();
    }

    @Test
    void theIdleTimeoutLetsAStreamThatMovesOutliveIt() throws Exception {
        upstream.trickling.add("a");
        DataPlane p = plane(route("r", RouteMatch.ANY, "c").withTimeout(Duration.ZERO).withRetries(RetrySpec.NONE)
                .withIdleTimeout(Duration.ofSeconds(30)));
        Future<Resp> answer = send(p);
        eventually("the response started", () -> upstream.dribblers.size() == 1);
        for (int i = 1; i <= 5; i++) {
            clock.advance(Duration.ofSeconds(20)); // 100 s in all, never 30 s without a byte
            upstream.dribblers.get(0).get().get(10, java.util.concurrent.TimeUnit.SECONDS);
        }
        assertThat(answer.isComplete()).as("a stream that moves is not cut").isFalse();
        upstream.enders.get(0).run();
        Resp r = await(answer);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("xzzzzzy");
        assertThat(count("gossamer.response.timeouts")).isZero();
        eventually("no timer left behind", () -> clock.pending() == 0);
    }

    @Test
    void theIdleTimeoutEndsASilentStream() {
        upstream.trickling.add("a");
        DataPlane p = plane(route("r", RouteMatch.ANY, "c").withTimeout(Duration.ZERO).withRetries(RetrySpec.NONE)
                .withIdleTimeout(Duration.ofSeconds(30)));
        Future<Resp> answer = send(p);
        eventually("the response started", () -> upstream.enders.size() == 1);
        clock.advance(Duration.ofSeconds(29));
        assertThat(answer.isComplete()).isFalse();
        clock.advance(Duration.ofSeconds(1));
        awaitFailure(answer); // the head was out: reset
        eventually("the exchange ended", () -> p.activeRequests() == 0);
        assertThat(upstream.reset).containsExactly("a");
        assertThat(count("gossamer.response.timeouts")).isEqualTo(1.0);
    }

    @ParameterizedTest
    @CsvSource({"15, 300, 1", "15, 10, 2", "0, 300, 1", "0, 0, 0"})
    void theIdleTimerIsArmedOnlyWhenItCanFireBeforeTheRouteTimeout(int routeSeconds, int idleSeconds, int timers) {
        upstream.trickling.add("a");
        DataPlane p = plane(route("r", RouteMatch.ANY, "c").withTimeout(Duration.ofSeconds(routeSeconds))
                .withRetries(RetrySpec.NONE).withIdleTimeout(Duration.ofSeconds(idleSeconds)));
        Future<Resp> answer = send(p);
        eventually("the response started", () -> upstream.enders.size() == 1);
        assertThat(clock.pending()).as("timers of one streaming exchange").isEqualTo(timers);
        upstream.enders.get(0).run();
        assertThat(await(answer).status()).isEqualTo(200);
    }

    @Test
    void aResponseThatEndsBeforeTheRouteTimeoutCancelsIt() {
        upstream.trickling.add("a");
        DataPlane p = plane(route("r", RouteMatch.ANY, "c").withTimeout(Duration.ofSeconds(20))
                .withRetries(RetrySpec.NONE));
        Future<Resp> answer = send(p);
        eventually("the response started", () -> upstream.enders.size() == 1);
        clock.advance(Duration.ofSeconds(19));
        upstream.enders.get(0).run();
        assertThat(await(answer).body()).isEqualTo("xy");
        eventually("the route timer is cancelled", () -> clock.pending() == 0);
        assertThat(count("gossamer.response.timeouts")).isZero();
    }

    /** Sends a request head declaring {@code declared} body bytes and only {@code sent} of them; returns the socket. */
    private static java.net.Socket partialUpload(int port, int declared, int sent) throws java.io.IOException {
        java.net.Socket s = new java.net.Socket(HOST, port);
        s.setSoTimeout(20_000);
        java.io.OutputStream o = s.getOutputStream();
        o.write(("POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: " + declared + "\r\n\r\n")
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        o.write(new byte[sent]);
        o.flush();
        return s;
    }

    /** The response head's lines, lower-cased, status line first. */
    private static List<String> head(java.net.Socket s) throws java.io.IOException {
        java.io.BufferedReader r = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(),
                java.nio.charset.StandardCharsets.US_ASCII));
        List<String> lines = new java.util.ArrayList<>();
        String line;
        while ((line = r.readLine()) != null && !line.isEmpty()) {
            lines.add(line.toLowerCase(java.util.Locale.ROOT));
        }
        return lines;
    }

    @Test
    void aRouteTimeoutWhileTheClientStallsItsBodyIs408AndNotChargedToTheEndpoint() throws Exception {
        DataPlane p = plane(route("r", RouteMatch.ANY, "c").withTimeout(Duration.ofSeconds(15))
                .withRetries(RetrySpec.NONE));
        try (java.net.Socket s = partialUpload(p.boundPort("in"), 10 << 20, 100 * 1024)) {
            eventually("the try opened", () -> upstream.opened.size() == 1);
            clock.advance(Duration.ofSeconds(15));
            assertThat(head(s)).startsWith("http/1.1 408 request timeout")
                    .contains(Exchange.REASON + ": request body timeout", "connection: close");
        }
        eventually("the exchange ended", () -> p.activeRequests() == 0);
        assertThat(upstream.reset).containsExactly("a");
        assertThat(outcomes).as("nothing reported against the endpoint").isEmpty();
        assertThat(count("gossamer.downstream.timeouts")).isEqualTo(1.0);
        assertThat(count("gossamer.upstream.timeouts")).isZero();
    }

    @Test
    void aPerTryTimeoutWhileTheClientStallsItsBodyIsNotRetriedNorCharged() throws Exception {
        DataPlane p = plane(route("r", RouteMatch.ANY, "c").withTimeout(Duration.ofSeconds(15))
                .withRetries(RetrySpec.of(3, RetryOn.GATEWAY_ERROR).withPerTryTimeout(Duration.ofSeconds(1))
                        .withRetryNonIdempotent(true)));
        try (java.net.Socket s = partialUpload(p.boundPort("in"), 1000, 10)) {
            eventually("the try opened", () -> upstream.opened.size() == 1);
            clock.advance(Duration.ofSeconds(1));
            assertThat(head(s)).startsWith("http/1.1 408 request timeout")
                    .contains(Exchange.REASON + ": request body timeout", "connection: close");
        }
        eventually("the exchange ended", () -> p.activeRequests() == 0);
        assertThat(upstream.opened).as("another endpoint would wait for the same body").containsExactly("a");
        assertThat(outcomes).isEmpty();
        assertThat(clock.pending()).isZero();
    }
}
