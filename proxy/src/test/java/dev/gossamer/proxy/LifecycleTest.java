package dev.gossamer.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class LifecycleTest extends ProxyTestBase {

    private final List<HttpServerRequest> held = new CopyOnWriteArrayList<>();

    private Backend slowBackend(String id) {
        Backend b = backend(id);
        b.behaviour = req -> {
            if (req.path().startsWith("/slow")) {
                held.add(req);
            } else {
                req.response().end(id);
            }
        };
        return b;
    }

    private record Sent(Resp resp, HttpConnection connection) {
    }

    private static Future<Sent> sendOn(HttpClientAgent c, int port, String uri) {
        return c.request(new RequestOptions().setHost(HOST).setPort(port).setMethod(HttpMethod.GET).setURI(uri))
                .compose(req -> req.send().compose(resp -> resp.body().map(b -> new Sent(
                        new Resp(resp.statusCode(), resp.headers(), b.toString(), resp.version()),
                        req.connection()))));
    }

    @Test
    void applyKeepsConnectionsAndInFlightRequestsFinishOnTheOldRoute() {
        Backend a = slowBackend("a");
        Backend b = slowBackend("b");
        DataPlane p = startPlane(List.of(route("r", RouteMatch.ANY, "ca")), List.of(cluster("ca", a.endpoint())));
        int port = p.boundPort("in");
        HttpClientAgent keepAlive = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
                new PoolOptions().setHttp1MaxSize(1));
        clients.add(keepAlive);
        Sent first = await(sendOn(keepAlive, port, "/fast"));
        assertThat(first.resp().body()).isEqualTo("a");

        Future<Resp> slow = send(client(), port, HttpMethod.GET, "/slow", Map.of(), null);
        eventually("slow request held", () -> held.size() == 1);

        p.apply(List.of(route("r", RouteMatch.ANY, "cb")), List.of(cluster("cb", b.endpoint())));

        Sent second = await(sendOn(keepAlive, port, "/fast"));
        assertThat(second.resp().body()).isEqualTo("b");
        assertThat(second.connection()).as("same downstream keep-alive connection").isSameAs(first.connection());

        held.get(0).response().end("a-slow");
        Resp slowResp = await(slow);
        assertThat(slowResp.status()).isEqualTo(200);
        assertThat(slowResp.body()).isEqualTo("a-slow");
    }

    @Test
    void applyRejectsABadTableAndKeepsTheOldOne() {
        Backend a = backend("a");
        DataPlane p = startPlane(List.of(route("r", RouteMatch.ANY, "ca")), List.of(cluster("ca", a.endpoint())));
        assertThatThrownBy(() -> p.apply(List.of(route("r", RouteMatch.ANY, "missing"), route("r", RouteMatch.ANY,
                "ca")), List.of(cluster("ca", a.endpoint()))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("routes[r].cluster: missing (expected: a defined cluster)")
                .hasMessageContaining("duplicate name r");
        assertThat(get(client(), p.boundPort("in"), "/").body()).isEqualTo("a");
    }

    @Test
    void clusterKeptAcrossApplyKeepsItsCountersWhenOnlyEndpointsChange() {
        Backend a = backend("a");
        Backend b = backend("b");
        DataPlane p = startPlane(List.of(route("r", RouteMatch.ANY, "c")), List.of(cluster("c", a.endpoint())));
        HttpClientAgent c = client();
        get(c, p.boundPort("in"), "/");
        get(c, p.boundPort("in"), "/");
        p.apply(List.of(route("r2", RouteMatch.ANY, "c")), List.of(cluster("c", a.endpoint(), b.endpoint())));
        assertThat(p.clusters().get(0).endpoints().get(0).total()).isEqualTo(2);
        get(c, p.boundPort("in"), "/");
        get(c, p.boundPort("in"), "/");
        assertThat(a.hits.get()).isEqualTo(3);
        assertThat(b.hits.get()).isEqualTo(1);
    }

    @Test
    void drainFinishesInFlightRequestsAndRefusesNewConnections() {
        Backend a = slowBackend("a");
        DataPlane p = startPlane(List.of(route("r", RouteMatch.ANY, "c")), List.of(cluster("c", a.endpoint())));
        int port = p.boundPort("in");
        Future<Resp> slow = send(client(), port, HttpMethod.GET, "/slow", Map.of(), null);
        HttpClientAgent h2 = client(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
                .setHttp2ClearTextUpgrade(false));
        AtomicBoolean goAway = new AtomicBoolean();
        Future<Resp> slowH2 = h2.request(new RequestOptions().setHost(HOST).setPort(port).setURI("/slow2"))
                .compose(req -> {
                    req.connection().goAwayHandler(g -> goAway.set(true));
                    return req.send();
                }).compose(resp -> resp.body().map(bd -> new Resp(resp.statusCode(), resp.headers(), bd.toString(),
                        resp.version())));
        eventually("both slow requests held", () -> held.size() == 2);
        assertThat(p.activeRequests()).isEqualTo(2);

        Future<Void> drained = p.drain(Duration.ofSeconds(5));
        assertThat(p.draining()).isTrue();
        eventually("HTTP/2 GOAWAY", goAway::get);
        Resp refused = null;
        Throwable failure = awaitFailure(send(client(), port, HttpMethod.GET, "/fast", Map.of(), null));
        assertThat(failure).isNotNull();
        assertThat(refused).isNull();
        assertThat(drained.isComplete()).isFalse();

        for (HttpServerRequest r : held) {
            r.response().end("done");
        }
        Resp r1 = await(slow);
        assertThat(r1.status()).isEqualTo(200);
        assertThat(r1.body()).isEqualTo("done");
        assertThat(r1.headers().get("connection")).isEqualToIgnoringCase("close");
        assertThat(await(slowH2).body()).isEqualTo("done");
        await(drained);
        eventually("no request in flight", () -> p.activeRequests() == 0);
    }

    @Test
    void drainTimesOutWhenARequestNeverFinishes() {
        Backend a = slowBackend("a");
        DataPlane p = startPlane(List.of(route("r", RouteMatch.ANY, "c")), List.of(cluster("c", a.endpoint())));
        Future<Resp> slow = send(client(), p.boundPort("in"), HttpMethod.GET, "/slow", Map.of(), null);
        eventually("slow request held", () -> held.size() == 1);
        await(p.drain(Duration.ofMillis(300)));
        assertThat(awaitFailure(slow)).isNotNull();
        Promise<Void> unused = Promise.promise();
        unused.tryComplete();
    }
}
