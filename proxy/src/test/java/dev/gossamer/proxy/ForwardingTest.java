package dev.gossamer.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ForwardingTest extends ProxyTestBase {

    @Test
    void everyRouteMatchKindSelectsItsCluster() {
        String[] ids = {"authority", "wildcard", "exact", "prefix", "regex", "hdrExact", "hdrRegex", "hdrPresent",
                "method", "fallback"};
        Map<String, Backend> b = new HashMap<>();
        List<ClusterSpec> clusters = new java.util.ArrayList<>();
        for (String id : ids) {
            b.put(id, backend(id));
            clusters.add(cluster(id, b.get(id).endpoint()));
        }
        List<RouteSpec> routes = List.of(
                route("r1", RouteMatch.ANY.withAuthority("api.example.com"), "authority"),
                route("r2", RouteMatch.ANY.withAuthority("*.example.org"), "wildcard"),
                route("r3", RouteMatch.exactPath("/exact"), "exact"),
                route("r4", RouteMatch.prefix("/pre/"), "prefix"),
                route("r5", RouteMatch.regex(Pattern.compile("/items/[0-9]+")), "regex"),
                route("r6", RouteMatch.ANY.withHeaders(List.of(HeaderMatch.exact("x-env", "canary"))), "hdrExact"),
                route("r7", RouteMatch.ANY.withHeaders(List.of(HeaderMatch.regex("x-user",
                        Pattern.compile("u-\\d+")))), "hdrRegex"),
                route("r8", RouteMatch.ANY.withHeaders(List.of(HeaderMatch.present("x-debug"))), "hdrPresent"),
                route("r9", RouteMatch.ANY.withMethods(Set.of("delete")), "method"),
                route("r10", RouteMatch.prefix("/"), "fallback"));
        DataPlane p = startPlane(routes, clusters);
        int port = p.boundPort("in");
        HttpClientAgent c = client();

        assertThat(body(c, port, HttpMethod.GET, "/x", Map.of("Host", "API.example.com:8080"))).isEqualTo("authority");
        assertThat(body(c, port, HttpMethod.GET, "/x", Map.of("Host", "a.b.example.org"))).isEqualTo("wildcard");
        assertThat(body(c, port, HttpMethod.GET, "/x", Map.of("Host", "example.org"))).isEqualTo("fallback");
        assertThat(body(c, port, HttpMethod.GET, "/exact?q=1", Map.of())).isEqualTo("exact");
        assertThat(body(c, port, HttpMethod.GET, "/exact/more", Map.of())).isEqualTo("fallback");
        assertThat(body(c, port, HttpMethod.GET, "/pre/a/b", Map.of())).isEqualTo("prefix");
        assertThat(body(c, port, HttpMethod.GET, "/items/42", Map.of())).isEqualTo("regex");
        assertThat(body(c, port, HttpMethod.GET, "/items/4x", Map.of())).isEqualTo("fallback");
        assertThat(body(c, port, HttpMethod.GET, "/y", Map.of("X-Env", "canary"))).isEqualTo("hdrExact");
        assertThat(body(c, port, HttpMethod.GET, "/y", Map.of("X-Env", "prod"))).isEqualTo("fallback");
        assertThat(body(c, port, HttpMethod.GET, "/y", Map.of("x-user", "u-17"))).isEqualTo("hdrRegex");
        assertThat(body(c, port, HttpMethod.GET, "/y", Map.of("x-debug", ""))).isEqualTo("hdrPresent");
        assertThat(body(c, port, HttpMethod.DELETE, "/y", Map.of())).isEqualTo("method");
        // First match wins: exact path listed before the catch-all prefix.
        assertThat(body(c, port, HttpMethod.DELETE, "/exact", Map.of())).isEqualTo("exact");
    }

    private static String body(HttpClientAgent c, int port, HttpMethod m, String uri, Map<String, String> h) {
        Resp r = await(send(c, port, m, uri, h, null));
        assertThat(r.status()).as("%s %s -> %s", m, uri, r).isEqualTo(200);
        return r.body();
    }

    @Test
    void noRouteIs404WithReason() {
        Backend a = backend("a");
        DataPlane p = startPlane(List.of(route("r", RouteMatch.prefix("/api"), "c")), List.of(cluster("c",
                a.endpoint())));
        assertReason(get(client(), p.boundPort("in"), "/other"), 404, "no route");
        // Unmatched requests are counted under a named route and cluster, never an empty label value. Counted once
        // the answer is written: the client may read it first (Netty's listener writes it at once).
        eventually("the 404 counted", () -> registry.find("gossamer.requests").tag("route", "none")
                .tag("cluster", "none").tag("status_class", "4xx").tag("response_flags", "NR").counter() != null);
        assertThat(registry.get("gossamer.requests").tag("route", "none").tag("cluster", "none")
                .tag("status_class", "4xx").tag("response_flags", "NR").counter().count()).isEqualTo(1.0);
    }

    @Test
    void emptyClusterIs503() {
        DataPlane p = startPlane(List.of(route("r", RouteMatch.ANY, "dyn")),
                // Panic threshold 0: with the default, a fully filtered cluster would use every endpoint.
                List.of(ClusterSpec.of("dyn", null, new TestRoundRobin()).withHealthBalancing(0, null)));
        HttpClientAgent c = client();
        assertReason(get(c, p.boundPort("in"), "/"), 503, "no healthy endpoint");
        Backend a = backend("a");
        p.setEndpoints("dyn", List.of(a.endpoint()));
        assertThat(get(c, p.boundPort("in"), "/").body()).isEqualTo("a");
        p.setEndpointFilter("dyn", e -> false);
        assertReason(get(c, p.boundPort("in"), "/"), 503, "no healthy endpoint");
        p.setEndpointFilter("dyn", e -> true);
        assertThat(get(c, p.boundPort("in"), "/").body()).isEqualTo("a");
    }

    @Test
    void connectFailureIs502() {
        DataPlane p = startPlane(List.of(route("r", RouteMatch.ANY, "c").withRetries(RetrySpec.NONE)),
                List.of(cluster("c", deadEndpoint())));
        assertReason(get(client(), p.boundPort("in"), "/"), 502, "upstream connect failure");
        assertThat(registry.get("gossamer.upstream.connect.errors").counter().count()).isEqualTo(1.0);
    }

    @Test
    void connectTimeoutIs502() throws Exception {
        // A listening socket whose accept queue is full: Linux drops further SYNs, so connects time out.
        try (java.net.ServerSocket full = new java.net.ServerSocket(0, 1,
                java.net.InetAddress.getByName(HOST))) {
            List<java.net.Socket> fillers = new java.util.ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    java.net.Socket so = new java.net.Socket();
                    try {
                        so.connect(new java.net.InetSocketAddress(HOST, full.getLocalPort()), 200);
                        fillers.add(so);
                    } catch (java.io.IOException e) {
                        so.close();
                    }
                }
                ClusterSpec c = ClusterSpec.of("c", List.of(dev.gossamer.balancer.Endpoint.of(HOST,
                        full.getLocalPort())), new TestRoundRobin()).withConnectTimeout(Duration.ofMillis(200));
                DataPlane p = startPlane(List.of(route("r", RouteMatch.ANY, "c").withRetries(RetrySpec.NONE)),
                        List.of(c));
                long t0 = System.nanoTime();
                assertReason(get(client(), p.boundPort("in"), "/"), 502, "upstream connect failure");
                assertThat(Duration.ofNanos(System.nanoTime() - t0)).isBetween(Duration.ofMillis(150),
                        Duration.ofSeconds(5));
            } finally {
                for (java.net.Socket so : fillers) {
                    so.close();
                }
            }
        }
    }

    @Test
    void startTwiceFails() {
        DataPlane p = startPlane(List.of(), List.of());
        assertThat(awaitFailure(p.start(List.of(new ListenerSpec("x", HOST, 0)))))
                .isInstanceOf(IllegalStateException.class);
        assertThat(p.boundPort("x")).isEqualTo(-1);
    }

    @Test
    void resetIs502() {
        Backend a = backend("a");
        a.behaviour = req -> req.connection().close();
        DataPlane p = startPlane(List.of(route("r", RouteMatch.ANY, "c").withRetries(RetrySpec.NONE)),
                List.of(cluster("c", a.endpoint())));
        assertReason(get(client(), p.boundPort("in"), "/"), 502, "upstream reset");
    }

    @Test
    void routeTimeoutIs504AndPerTryTimeoutRetriesElsewhere() {
        Backend slow = backend("slow");
        slow.behaviour = req -> { }; // never answers
        Backend fast = backend("fast");
        RouteSpec timed = route("t", RouteMatch.prefix("/t"), "only-slow").withTimeout(Duration.ofMillis(300))
                .withRetries(RetrySpec.NONE);
        RouteSpec perTry = route("p", RouteMatch.prefix("/p"), "both").withTimeout(Duration.ofSeconds(5))
                .withRetries(RetrySpec.of(2, RetryOn.GATEWAY_ERROR).withPerTryTimeout(Duration.ofMillis(200)));
        List<TryOutcome> outcomes = new java.util.concurrent.CopyOnWriteArrayList<>();
        DataPlane p = startPlane(List.of(timed, perTry),
                List.of(cluster("only-slow", slow.endpoint()), cluster("both", slow.endpoint(), fast.endpoint())));
        p.addOutcomeListener((cl, ep, o, nanos) -> outcomes.add(o));
        HttpClientAgent c = client();
        assertReason(get(c, p.boundPort("in"), "/t"), 504, "upstream timeout");
        Resp r = get(c, p.boundPort("in"), "/p");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("fast");
        assertThat(outcomes).contains(TryOutcome.TIMEOUT, TryOutcome.ofStatus(200));
        assertThat(registry.get("gossamer.upstream.timeouts").tag("cluster", "both").counter().count())
                .isEqualTo(1.0);
    }

    @Test
    void roundRobinSpreadsEvenly() {
        Backend a = backend("a");
        Backend b = backend("b");
        Backend c3 = backend("c");
        DataPlane p = startPlane(List.of(route("r", RouteMatch.ANY, "c")),
                List.of(cluster("c", a.endpoint(), b.endpoint(), c3.endpoint())));
        HttpClientAgent c = client();
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 30; i++) {
            counts.merge(get(c, p.boundPort("in"), "/").body(), 1, Integer::sum);
        }
        assertThat(counts).containsEntry("a", 10).containsEntry("b", 10).containsEntry("c", 10);
        ClusterStatus st = p.clusters().get(0);
        assertThat(st.policy()).isEqualTo("test_round_robin");
        assertThat(st.endpoints()).extracting(ClusterStatus.EndpointStatus::total).containsOnly(10L);
        eventually("no request in flight", () -> p.activeRequests() == 0);
    }

    @Test
    void realRoundRobinPolicySpreadsThroughTheProxy() {
        Backend a = backend("a");
        Backend b = backend("b");
        DataPlane p = startPlane(List.of(route("r", RouteMatch.ANY, "c")), List.of(ClusterSpec.of("c",
                List.of(a.endpoint(), b.endpoint()), dev.gossamer.balancer.BalancingPolicy.roundRobin())));
        HttpClientAgent c = client();
        for (int i = 0; i < 20; i++) {
            assertThat(get(c, p.boundPort("in"), "/").status()).isEqualTo(200);
        }
        assertThat(a.hits.get()).isEqualTo(10);
        assertThat(b.hits.get()).isEqualTo(10);
    }

    @Test
    void hopByHopRemovedForwardingHeadersAddedTraceparentUntouched() {
        Backend a = backend("a");
        a.behaviour = req -> req.response().putHeader("Keep-Alive", "timeout=5")
                .putHeader("Connection", "x-secret").putHeader("x-secret", "s").putHeader("x-kept", "k").end("a");
        DataPlane p = startPlane(List.of(route("r", RouteMatch.ANY, "c")), List.of(cluster("c", a.endpoint())));
        String tp = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        Map<String, String> h = new java.util.LinkedHashMap<>();
        h.put("Connection", "keep-alive, x-custom");
        h.put("x-custom", "drop me");
        h.put("Keep-Alive", "timeout=5");
        h.put("Proxy-Connection", "keep-alive");
        h.put("TE", "trailers");
        h.put("Trailer", "x-t");
        h.put("x-forwarded-for", "10.0.0.1");
        h.put("traceparent", tp);
        h.put("Host", "svc.local:1234");
        Resp r = await(send(client(), p.boundPort("in"), HttpMethod.GET, "/", h, null));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.headers().get("x-secret")).isNull();
        assertThat(r.headers().get("keep-alive")).isNull();
        assertThat(r.headers().get("x-kept")).isEqualTo("k");
        var seen = a.headers.get(0);
        assertThat(seen.get("x-custom")).isNull();
        assertThat(seen.get("keep-alive")).isNull();
        assertThat(seen.get("proxy-connection")).isNull();
        assertThat(seen.get("trailer")).isNull();
        assertThat(seen.get("te")).isEqualTo("trailers");
        assertThat(seen.get("connection")).isNotEqualToIgnoringCase("keep-alive, x-custom");
        assertThat(seen.get("traceparent")).isEqualTo(tp);
        assertThat(seen.get("x-forwarded-for")).isEqualTo("10.0.0.1, 127.0.0.1");
        assertThat(seen.get("x-forwarded-proto")).isEqualTo("http");
        assertThat(seen.get("x-forwarded-host")).isEqualTo("svc.local:1234");
        assertThat(seen.get("host")).isEqualTo("svc.local:1234");
        assertThat(seen.get("x-request-id")).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");

        await(send(client(), p.boundPort("in"), HttpMethod.GET, "/", Map.of("x-request-id", "given"), null));
        assertThat(a.headers.get(1).get("x-request-id")).isEqualTo("given");
    }

    @Test
    void h2cPriorKnowledgeAndUpgradeClientsAreServed() {
        Backend a = backend("a");
        DataPlane p = startPlane(List.of(route("r", RouteMatch.ANY, "c")), List.of(cluster("c", a.endpoint())));
        HttpClientAgent prior = client(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
                .setHttp2ClearTextUpgrade(false));
        Resp r1 = await(send(prior, p.boundPort("in"), HttpMethod.POST, "/x", Map.of(), "hello"));
        assertThat(r1.version()).isEqualTo(HttpVersion.HTTP_2);
        assertThat(r1.body()).isEqualTo("a");
        HttpClientAgent upgrade = client(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
                .setHttp2ClearTextUpgrade(true));
        Resp r2 = get(upgrade, p.boundPort("in"), "/y");
        assertThat(r2.version()).isEqualTo(HttpVersion.HTTP_2);
        assertThat(r2.body()).isEqualTo("a");
        // Upstream saw plain HTTP/1.1 with the h2 authority as Host.
        assertThat(a.versions).containsOnly(HttpVersion.HTTP_1_1);
        assertThat(a.headers.get(0).get("host")).isEqualTo(HOST + ":" + p.boundPort("in"));
    }

    @Test
    void http2ClusterSpeaksH2cPriorKnowledge() {
        Backend a = backend("h2");
        a.behaviour = req -> req.body().onSuccess(b -> req.response().putHeader("x-len", "" + b.length())
                .end("h2:" + req.version()));
        DataPlane p = startPlane(List.of(route("r", RouteMatch.ANY, "c")),
                List.of(cluster("c", a.endpoint()).withProtocol(Protocol.HTTP2)));
        HttpClientAgent c = client();
        Resp r = await(send(c, p.boundPort("in"), HttpMethod.POST, "/", Map.of("X-Upper-Case", "v",
                "Connection", "keep-alive"), "12345"));
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        assertThat(r.body()).isEqualTo("h2:HTTP_2");
        assertThat(a.headers.get(0).get("x-upper-case")).isEqualTo("v");
        assertThat(r.headers().get("x-len")).isEqualTo("5");
        assertThat(get(c, p.boundPort("in"), "/").body()).isEqualTo("h2:HTTP_2");
    }

    @Test
    void trailersPassEndToEndOverHttp2() {
        Backend a = backend("grpc");
        a.behaviour = req -> req.body().onSuccess(b -> {
            req.response().putHeader("content-type", "application/grpc").write("msg");
            req.response().putTrailer("grpc-status", "0").end();
        });
        DataPlane p = startPlane(List.of(route("r", RouteMatch.ANY, "c")),
                List.of(cluster("c", a.endpoint()).withProtocol(Protocol.HTTP2)));
        HttpClientAgent h2 = client(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
                .setHttp2ClearTextUpgrade(false));
        String status = await(h2.request(new io.vertx.core.http.RequestOptions().setHost(HOST)
                .setPort(p.boundPort("in")).setMethod(HttpMethod.POST).setURI("/svc/Method")
                .addHeader("te", "trailers").addHeader("content-type", "application/grpc"))
                .compose(req -> req.send("x").compose(resp -> resp.body().map(b -> b + "|"
                        + resp.getTrailer("grpc-status")))));
        assertThat(status).isEqualTo("msg|0");
        assertThat(a.headers.get(0).get("te")).isEqualTo("trailers");
    }

    @Test
    void webSocketPassesThrough() {
        Backend a = backend("ws", new HttpServerOptions(), s -> s.webSocketHandler(ws -> ws.handler(
                buf -> ws.writeTextMessage("echo:" + buf.toString()))));
        DataPlane p = startPlane(List.of(route("r", RouteMatch.ANY, "c")), List.of(cluster("c", a.endpoint())));
        WebSocketClient wsc = vertx.createWebSocketClient();
        try {
            WebSocket ws = await(wsc.connect(new WebSocketConnectOptions().setHost(HOST).setPort(p.boundPort("in"))
                    .setURI("/chat")));
            Promise<String> got = Promise.promise();
            ws.textMessageHandler(got::tryComplete);
            ws.writeTextMessage("hi");
            assertThat(await(got.future())).isEqualTo("echo:hi");
            await(ws.close());
        } finally {
            await(wsc.close());
        }
    }

    @Test
    void oversizedHeadersAre431() {
        Backend a = backend("a");
        DataPlane p = startPlane(List.of(route("r", RouteMatch.ANY, "c")), List.of(cluster("c", a.endpoint())));
        Resp r = await(send(client(), p.boundPort("in"), HttpMethod.GET, "/", Map.of("x-big", "v".repeat(10_000)),
                null));
        assertThat(r.status()).isEqualTo(431);
        assertThat(a.hits.get()).isZero();
    }

    @Test
    void malformedRequestIs400() {
        Backend a = backend("a");
        DataPlane p = startPlane(List.of(route("r", RouteMatch.ANY, "c")), List.of(cluster("c", a.endpoint())));
        NetClient nc = vertx.createNetClient();
        try {
            NetSocket so = await(nc.connect(p.boundPort("in"), HOST));
            Promise<String> first = Promise.promise();
            Buffer acc = Buffer.buffer();
            so.handler(b -> {
                acc.appendBuffer(b);
                if (acc.toString().contains("\r\n")) {
                    first.tryComplete(acc.toString());
                }
            });
            so.write("GET /a b c HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n");
            // Netty cannot tell the version of an unparseable request line, so Vert.x answers as HTTP/1.0.
            assertThat(await(first.future())).matches("(?s)HTTP/1\\.[01] 400 .*");
            assertThat(a.hits.get()).isZero();
        } finally {
            await(nc.close());
        }
    }

    @Test
    void metricsCountRequestsByRouteClusterAndStatusClass() {
        Backend a = backend("a");
        DataPlane p = startPlane(List.of(route("r", RouteMatch.ANY, "c")), List.of(cluster("c", a.endpoint())));
        HttpClientAgent c = client();
        for (int i = 0; i < 3; i++) {
            get(c, p.boundPort("in"), "/");
        }
        eventually("metrics", () -> registry.find("gossamer.requests").tag("route", "r").tag("status_class", "2xx")
                .counter().count() == 3.0);
        assertThat(registry.get("gossamer.request.duration").tag("route", "r").timer().count()).isEqualTo(3);
        assertThat(registry.get("gossamer.active.requests").gauge().value()).isZero();
        assertThat(registry.find("gossamer.upstream.requests").counters()).isEmpty();
        assertThat(a.headers.get(0).get(HttpHeaders.CONTENT_LENGTH)).isNull();
    }
}
