package dev.gossamer.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gossamer.balancer.Endpoint;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpMethod;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The access log and the request labels as a client sees them through a real data plane: one entry per finished
 * request with what happened, the {@code x-request-id} returned to the client (generated when absent), and the
 * response flag on the request metrics.
 */
class AccessLogTest extends ProxyTestBase {

    private final List<AccessLogEntry> entries = new CopyOnWriteArrayList<>();

    private DataPlane logged(List<RouteSpec> routes, List<ClusterSpec> clusters) {
        DataPlane p = startPlane(routes, clusters);
        p.accessLog(entries::add, () -> 1_800_000_000_000L);
        return p;
    }

    private AccessLogEntry onlyEntry() {
        eventually("one access-log entry", () -> entries.size() == 1);
        return entries.get(0);
    }

    @Test
    void aForwardedRequestIsLoggedWithItsRouteEndpointBytesAndTheIdReturnedToTheClient() {
        Backend a = backend("a");
        a.behaviour = req -> req.body().onSuccess(b -> req.response().end("twelve bytes"));
        DataPlane p = logged(List.of(route("r", RouteMatch.ANY, "c")), List.of(cluster("c", a.endpoint())));

        Resp r = await(send(client(), p.boundPort("in"), HttpMethod.POST, "/orders?id=7",
                Map.of("host", "orders.local:8080", "traceparent",
                        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"), "hello"));

        assertThat(r.status()).isEqualTo(200);
        String id = r.headers().get("x-request-id");
        assertThat(id).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
        assertThat(a.headers.get(0).get("x-request-id")).isEqualTo(id);
        assertThat(a.headers.get(0).get("traceparent")).startsWith("00-4bf92f3577b34da6a3ce929d0e0e4736-");
        AccessLogEntry e = onlyEntry();
        assertThat(e.method()).isEqualTo("POST");
        assertThat(e.path()).isEqualTo("/orders?id=7");
        assertThat(e.authority()).isEqualTo("orders.local:8080");
        assertThat(e.protocol()).isEqualTo("HTTP/1.1");
        assertThat(e.status()).isEqualTo(200);
        assertThat(e.reason()).isNull();
        assertThat(e.flag()).isEqualTo(RequestLabels.Flag.NONE);
        assertThat(e.route()).isEqualTo("r");
        assertThat(e.cluster()).isEqualTo("c");
        assertThat(e.endpoint()).isEqualTo(a.endpoint().authority());
        assertThat(e.tries()).isEqualTo(1);
        assertThat(e.bytesIn()).isEqualTo(5);
        assertThat(e.bytesOut()).isEqualTo(12);
        assertThat(e.upstreamNanos()).isBetween(0L, e.durationNanos());
        assertThat(e.requestId()).isEqualTo(id);
        assertThat(e.startMillis()).isLessThanOrEqualTo(1_800_000_000_000L);
    }

    @Test
    void theClientsOwnRequestIdIsKeptAndReturned() {
        Backend a = backend("a");
        DataPlane p = logged(List.of(route("r", RouteMatch.ANY, "c")), List.of(cluster("c", a.endpoint())));
        Resp r = await(send(client(), p.boundPort("in"), HttpMethod.GET, "/", Map.of("x-request-id", "given-1"),
                null));
        assertThat(r.headers().get("x-request-id")).isEqualTo("given-1");
        assertThat(a.headers.get(0).getAll("x-request-id")).containsExactly("given-1");
        assertThat(onlyEntry().requestId()).isEqualTo("given-1");
    }

    @Test
    void anUnmatchedRequestIsLoggedWithItsReasonAndFlagUnderRouteNone() {
        Backend a = backend("a");
        DataPlane p = logged(List.of(route("r", RouteMatch.prefix("/api"), "c")), List.of(cluster("c",
                a.endpoint())));
        Resp r = get(client(), p.boundPort("in"), "/nope");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.headers().get("x-request-id")).isNotBlank();
        AccessLogEntry e = onlyEntry();
        assertThat(e.reason()).isEqualTo("no route");
        assertThat(e.flag()).isEqualTo(RequestLabels.Flag.NO_ROUTE);
        assertThat(e.route()).isEqualTo(RequestLabels.NONE);
        assertThat(e.cluster()).isEqualTo(RequestLabels.NONE);
        assertThat(e.endpoint()).isNull();
        assertThat(e.tries()).isZero();
        assertThat(e.upstreamNanos()).isEqualTo(-1);
        assertThat(e.requestId()).isEqualTo(r.headers().get("x-request-id"));
    }

    @Test
    void retriesThatRunOutAreFlaggedUrxWithEveryTryCounted() {
        Backend a = backend("a");
        Backend b = backend("b");
        a.behaviour = req -> req.body().onSuccess(x -> req.response().setStatusCode(503).end());
        b.behaviour = a.behaviour;
        DataPlane p = logged(List.of(route("r", RouteMatch.ANY, "c")
                        .withRetries(RetrySpec.of(3, RetryOn.SERVER_ERROR_5XX))),
                List.of(cluster("c", a.endpoint(), b.endpoint())));
        assertThat(get(client(), p.boundPort("in"), "/").status()).isEqualTo(503);
        AccessLogEntry e = onlyEntry();
        assertThat(e.tries()).isEqualTo(3);
        assertThat(e.flag()).isEqualTo(RequestLabels.Flag.RETRIES_EXHAUSTED);
        assertThat(e.reason()).isNull(); // the endpoint's own 503 went to the client
        assertThat(registry.get("gossamer.requests").tag("route", "r").tag("status_class", "5xx")
                .tag("response_flags", "URX").counter().count()).isEqualTo(1.0);
    }

    @Test
    void aRefusedConnectionIsFlaggedUf() {
        Endpoint dead = deadEndpoint();
        DataPlane p = logged(List.of(route("r", RouteMatch.ANY, "c")), List.of(cluster("c", dead)));
        HttpClientAgent c = client();
        assertThat(get(c, p.boundPort("in"), "/").status()).isEqualTo(502);
        AccessLogEntry e = onlyEntry();
        assertThat(e.flag()).isEqualTo(RequestLabels.Flag.UPSTREAM_CONNECT_FAILURE);
        assertThat(e.reason()).isEqualTo("upstream connect failure");
        assertThat(e.endpoint()).isEqualTo(dead.authority());
        assertThat(registry.get("gossamer.requests").tag("route", "r").tag("status_class", "5xx")
                .tag("response_flags", "UF").counter().count()).isEqualTo(1.0);
    }

    @Test
    void aThrowingAccessLogDoesNotTouchTheRequest() {
        Backend a = backend("a");
        DataPlane p = startPlane(List.of(route("r", RouteMatch.ANY, "c")), List.of(cluster("c", a.endpoint())));
        p.accessLog(e -> {
            throw new IllegalStateException("broken sink");
        }, () -> 0L);
        assertThat(get(client(), p.boundPort("in"), "/").status()).isEqualTo(200);
        assertThat(get(client(), p.boundPort("in"), "/").status()).isEqualTo(200);
    }
}
