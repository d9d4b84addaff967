package dev.gossamer.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gossamer.balancer.Endpoint;
import dev.gossamer.common.FakeScheduler;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpMethod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RetryTest extends ProxyTestBase {

    @Test
    void connectRefusedIsRetriedOnAnotherEndpointWithZeroClientFailures() {
        Backend a = backend("a");
        Backend b = backend("b");
        Endpoint dead = deadEndpoint();
        DataPlane p = startPlane(List.of(route("r", RouteMatch.ANY, "c")),
                List.of(cluster("c", dead, a.endpoint(), b.endpoint())));
        HttpClientAgent c = client();
        List<Future<Resp>> all = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            all.add(send(c, p.boundPort("in"), i % 2 == 0 ? HttpMethod.GET : HttpMethod.POST, "/", Map.of(), "x"));
        }
        for (Future<Resp> f : all) {
            assertThat(await(f).status()).isEqualTo(200);
        }
        assertThat(a.hits.get() + b.hits.get()).isEqualTo(40);
        assertThat(registry.get("gossamer.retries").counter().count()).isGreaterThanOrEqualTo(1.0);
    }

    @Test
    void nonIdempotentPostIsNotRetriedOn5xxButGetIs() {
        Backend a = backend("a");
        Backend b = backend("b");
        a.behaviour = req -> req.body().onSuccess(x -> req.response().setStatusCode(500).end("a"));
        b.behaviour = a.behaviour;
        RetrySpec retry = RetrySpec.of(3, RetryOn.SERVER_ERROR_5XX);
        DataPlane p = startPlane(List.of(route("r", RouteMatch.ANY, "c").withRetries(retry)),
                List.of(cluster("c", a.endpoint(), b.endpoint())));
        HttpClientAgent c = client();
        Resp post = await(send(c, p.boundPort("in"), HttpMethod.POST, "/", Map.of(), "body"));
        assertThat(post.status()).isEqualTo(500);
        assertThat(a.hits.get() + b.hits.get()).isEqualTo(1);
        Resp get = get(c, p.boundPort("in"), "/");
        assertThat(get.status()).isEqualTo(500);
        assertThat(a.hits.get() + b.hits.get()).isEqualTo(4);
        // Each retry went to a different endpoint than the try before it.
        assertThat(a.hits.get()).isEqualTo(2);
        assertThat(b.hits.get()).isEqualTo(2);
    }

    /** The upstream fields are made once per request (maybe in the request's own map) and every try gets them once. */
    @Test
    void everyTryCarriesTheSameForwardingFieldsOnce() {
        Backend a = backend("a");
        Backend b = backend("b");
        a.behaviour = req -> req.response().setStatusCode(503).end();
        b.behaviour = a.behaviour;
        RetrySpec retry = RetrySpec.of(3, RetryOn.GATEWAY_ERROR);
        DataPlane p = startPlane(List.of(route("r", RouteMatch.ANY, "c").withRetries(retry)),
                List.of(cluster("c", a.endpoint(), b.endpoint())));
        Resp r = await(send(client(), p.boundPort("in"), HttpMethod.GET, "/x", Map.of("x-forwarded-for", "10.0.0.1",
                "x-custom", "1", "keep-alive", "timeout=5", "connection", "keep-alive, x-hop"), null));
        assertThat(r.status()).isEqualTo(503);
        List<io.vertx.core.MultiMap> tries = new ArrayList<>(a.headers);
        tries.addAll(b.headers);
        assertThat(tries).as("three tries").hasSize(3);
        String id = tries.get(0).get("x-request-id");
        assertThat(id).isNotNull();
        for (io.vertx.core.MultiMap h : tries) {
            assertThat(h.getAll("x-forwarded-for")).containsExactly("10.0.0.1, 127.0.0.1");
            assertThat(h.getAll("x-request-id")).containsExactly(id);
            assertThat(h.getAll("x-custom")).containsExactly("1");
            assertThat(h.getAll("host")).hasSize(1);
            assertThat(h.contains("keep-alive")).as("hop-by-hop").isFalse();
        }
    }

    @Test
    void retryNonIdempotentAllowsPostRetryWithReplayedBody() {
        Backend a = backend("a");
        Backend b = backend("b");
        a.behaviour = req -> req.body().onSuccess(x -> req.response().setStatusCode(503).end());
        b.behaviour = req -> req.body().onSuccess(x -> req.response().end("b:" + x));
        RetrySpec retry = RetrySpec.of(2, RetryOn.GATEWAY_ERROR).withRetryNonIdempotent(true);
        DataPlane p = startPlane(List.of(route("r", RouteMatch.ANY, "c").withRetries(retry)),
                List.of(cluster("c", a.endpoint(), b.endpoint())));
        Resp r = await(send(client(), p.boundPort("in"), HttpMethod.POST, "/", Map.of(), "payload"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("b:payload");
    }

    @Test
    void http2EndpointsRetryA5xxOnAnotherEndpointAndKeepTheirConnections() {
        Backend a = backend("a");
        Backend b = backend("b");
        a.behaviour = req -> req.response().setStatusCode(503).end("busy");
        b.behaviour = req -> req.body().onSuccess(x -> req.response().end("b:" + req.version() + ":" + x));
        RetrySpec retry = RetrySpec.of(2, RetryOn.GATEWAY_ERROR).withRetryNonIdempotent(true);
        DataPlane p = startPlane(List.of(route("r", RouteMatch.ANY, "c").withRetries(retry)),
                List.of(cluster("c", a.endpoint(), b.endpoint()).withProtocol(Protocol.HTTP2)));
        HttpClientAgent c = client();
        for (int i = 0; i < 4; i++) {
            Resp r = await(send(c, p.boundPort("in"), HttpMethod.POST, "/", Map.of(), "payload" + i));
            assertThat(r.status()).as("%s", r).isEqualTo(200);
            assertThat(r.body()).isEqualTo("b:HTTP_2:payload" + i);
        }
        assertThat(a.versions).containsOnly(io.vertx.core.http.HttpVersion.HTTP_2);
        assertThat(registry.get("gossamer.retries").counter().count()).isGreaterThanOrEqualTo(1.0);
        eventually("no request in flight", () -> p.clusters().get(0).active() == 0);
    }

    @Test
    void retryBudgetCapsRetries() {
        Backend a = backend("a");
        Backend b = backend("b");
        // Hold every request until 100 are in flight, then fail them all with 503.
        List<io.vertx.core.http.HttpServerRequest> held = new java.util.concurrent.CopyOnWriteArrayList<>();
        io.vertx.core.Handler<io.vertx.core.http.HttpServerRequest> fail = req -> req.response().setStatusCode(503)
                .end();
        a.behaviour = held::add;
        b.behaviour = held::add;
        RetrySpec retry = RetrySpec.of(3, RetryOn.GATEWAY_ERROR).withBudget(20, 3);
        DataPlane p = startPlane(List.of(route("r", RouteMatch.ANY, "c").withRetries(retry)),
                List.of(cluster("c", a.endpoint(), b.endpoint())));
        HttpClientAgent c = client();
        int n = 100;
        List<Future<Resp>> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            all.add(send(c, p.boundPort("in"), HttpMethod.GET, "/", Map.of(), null));
        }
        eventually("all requests held", () -> held.size() == n);
        a.behaviour = fail;
        b.behaviour = fail;
        for (io.vertx.core.http.HttpServerRequest r : held) {
            r.response().setStatusCode(503).end();
        }
        for (Future<Resp> f : all) {
            assertThat(await(f).status()).isEqualTo(503);
        }
        double retries = registry.get("gossamer.retries").counter().count();
        double exhausted = registry.get("gossamer.retry.budget.exhausted").counter().count();
        // Without a budget: 200 retries. With 20% of <= 100 active in flight, retries end up near 20.
        assertThat(retries).as("retries").isLessThanOrEqualTo(40).isGreaterThanOrEqualTo(3);
        assertThat(exhausted).as("exhausted").isGreaterThanOrEqualTo(60);
        assertThat(a.hits.get() + b.hits.get()).isEqualTo(n + (int) retries);
        eventually("no request in flight", () -> p.clusters().get(0).active() == 0);
    }

    @Test
    void bodyLargerThanReplayBufferIsNotRetried() {
        Backend a = backend("a");
        Endpoint dead = deadEndpoint();
        DataPlane p = startPlane(List.of(route("r", RouteMatch.ANY, "c")), List.of(cluster("c", dead,
                a.endpoint())));
        HttpClientAgent c = client();
        Resp big = await(send(c, p.boundPort("in"), HttpMethod.POST, "/", Map.of(), "x".repeat(100 * 1024)));
        assertReason(big, 502, "upstream connect failure");
        assertThat(a.hits.get()).isZero();
        // The dead endpoint is now skipped: a small body reaches the live one.
        Resp small = await(send(c, p.boundPort("in"), HttpMethod.POST, "/", Map.of(), "small"));
        assertThat(small.status()).isEqualTo(200);
    }

    @Test
    void chunkedBodyLargerThanReplayBufferIsNotRetriedAfterReset() {
        Backend a = backend("a");
        Backend b = backend("b");
        // a reads the whole body and then drops the connection: a reset after > 64 KiB were streamed.
        a.behaviour = req -> req.body().onSuccess(x -> req.connection().close());
        DataPlane p = startPlane(List.of(route("r", RouteMatch.ANY, "c")),
                List.of(cluster("c", a.endpoint(), b.endpoint())));
        HttpClientAgent c = client();
        Resp big = await(c.request(new io.vertx.core.http.RequestOptions().setHost(HOST).setPort(p.boundPort("in"))
                .setMethod(HttpMethod.PUT).setURI("/")).compose(req -> {
                    req.setChunked(true);
                    for (int i = 0; i < 10; i++) {
                        req.write("y".repeat(10 * 1024));
                    }
                    return req.end().compose(v -> req.response()).compose(resp -> resp.body()
                            .map(bd -> new Resp(resp.statusCode(), resp.headers(), bd.toString(), resp.version())));
                }));
        assertReason(big, 502, "upstream reset");
        assertThat(b.hits.get()).isZero();
    }

    @Test
    void deadEndpointIsSkippedAtOnceThenRestoredAfterBackoff() {
        FakeScheduler fake = new FakeScheduler();
        Backend live = backend("live");
        Endpoint dead = deadEndpoint();
        DataPlane p = plane(options(), fake);
        p.apply(List.of(route("r", RouteMatch.ANY, "c").withRetries(RetrySpec.NONE)),
                List.of(cluster("c", dead, live.endpoint())));
        await(p.start(List.of(new ListenerSpec("in", HOST, 0))));
        HttpClientAgent c = client();
        int port = p.boundPort("in");
        assertReason(get(c, port, "/"), 502, "upstream connect failure");
        for (int i = 0; i < 5; i++) {
            assertThat(get(c, port, "/").body()).isEqualTo("live");
        }
        ClusterStatus.EndpointStatus st = p.clusters().get(0).endpoints().get(0);
        assertThat(st.down()).isTrue();
        assertThat(st.downForMillis()).isEqualTo(1000);
        assertThat(st.connectFailures()).isEqualTo(1);

        fake.advance(Duration.ofSeconds(1));
        assertThat(p.clusters().get(0).endpoints().get(0).down()).isFalse();
        // Still dead: refused again, marked down for twice as long.
        assertReason(get(c, port, "/"), 502, "upstream connect failure");
        assertThat(p.clusters().get(0).endpoints().get(0).downForMillis()).isEqualTo(2000);

        // Everything marked down: picks still try them rather than answering 503.
        p.setEndpointFilter("c", e -> e.equals(dead));
        assertReason(get(c, port, "/"), 502, "upstream connect failure");
    }
}
