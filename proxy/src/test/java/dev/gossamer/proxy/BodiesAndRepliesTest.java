package dev.gossamer.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 15's transport part, with real clients and backends: request bodies without a Content-Length (HTTP/2
 * streams, HTTP/1.1 chunked) to both cluster protocols, HTTP/1.1 trailers only to a client that asks for them, and
 * the proxy's own answers as text, JSON or a gRPC trailers-only response ({@link LocalReply}).
 */
class BodiesAndRepliesTest extends ProxyTestBase {

    private Backend echoLength() {
        Backend a = backend("a");
        a.behaviour = req -> req.body().onSuccess(b -> req.response().end(req.version() + ":" + b.length()));
        return a;
    }

    private Resp upload(HttpClientAgent c, int port, boolean chunked, int size) {
        return await(c.request(new RequestOptions().setHost(HOST).setPort(port).setMethod(HttpMethod.POST)
                .setURI("/up")).compose(req -> {
                    if (chunked) {
                        req.setChunked(true);
                    }
                    req.write(Buffer.buffer(new byte[size / 2]));
                    req.end(Buffer.buffer(new byte[size - size / 2]));
                    return req.response().compose(resp -> resp.body().map(b -> new Resp(resp.statusCode(),
                            resp.headers(), b.toString(), resp.version())));
                }));
    }

    private HttpClientAgent h2() {
        return client(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false));
    }

    @Test
    void chunkedHttp11UploadReachesAnHttp2Cluster() {
        Backend a = echoLength();
        DataPlane p = startPlane(List.of(route("r", RouteMatch.ANY, "c")),
                List.of(cluster("c", a.endpoint()).withProtocol(Protocol.HTTP2)));
        Resp r = upload(client(), p.boundPort("in"), true, 100_000);
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        assertThat(r.body()).isEqualTo("HTTP_2:100000");
        assertThat(a.headers.get(0).get("transfer-encoding")).isNull();
    }

    @Test
    void http2UploadWithoutContentLengthReachesBothClusterProtocols() {
        Backend a = echoLength();
        for (Protocol protocol : Protocol.values()) {
            DataPlane p = startPlane(List.of(route("r", RouteMatch.ANY, "c")),
                    List.of(cluster("c", a.endpoint()).withProtocol(protocol)));
            Resp r = upload(h2(), p.boundPort("in"), true, 70_000);
            assertThat(r.status()).as("%s: %s", protocol, r).isEqualTo(200);
            assertThat(r.body()).isEqualTo((protocol == Protocol.HTTP2 ? "HTTP_2" : "HTTP_1_1") + ":70000");
        }
    }

    @Test
    void http11ClientGetsTrailersOnlyWhenItAsksForThem() {
        Backend a = backend("a");
        a.behaviour = req -> req.body().onSuccess(b -> req.response().setChunked(true).write("part")
                .compose(v -> req.response().putTrailer("x-checksum", "42").end()));
        DataPlane p = startPlane(List.of(route("r", RouteMatch.ANY, "c")), List.of(cluster("c", a.endpoint())));
        HttpClientAgent c = client();
        for (boolean asks : new boolean[] {true, false}) {
            RequestOptions ro = new RequestOptions().setHost(HOST).setPort(p.boundPort("in")).setURI("/t");
            if (asks) {
                ro.addHeader("te", "trailers");
            }
            String got = await(c.request(ro).compose(req -> req.send().compose(resp -> resp.body()
                    .map(b -> b + "|" + resp.getTrailer("x-checksum")))));
            assertThat(got).as("te: trailers sent: %s", asks).isEqualTo(asks ? "part|42" : "part|null");
        }
    }

    @Test
    void ownAnswerIsTextByDefault() {
        DataPlane p = startPlane(List.of(), List.of());
        Resp r = get(client(), p.boundPort("in"), "/nowhere");
        assertReason(r, 404, "no route");
        assertThat(r.headers().get("content-type")).startsWith("text/plain");
        assertThat(r.body()).isEqualTo("no route\n");
    }

    @Test
    void ownAnswerIsJsonWhenAcceptAsksForIt() {
        DataPlane p = startPlane(List.of(route("r", RouteMatch.ANY, "c")),
                List.of(ClusterSpec.of("c", List.of(), new TestRoundRobin())));
        Resp r = await(send(client(), p.boundPort("in"), HttpMethod.GET, "/x",
                Map.of("accept", "text/html;q=0, application/json"), null));
        assertReason(r, 503, "no healthy endpoint");
        assertThat(r.headers().get("content-type")).isEqualTo("application/json");
        assertThat(new JsonObject(r.body())).isEqualTo(new JsonObject().put("status", 503)
                .put("reason", "no healthy endpoint"));
    }

    @Test
    void ownAnswerToHeadHasNoBody() {
        DataPlane p = startPlane(List.of(), List.of());
        Resp r = await(send(client(), p.boundPort("in"), HttpMethod.HEAD, "/nowhere", Map.of(), null));
        assertReason(r, 404, "no route");
        assertThat(r.body()).isEmpty();
        assertThat(r.headers().get("content-length")).isEqualTo("9");
    }

    @Test
    void ownAnswerToGrpcIsTrailersOnlyOverHttp11Too() {
        DataPlane p = startPlane(List.of(route("r", RouteMatch.ANY, "c")),
                List.of(cluster("c", deadEndpoint()).withProtocol(Protocol.HTTP2)));
        Resp r = await(send(client(), p.boundPort("in"), HttpMethod.POST, "/svc/M",
                Map.of("content-type", "application/grpc+proto"), "xxxxx"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.headers().get("grpc-status")).isEqualTo("14");
        assertThat(r.headers().get("grpc-message")).isEqualTo("upstream connect failure");
        assertThat(r.headers().get(Exchange.REASON)).isEqualTo("upstream connect failure");
        assertThat(r.body()).isEmpty();
    }
}
