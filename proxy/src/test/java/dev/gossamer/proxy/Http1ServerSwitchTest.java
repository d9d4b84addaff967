package dev.gossamer.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The switch between Vert.x's and Netty's HTTP/1.x server ({@link DataPlaneOptions#http1Server()}), whatever the
 * suite's default: with {@code NETTY} an HTTP/1.1 connection is read by {@link H1Connection} (its refusals carry the
 * reason header, Vert.x's do not), while h2c with prior knowledge and the h2c upgrade stay Vert.x's and are served.
 */
class Http1ServerSwitchTest extends ProxyTestBase {

    private DataPlane plane(DataPlaneOptions.Http1Server server) {
        Backend a = backend("a");
        DataPlane p = plane(options().toBuilder().http1Server(server).build(), null);
        p.apply(List.of(route("r", RouteMatch.ANY, "c")), List.of(cluster("c", a.endpoint())));
        await(p.start(List.of(new ListenerSpec("in", HOST, 0))));
        return p;
    }

    @Test
    void onNettyHttp11IsNettysAndHttp2StaysVertxs() throws Exception {
        DataPlane p = plane(DataPlaneOptions.Http1Server.NETTY);
        Http11EdgeIT.Raw.Response r = servesThenRefusesAMalformedLine(p);
        assertThat(r.headers().get(Exchange.REASON)).as("Netty's listener answers through LocalReply")
                .isEqualTo("malformed request");
        Resp prior = get(client(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
                .setHttp2ClearTextUpgrade(false)), p.boundPort("in"), "/h2");
        assertThat(prior.version()).isEqualTo(HttpVersion.HTTP_2);
        assertThat(prior.body()).isEqualTo("a");
        Resp upgraded = get(client(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
                .setHttp2ClearTextUpgrade(true)), p.boundPort("in"), "/up");
        assertThat(upgraded.version()).as("the h2c upgrade is Vert.x's").isEqualTo(HttpVersion.HTTP_2);
        assertThat(upgraded.body()).isEqualTo("a");
    }

    @Test
    void onVertxHttp11IsVertxs() throws Exception {
        DataPlane p = plane(DataPlaneOptions.Http1Server.VERTX);
        Http11EdgeIT.Raw.Response r = servesThenRefusesAMalformedLine(p);
        assertThat(r.headers().get(Exchange.REASON)).as("Vert.x's own 400").isNull();
    }

    /** A GET through {@code p} answers; then a request line with a space too many is a 400, returned. */
    private Http11EdgeIT.Raw.Response servesThenRefusesAMalformedLine(DataPlane p) throws Exception {
        assertThat(get(client(), p.boundPort("in"), "/x").body()).isEqualTo("a");
        try (Http11EdgeIT.Raw c = new Http11EdgeIT.Raw(p)) {
            c.write("GET /a b c HTTP/1.1\r\nHost: x\r\n\r\n");
            Http11EdgeIT.Raw.Response r = c.read();
            assertThat(r.status()).isEqualTo(400);
            return r;
        }
    }
}
