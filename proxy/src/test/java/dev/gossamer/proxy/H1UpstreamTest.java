package dev.gossamer.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gossamer.balancer.Endpoint;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The HTTP/1.1 upstream ({@link H1Upstream}) against real endpoints on loopback: connection reuse, the pool limit,
 * idle and endpoint-side closes, and the odd responses a proxy meets (1xx, close-delimited, malformed, early).
 */
class H1UpstreamTest extends ProxyTestBase {

    /** Counts the connections a backend accepted and how many were open at once. */
    static final class ConnCount {
        final AtomicInteger accepted = new AtomicInteger();
        final AtomicInteger open = new AtomicInteger();
        final AtomicInteger maxOpen = new AtomicInteger();

        Consumer<io.vertx.core.http.HttpServer> hook() {
            return s -> s.connectionHandler(c -> {
                accepted.incrementAndGet();
                maxOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
                c.closeHandler(v -> open.decrementAndGet());
            });
        }
    }

    private DataPlane plane(DataPlaneOptions o, ClusterSpec cluster, RetrySpec retries) {
        DataPlane p = plane(o, null);
        p.apply(List.of(route("r", RouteMatch.ANY, cluster.name()).withRetries(retries)), List.of(cluster));
        await(p.start(List.of(new ListenerSpec("in", HOST, 0))));
        return p;
    }

    /** One listener event loop, so every request shares one pool and connection counts are exact. */
    private static DataPlaneOptions.Builder oneLoop() {
        return DataPlaneOptions.builder().acceptorInstances(1).drainTimeout(Duration.ofSeconds(2));
    }

    private static ClusterSpec limited(Endpoint ep, int maxConnections) {
        return new ClusterSpec("c", List.of(ep), new TestRoundRobin(), HashOn.NONE, Protocol.HTTP1,
                ClusterSpec.DEFAULT_CONNECT_TIMEOUT, maxConnections);
    }

    /** A raw TCP endpoint: {@code onRequest} gets the socket once a request head (up to the blank line) arrived. */
    private Endpoint raw(Consumer<NetSocket> onRequest) {
        NetServer s = vertx.createNetServer().connectHandler(so -> {
            StringBuilder seen = new StringBuilder();
            so.handler(b -> {
                seen.append(b.toString());
                if (seen.indexOf("\r\n\r\n") >= 0) {
                    so.handler(null);
                    onRequest.accept(so);
                }
            });
        });
        await(s.listen(0, HOST));
        rawServers.add(s);
        return Endpoint.of(HOST, s.actualPort());
    }

    private final List<NetServer> rawServers = new ArrayList<>();

    @org.junit.jupiter.api.AfterEach
    void closeRaw() {
        for (NetServer s : rawServers) {
            await(s.close());
        }
    }

    @Test
    void sequentialRequestsReuseOneKeepAliveConnection() {
        ConnCount count = new ConnCount();
        Backend b = backend("b", new HttpServerOptions(), count.hook());
        DataPlane p = plane(options(), limited(b.endpoint(), 64), RetrySpec.NONE);
        HttpClientAgent c = client();
        for (int i = 0; i < 20; i++) {
            Resp r = await(send(c, p.boundPort("in"), i % 2 == 0 ? HttpMethod.GET : HttpMethod.POST, "/" + i,
                    Map.of(), i % 2 == 0 ? null : "body-" + i));
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("b");
        }
        // The test client may spread its requests over both listener event loops: one connection per loop at most.
        assertThat(count.accepted.get()).isBetween(1, 2);
        assertThat(b.hits.get()).isEqualTo(20);
    }

