package dev.gossamer.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gossamer.common.Ticker;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A backend that dies (or hangs) with requests in flight to it, under concurrent load from HTTP/1.1 and h2c
 * (prior knowledge) downstream clients: every request must be retried elsewhere, none may fail, none may wait for
 * the route timeout, and no exception may escape into the Vert.x context. An h2c GET has ended (END_STREAM on
 * HEADERS) before its try fails, which is the case that used to break the retry path.
 */
class BackendKilledUnderLoadTest extends ProxyTestBase {

    // At most BUDGET requests are ever in flight, so every try the kill breaks fits in the retry budget at once
    // (min_retry_concurrency), even one that races into a closing pooled connection besides the HELD ones.
    private static final int BUDGET = 3;
    private static final int CLIENTS = BUDGET;
    private static final int HELD = BUDGET - 1;
    private static final Duration ROUTE_TIMEOUT = Duration.ofSeconds(5);
    // Well under the route timeout, above any honest retry on a loaded 2-core machine.
    private static final Duration MAX_LATENCY = Duration.ofMillis(2500);

    enum Downstream { HTTP_1_1, H2C_PRIOR_KNOWLEDGE }

    private final List<Throwable> unhandled = new CopyOnWriteArrayList<>();

    @BeforeEach
    void catchUnhandled() {
        vertx.exceptionHandler(unhandled::add);
    }

    @AfterEach
    void releaseUnhandled() {
        vertx.exceptionHandler(null);
    }

    private record Result(int status, String reason, String body, long nanos, boolean afterMidway) {
    }

    private HttpClientAgent downstream(Downstream d) {
        HttpClientOptions o = new HttpClientOptions();
        if (d == Downstream.H2C_PRIOR_KNOWLEDGE) {
            o.setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false);
        }
        return client(o);
    }

    private DataPlane plane(Backend... bs) {
        RetrySpec retry = new RetrySpec(3, EnumSet.of(RetryOn.CONNECT_FAILURE, RetryOn.RESET, RetryOn.GATEWAY_ERROR),
                Duration.ofMillis(400), RetrySpec.DEFAULT_BUDGET_PERCENT, BUDGET, false);
        return startPlane(List.of(route("r", RouteMatch.ANY, "c").withTimeout(ROUTE_TIMEOUT).withRetries(retry)),
                List.of(cluster("c", bs[0].endpoint(), bs[1].endpoint(), bs[2].endpoint())));
    }

    /** {@link #CLIENTS} loops, each sending one GET after another until {@code total} have been answered. */
    private List<Result> load(HttpClientAgent c, int port, int total, Runnable midway) {
        Ticker clock = Ticker.system();
        List<Result> results = new CopyOnWriteArrayList<>();
        AtomicInteger started = new AtomicInteger();
        Promise<Void> allDone = Promise.promise();
        AtomicInteger loops = new AtomicInteger(CLIENTS);
        AtomicBoolean pastMidway = new AtomicBoolean();
        class Loop {
            void next() {
                if (started.incrementAndGet() > total) {
                    if (loops.decrementAndGet() == 0) {
                        allDone.tryComplete();
                    }
                    return;
                }
                long t0 = clock.nanoTime();
                boolean after = pastMidway.get();
                send(c, port, HttpMethod.GET, "/", Map.of(), null).onComplete(ar -> {
                    long nanos = clock.nanoTime() - t0;
                    results.add(ar.succeeded()
                            ? new Result(ar.result().status(), ar.result().headers().get(Exchange.REASON),
                                    ar.result().body(), nanos, after)
                            : new Result(-1, null, String.valueOf(ar.cause()), nanos, after));
                    next();
                });
            }
        }
        for (int i = 0; i < CLIENTS; i++) {
            new Loop().next();
        }
        midway.run();
        pastMidway.set(true);
        await(allDone.future());
        return results;
    }

    /** {@code goneId}: a backend that must answer nothing once the midway action ran (null: none). */
    private void assertNoFailureAndNoWait(List<Result> results, int total, String goneId) {
        assertThat(results).hasSize(total);
        List<Result> bad = new ArrayList<>();
        long slowest = 0;
        for (Result r : results) {
            if (r.status() != 200 || (r.afterMidway() && r.body().equals(goneId))) {
                bad.add(r);
            }
            slowest = Math.max(slowest, r.nanos());
        }
        assertThat(bad).as("client-visible failures").isEmpty();
        assertThat(Duration.ofNanos(slowest)).as("slowest request (route timeout %s)", ROUTE_TIMEOUT)
                .isLessThan(MAX_LATENCY);
        assertThat(unhandled).as("exceptions thrown into the Vert.x context").isEmpty();
        assertThat(registry.get("gossamer.retry.budget.exhausted").counter().count()).as("budget exhausted")
                .isZero();
        eventually("no request in flight", () -> planes.get(0).clusters().get(0).active() == 0);
        assertThat(planes.get(0).cluster("c").activeRetries.get()).as("retry tokens held after the load").isZero();
    }

    @ParameterizedTest
    @EnumSource(Downstream.class)
    void killingABackendWithRequestsInFlightFailsNoRequest(Downstream d) {
        Backend b1 = backend("b1");
        Backend b2 = backend("b2");
        Backend b3 = backend("b3");
        ConcurrentLinkedQueue<HttpServerRequest> held = new ConcurrentLinkedQueue<>();
        AtomicInteger seen = new AtomicInteger();
        // b2 keeps its first HELD requests unanswered, so they are surely in flight when it is killed.
        b2.behaviour = req -> {
            if (seen.incrementAndGet() <= HELD) {
                held.add(req);
            } else {
                req.response().end(b2.id);
            }
        };
        DataPlane p = plane(b1, b2, b3);
        int total = 300;
        List<Result> results = load(downstream(d), p.boundPort("in"), total, () -> {
            eventually("b2 holding " + HELD + " requests", () -> held.size() == HELD);
            await(b2.server.close()); // Vert.x 5: shutdown(0) — unbind, then close every open connection
        });
        assertNoFailureAndNoWait(results, total, b2.id);
        assertThat(registry.get("gossamer.upstream.resets").counter().count()).as("resets")
                .isGreaterThanOrEqualTo(HELD);
        assertThat(registry.get("gossamer.upstream.timeouts").counter().count()).as("timeouts").isZero();
    }

    @ParameterizedTest
    @EnumSource(Downstream.class)
    void aBackendThatHangsIsLeftAfterThePerTryTimeout(Downstream d) {
        Backend b1 = backend("b1");
        Backend b2 = backend("b2");
        Backend b3 = backend("b3");
        AtomicInteger seen = new AtomicInteger();
        b2.behaviour = req -> {
            if (seen.incrementAndGet() > HELD) {
                req.response().end(b2.id);
            }
        };
        DataPlane p = plane(b1, b2, b3);
        int total = 200;
        List<Result> results = load(downstream(d), p.boundPort("in"), total, () -> { });
        assertNoFailureAndNoWait(results, total, null);
        assertThat(registry.get("gossamer.upstream.timeouts").counter().count()).as("per-try timeouts")
                .isEqualTo(HELD);
    }
}
