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
import io.vertx.core.net.HostAndPort;
import io.vertx.core.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Per-try and route timeouts, and the retry they lead to, with a fake {@link Upstream} (no endpoint sockets) on a
 * fake clock: the test decides when time passes, so every deadline is exact and nothing waits for real time.
 */
class TimeoutsTest extends ProxyTestBase {

    private static final Endpoint A = new Endpoint("a:1", "a", 1, 1, "", Map.of());
    private static final Endpoint B = new Endpoint("b:1", "b", 1, 1, "", Map.of());

    private final FakeScheduler clock = new FakeScheduler();
    private final FakeUpstream upstream = new FakeUpstream();

    /** An upstream whose endpoints answer 200 only when listed in {@code answering}; the rest hang. */
    static final class FakeUpstream implements Upstream {
        final Set<String> answering = ConcurrentHashMap.newKeySet();
        final List<String> opened = new CopyOnWriteArrayList<>();
        final List<String> reset = new CopyOnWriteArrayList<>();

        @Override
        public void open(Context ctx, SocketAddress server, HttpMethod method, String uri, Listener l) {
            String host = server.host();
            opened.add(host);
            l.onOpen(new Call() {
                final MultiMap headers = MultiMap.caseInsensitiveMultiMap();

                @Override
                public MultiMap headers() {
                    return headers;
                }

                @Override
                public void authority(HostAndPort authority) {
                }

                @Override
                public void chunked() {
                }

                @Override
                public void write(Buffer chunk) {
                }

                @Override
                public void end() {
                    if (answering.contains(host)) {
                        l.onResponse(200, "OK", MultiMap.caseInsensitiveMultiMap().add("content-length", "2"), false);
                        l.onData(Buffer.buffer(host + "!"));
                        l.onEnd(null);
                    }
                }

                @Override
                public boolean writeQueueFull() {
                    return false;
                }

                @Override
                public void drainHandler(Runnable onDrain) {
                }

                @Override
                public void pauseResponse() {
                }

                @Override
                public void resumeResponse() {
                }

                @Override
                public void discard() {
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

    private DataPlane plane(RouteSpec route) {
        DataPlane p = plane(options(), clock);
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
        assertThat(clock.pending()).as("no timer left behind").isZero();
    }

    @Test
    void withoutATimeoutNothingIsScheduled() {
        upstream.answering.add("a");
        DataPlane p = plane(route("r", RouteMatch.ANY, "c").withTimeout(Duration.ZERO).withRetries(RetrySpec.NONE));
        assertThat(await(send(p)).status()).isEqualTo(200);
        assertThat(clock.pending()).isZero();
    }
}