    @Test
    void theConnectionLimitHoldsAndQueuedRequestsGetTheFreedConnections() {
        ConnCount count = new ConnCount();
        List<HttpServerRequest> held = new CopyOnWriteArrayList<>();
        Backend b = backend("b", new HttpServerOptions(), count.hook());
        b.behaviour = held::add;
        // Two listener loops, a limit of 2: one connection per loop.
        DataPlane p = plane(options(), limited(b.endpoint(), 2), RetrySpec.NONE);
        HttpClientAgent c = client();
        List<Future<Resp>> all = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            all.add(send(c, p.boundPort("in"), HttpMethod.GET, "/" + i, Map.of(), null));
        }
        eventually("a request held", () -> !held.isEmpty());
        // Answer each request as it arrives, one at a time: the next comes only on a freed connection.
        for (int i = 0; i < 12; i++) {
            int arrived = i + 1;
            eventually("request " + arrived + " of 12 at the backend", () -> held.size() >= arrived);
            held.get(i).response().end("ok");
        }
        for (Future<Resp> f : all) {
            assertThat(await(f).status()).isEqualTo(200);
        }
        assertThat(count.maxOpen.get()).as("connections open at once").isLessThanOrEqualTo(2);
        assertThat(count.accepted.get()).isLessThanOrEqualTo(2);
    }

    @Test
    void idleConnectionsAreClosedAfterTheIdleTimeout() {
        ConnCount count = new ConnCount();
        Backend b = backend("b", new HttpServerOptions(), count.hook());
        DataPlaneOptions o = oneLoop().upstreamIdleTimeout(Duration.ofMillis(200)).build();
        DataPlane p = plane(o, limited(b.endpoint(), 8), RetrySpec.NONE);
        assertThat(get(client(), p.boundPort("in"), "/").status()).isEqualTo(200);
        assertThat(count.accepted.get()).isEqualTo(1);
        eventually("the idle connection closed by the proxy", () -> count.open.get() == 0);
        assertThat(get(client(), p.boundPort("in"), "/").status()).isEqualTo(200);
        assertThat(count.accepted.get()).isEqualTo(2);
    }

    @Test
    void thePoolOfAnEndpointThatLeftIsEvictedOnceItsConnectionsClose() {
        ConnCount count = new ConnCount();
        Backend old = backend("old", new HttpServerOptions(), count.hook());
        Backend fresh = backend("fresh");
        DataPlaneOptions o = oneLoop().upstreamIdleTimeout(Duration.ofMillis(200)).build();
        DataPlane p = plane(o, limited(old.endpoint(), 8), RetrySpec.NONE);
        assertThat(get(client(), p.boundPort("in"), "/").status()).isEqualTo(200);
        H1Upstream upstream = (H1Upstream) p.cluster("c").upstream;
        assertThat(upstream.pools()).isEqualTo(1);
        // A rolling deploy: the endpoint is replaced by one at a new address.
        p.apply(List.of(route("r", RouteMatch.ANY, "c").withRetries(RetrySpec.NONE)),
                List.of(limited(fresh.endpoint(), 8)));
        assertThat(p.cluster("c").upstream).as("same transport: the upstream and its pools are kept").isSameAs(upstream);
        assertThat(get(client(), p.boundPort("in"), "/").body()).isEqualTo("fresh");
        eventually("the old endpoint's connection closed when idle", () -> count.open.get() == 0);
        eventually("both pools evicted once their connections closed", () -> upstream.pools() == 0);
        assertThat(get(client(), p.boundPort("in"), "/").body()).isEqualTo("fresh");
        assertThat(upstream.pools()).isEqualTo(1);
    }

    @Test
    void aResponseBodyThatStallsIsCutByTheIdleTimeout() {
        Endpoint ep = raw(so -> so.write("HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nten bytes!"));
        DataPlaneOptions o = oneLoop().upstreamIdleTimeout(Duration.ofMillis(300)).build();
        DataPlane p = plane(o, limited(ep, 8), RetrySpec.NONE);
        Throwable t = awaitFailure(send(client(), p.boundPort("in"), HttpMethod.GET, "/", Map.of(), null));
        assertThat(t).isNotNull(); // the head went out, so the client sees the body broken off, not an error status
        assertThat(registry.get("gossamer.upstream.resets").counter().count()).isEqualTo(1.0);
    }

    @Test
    void aConnectionTheEndpointClosedWhileIdleIsNotReused() {
        ConnCount count = new ConnCount();
        Backend b = backend("b", new HttpServerOptions().setIdleTimeout(100)
                .setIdleTimeoutUnit(TimeUnit.MILLISECONDS), count.hook());
        DataPlaneOptions o = oneLoop().build();
        DataPlane p = plane(o, limited(b.endpoint(), 8), RetrySpec.NONE); // no retry may hide a stale reuse
        HttpClientAgent c = client();
        assertThat(get(c, p.boundPort("in"), "/").status()).isEqualTo(200);
        eventually("the endpoint closed its idle connection", () -> count.open.get() == 0);
        assertThat(get(c, p.boundPort("in"), "/").status()).isEqualTo(200);
        assertThat(count.accepted.get()).isEqualTo(2);
    }

    @Test
    void connectionCloseFromTheEndpointIsHonoured() {
        ConnCount count = new ConnCount();
        Backend b = backend("b", new HttpServerOptions(), count.hook());
        b.behaviour = req -> req.response().putHeader("connection", "close").end("bye");
        DataPlaneOptions o = oneLoop().build();
        DataPlane p = plane(o, limited(b.endpoint(), 8), RetrySpec.NONE);
        HttpClientAgent c = client();
        for (int i = 0; i < 3; i++) {
            Resp r = get(c, p.boundPort("in"), "/");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("bye");
        }
        assertThat(count.accepted.get()).isEqualTo(3);
    }

    @Test
    void informationalResponsesAreNotPassedOn() {
        Endpoint ep = raw(so -> so.write("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nlink: </a>\r\n\r\n"
                + "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok"));
        DataPlane p = plane(options(), limited(ep, 8), RetrySpec.NONE);
        Resp r = get(client(), p.boundPort("in"), "/");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("ok");
    }

    @Test
    void aResponseToHeadHasNoBodyWhateverItsLengthSaysAndItsConnectionServesTheNextRequest() {
        // One connection answers each request head in turn: a HEAD's answer announces 5 bytes and sends none (RFC
        // 9110 §9.3.2), so the GET's answer follows at once; a decoder that waited for 5 bytes would eat it.
        ConnCount count = new ConnCount();
        AtomicInteger heads = new AtomicInteger();
        NetServer s = vertx.createNetServer().connectHandler(so -> {
            count.accepted.incrementAndGet();
            StringBuilder seen = new StringBuilder();
            so.handler(b -> {
                seen.append(b.toString());
                for (int end; (end = seen.indexOf("\r\n\r\n")) >= 0; seen.delete(0, end + 4)) {
                    so.write(heads.getAndIncrement() == 0
                            ? "HTTP/1.1 200 OK\r\ncontent-length: 5\r\nx-kind: head\r\n\r\n"
                            : "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok");
                }
            });
        });
        await(s.listen(0, HOST));
        rawServers.add(s);
        DataPlane p = plane(oneLoop().build(), limited(Endpoint.of(HOST, s.actualPort()), 8), RetrySpec.NONE);
        HttpClientAgent c = client();
        Resp head = await(send(c, p.boundPort("in"), HttpMethod.HEAD, "/", Map.of(), null));
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.headers().get("x-kind")).isEqualTo("head");
        assertThat(head.headers().get("content-length")).as("passed on as the endpoint said it").isEqualTo("5");
        assertThat(head.body()).isEmpty();
        Resp get = get(c, p.boundPort("in"), "/");
        assertThat(get.status()).isEqualTo(200);
        assertThat(get.body()).isEqualTo("ok");
        assertThat(count.accepted.get()).as("both on one upstream connection").isEqualTo(1);
    }

    @Test
    void aBodyDelimitedByTheConnectionClosingArrivesWhole() {
        Endpoint ep = raw(so -> so.write("HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n\r\nhello, ")
                .compose(v -> so.write("until close"))
                .onComplete(v -> so.close()));
        DataPlane p = plane(options(), limited(ep, 8), RetrySpec.NONE);
        Resp r = get(client(), p.boundPort("in"), "/");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("hello, until close");
    }

    @Test
    void aMalformedResponseIsAResetAndTheProcessCarriesOn() {
        Endpoint bad = raw(so -> so.write("this is not http\r\n\r\n"));
        Backend good = backend("good");
        DataPlane p = plane(options(), limited(bad, 8), RetrySpec.NONE);
        assertReason(get(client(), p.boundPort("in"), "/"), 502, "upstream reset");
        assertThat(registry.get("gossamer.upstream.resets").counter().count()).isEqualTo(1.0);
        // With a retry on reset, the same failure is retried on the other endpoint.
        DataPlane q = plane(options(), new ClusterSpec("c", List.of(bad, good.endpoint()), new TestRoundRobin(),
                HashOn.NONE, Protocol.HTTP1, ClusterSpec.DEFAULT_CONNECT_TIMEOUT, 8), RetrySpec.of(2, RetryOn.RESET));
        for (int i = 0; i < 4; i++) {
            Resp r = get(client(), q.boundPort("in"), "/");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("good");
        }
    }

    @Test
    void anAnswerBeforeTheUploadEndsIsForwardedAndItsConnectionIsNotReused() {
        ConnCount count = new ConnCount();
        Backend b = backend("b", new HttpServerOptions(), count.hook());
        // Answers 413 as soon as the head arrives, without reading the body.
        b.behaviour = req -> {
            if (req.method() == HttpMethod.POST) {
                req.response().setStatusCode(413).end("too big");
            } else {
                req.response().end("fine");
            }
        };
        DataPlaneOptions o = oneLoop().build();
        DataPlane p = plane(o, limited(b.endpoint(), 8), RetrySpec.NONE);
        HttpClientAgent c = client();
        // The upload is still open when the answer comes: it ends only after the client has read the answer.
        Future<Resp> answer = c.request(new io.vertx.core.http.RequestOptions().setHost(HOST)
                .setPort(p.boundPort("in")).setMethod(HttpMethod.POST).setURI("/")).compose(req -> {
                    req.setChunked(true);
                    req.write("the first part of a long upload");
                    return req.response().compose(resp -> resp.body().map(body -> {
                        req.end("the rest");
                        return new Resp(resp.statusCode(), resp.headers(), body.toString(), resp.version());
                    }));
                });
        Resp r = await(answer);
        assertThat(r.status()).isEqualTo(413);
        assertThat(r.body()).isEqualTo("too big");
        Resp next = get(c, p.boundPort("in"), "/");
        assertThat(next.status()).isEqualTo(200);
        assertThat(next.body()).isEqualTo("fine");
        assertThat(count.accepted.get()).as("a fresh connection after the early answer").isEqualTo(2);
        eventually("the mid-request connection closed, not left busy", () -> count.open.get() == 1);
    }

    @Test
    void aHostnameEndpointIsResolvedAndTheHostHeaderIsTheClientsAuthority() {
        Backend b = backend("b");
        DataPlane p = plane(options(), limited(Endpoint.of("localhost", b.port()), 8), RetrySpec.NONE);
        Resp r = await(send(client(), p.boundPort("in"), HttpMethod.GET, "/", Map.of("host", "orders.example:8080"),
                null));
        assertThat(r.status()).isEqualTo(200);
        assertThat(b.headers.get(0).get("host")).isEqualTo("orders.example:8080");
    }

    @Test
    void aRetiredClusterFinishesItsRequestInFlightThenClosesItsConnection() {
        ConnCount count = new ConnCount();
        List<HttpServerRequest> held = new CopyOnWriteArrayList<>();
        Backend old = backend("old", new HttpServerOptions(), count.hook());
        old.behaviour = held::add;
        Backend next = backend("next");
        // A grace far longer than the test waits: only the release of the finished request may close it.
        DataPlane p = plane(oneLoop().drainTimeout(Duration.ofSeconds(60)).build(), limited(old.endpoint(), 8),
                RetrySpec.NONE);
        HttpClientAgent c = client();
        Future<Resp> inFlight = send(c, p.boundPort("in"), HttpMethod.GET, "/", Map.of(), null);
        eventually("the request held by the old endpoint", () -> held.size() == 1);

        p.apply(List.of(route("r", RouteMatch.ANY, "d")), List.of(cluster("d", next.endpoint())));
        assertThat(get(c, p.boundPort("in"), "/").body()).isEqualTo("next");
        assertThat(count.open.get()).as("the retired pool's busy connection stays open").isEqualTo(1);

        held.get(0).response().end("old, finished");
        assertThat(await(inFlight).body()).isEqualTo("old, finished");
        eventually("the retired pool's connection closed once free", () -> count.open.get() == 0);
    }

    @Test
    void drainClosesTheUpstreamConnections() {
        ConnCount count = new ConnCount();
        Backend b = backend("b", new HttpServerOptions(), count.hook());
        DataPlane p = plane(options(), limited(b.endpoint(), 8), RetrySpec.NONE);
        assertThat(get(client(), p.boundPort("in"), "/").status()).isEqualTo(200);
        assertThat(count.open.get()).isEqualTo(1);
        assertThat(registry.get("gossamer.upstream.connections").tag("cluster", "c").gauge().value()).isEqualTo(1.0);
        await(p.drain(Duration.ofMillis(500)));
        eventually("upstream connections closed", () -> count.open.get() == 0);
        eventually("the gauge at zero",
                () -> registry.get("gossamer.upstream.connections").tag("cluster", "c").gauge().value() == 0.0);
    }

    /** A listener that resets its call on open (an exchange aborted while connecting) or ends it (a plain GET). */
    private static final class Probe implements Upstream.Listener {
        final boolean resetOnOpen;
        final io.vertx.core.Promise<Integer> done = io.vertx.core.Promise.promise();

        Probe(boolean resetOnOpen) {
            this.resetOnOpen = resetOnOpen;
        }

        @Override
        public void onOpen(Upstream.Call call) {
            if (resetOnOpen) {
                call.reset();
                done.tryComplete(0);
            } else {
                call.end(null);
            }
        }

        @Override
        public void onConnectFailure(Throwable cause) {
            done.tryFail(cause);
        }

        @Override
        public void onResponse(int status, String statusMessage, io.vertx.core.MultiMap headers, boolean http2) {
            done.tryComplete(status);
        }

        @Override
        public void onData(io.vertx.core.buffer.Buffer chunk) {
        }

        @Override
        public void onEnd(io.vertx.core.MultiMap trailers) {
        }

        @Override
        public void onReset(Throwable cause) {
            done.tryFail(cause);
        }
    }

    private static Future<Integer> open(H1Upstream up, io.vertx.core.Context ctx, Endpoint ep, boolean resetOnOpen) {
        Probe probe = new Probe(resetOnOpen);
        ctx.runOnContext(v -> up.open(ctx, io.vertx.core.net.SocketAddress.inetSocketAddress(ep.port(), HOST),
                HttpMethod.GET, "/", probe));
        return probe.done.future();
    }

    @Test
    void aConnectionOpenedForARequestThatWasAbandonedMeanwhileIsClosedNotPooled() {
        ConnCount count = new ConnCount();
        Backend b = backend("b", new HttpServerOptions(), count.hook());
        H1Upstream up = new H1Upstream(vertx, Duration.ofSeconds(5), 8, 1, Duration.ofMinutes(1),
                dev.gossamer.common.Ticker.system(), CircuitBreakers.DEFAULT);
        io.vertx.core.Context ctx = vertx.getOrCreateContext();
        try {
            await(open(up, ctx, b.endpoint(), true));
            // Without the close it would sit idle in the pool until the idle timeout (a minute here).
            eventually("the excess connection is closed", () -> up.openConnections() == 0 && count.open.get() == 0);
            eventually("and its pool is gone", () -> up.pools() == 0); // evicted on the loop once it hears the close
            assertThat(b.hits.get()).as("nothing was sent on it").isZero();
        } finally {
            await(up.close());
        }
    }

    @Test
    void aPooledConnectionHandedToARequestThatWasAbandonedStaysPooled() {
        ConnCount count = new ConnCount();
        Backend b = backend("b", new HttpServerOptions(), count.hook());
        H1Upstream up = new H1Upstream(vertx, Duration.ofSeconds(5), 8, 1, Duration.ofMinutes(1),
                dev.gossamer.common.Ticker.system(), CircuitBreakers.DEFAULT);
        io.vertx.core.Context ctx = vertx.getOrCreateContext();
        try {
            assertThat(await(open(up, ctx, b.endpoint(), false))).isEqualTo(200);
            eventually("the first request's connection is idle", () -> b.hits.get() == 1);
            await(open(up, ctx, b.endpoint(), true)); // takes the idle connection, sends nothing
            assertThat(await(open(up, ctx, b.endpoint(), false))).isEqualTo(200);
            assertThat(count.accepted.get()).as("one connection carried all three").isEqualTo(1);
            assertThat(up.openConnections()).isEqualTo(1);
        } finally {
            await(up.close());
        }
    }
}
