package dev.gossamer.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gossamer.balancer.ActiveRequests;
import dev.gossamer.balancer.BalancingPolicy;
import dev.gossamer.balancer.Endpoint;
import dev.gossamer.balancer.PickContext;
import dev.gossamer.balancer.PickResult;
import dev.gossamer.balancer.Picker;
import dev.gossamer.common.FakeScheduler;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The seams other modules plug into: hash keys for policies, outcome listener, health filter, metrics flag. */
class SeamsTest extends ProxyTestBase {

    /** Picks the first endpoint and records every context it was asked with. */
    static final class RecordingPolicy implements BalancingPolicy {
        final List<PickContext> contexts = new CopyOnWriteArrayList<>();
        final List<ActiveRequests> loads = new CopyOnWriteArrayList<>();

        @Override
        public Picker newPicker(List<Endpoint> endpoints, ActiveRequests load) {
            loads.add(load);
            List<Endpoint> eps = List.copyOf(endpoints);
            return new Picker() {
                @Override
                public PickResult pick(PickContext context) {
                    contexts.add(context);
                    return eps.isEmpty() ? PickResult.noEndpoint("none") : PickResult.of(eps.get(0));
                }

                @Override
                public List<Endpoint> endpoints() {
                    return eps;
                }
            };
        }

        @Override
        public String name() {
            return "recording";
        }
    }

    @Test
    void hashKeysComeFromTheConfiguredRequestPart() {
        Backend a = backend("a");
        RecordingPolicy policy = new RecordingPolicy();
        List<ClusterSpec> clusters = List.of(
                ClusterSpec.of("h", List.of(a.endpoint()), policy).withHashOn(HashOn.header("x-user")),
                ClusterSpec.of("k", List.of(a.endpoint()), policy).withHashOn(HashOn.cookie("sid")),
                ClusterSpec.of("q", List.of(a.endpoint()), policy).withHashOn(HashOn.query("id")),
                ClusterSpec.of("p", List.of(a.endpoint()), policy).withHashOn(HashOn.path()),
                ClusterSpec.of("s", List.of(a.endpoint()), policy).withHashOn(HashOn.sourceIp()));
        DataPlane p = startPlane(List.of(route("rh", RouteMatch.prefix("/h"), "h"),
                route("rk", RouteMatch.prefix("/k"), "k"), route("rq", RouteMatch.prefix("/q"), "q"),
                route("rp", RouteMatch.prefix("/p"), "p"), route("rs", RouteMatch.prefix("/s"), "s")), clusters);
        HttpClientAgent c = client();
        int port = p.boundPort("in");
        await(send(c, port, HttpMethod.GET, "/h", Map.of("x-user", "u1"), null));
        await(send(c, port, HttpMethod.GET, "/h", Map.of(), null));
        await(send(c, port, HttpMethod.GET, "/k", Map.of("cookie", "a=1; sid=s-9"), null));
        await(send(c, port, HttpMethod.GET, "/q?x=1&id=42", Map.of(), null));
        await(send(c, port, HttpMethod.GET, "/p/x?y=1", Map.of(), null));
        await(send(c, port, HttpMethod.GET, "/s", Map.of(), null));
        List<PickContext> ctx = policy.contexts;
        assertThat(ctx).hasSize(6);
        assertThat(ctx.get(0).hashKey()).isEqualTo(DataPlane.hashKey("u1"));
        assertThat(ctx.get(1).hasHashKey()).isFalse();
        assertThat(ctx.get(2).hashKey()).isEqualTo(DataPlane.hashKey("s-9"));
        assertThat(ctx.get(3).hashKey()).isEqualTo(DataPlane.hashKey("42"));
        assertThat(ctx.get(4).hashKey()).isEqualTo(DataPlane.hashKey("/p/x"));
        assertThat(ctx.get(5).hashKey()).isEqualTo(DataPlane.hashKey("127.0.0.1"));
        // Load-aware policies get the live in-flight view of the cluster.
        eventually("in-flight view drains to zero", () -> policy.loads.get(0).total() == 0);
        eventually("endpoint idle", () -> policy.loads.get(0).active(a.endpoint()) == 0);
    }

    @Test
    void outcomeListenerHearsEveryTryAndPerEndpointMetricsAreOptIn() {
        Backend a = backend("a");
        a.behaviour = req -> req.response().setStatusCode(req.path().equals("/bad") ? 503 : 200).end();
        Endpoint dead = deadEndpoint();
        DataPlane p = plane(options().toBuilder().perEndpointMetrics(true).build(), null);
        p.apply(List.of(route("r", RouteMatch.ANY, "c")), List.of(cluster("c", dead, a.endpoint())));
        await(p.start(List.of(new ListenerSpec("in", HOST, 0))));
        List<String> heard = new CopyOnWriteArrayList<>();
        p.addOutcomeListener((cl, ep, o, nanos) -> heard.add(cl + "/" + (ep.equals(dead) ? "dead" : "a") + "/"
                + o.kind() + "/" + o.status()));
        p.addOutcomeListener((cl, ep, o, nanos) -> {
            throw new IllegalStateException("a broken listener must not break forwarding");
        });
        HttpClientAgent c = client();
        assertThat(get(c, p.boundPort("in"), "/ok").status()).isEqualTo(200);
        assertThat(get(c, p.boundPort("in"), "/bad").status()).isEqualTo(503);
        assertThat(heard).containsExactly("c/dead/CONNECT_FAILURE/0", "c/a/SUCCESS/200", "c/a/HTTP_5XX/503");
        assertThat(registry.get("gossamer.upstream.requests").tag("endpoint", a.endpoint().id())
                .tag("outcome", "http_5xx").counter().count()).isEqualTo(1.0);
        ClusterStatus.EndpointStatus st = p.clusters().get(0).endpoints().get(1);
        assertThat(st.http5xx()).isEqualTo(1);
        assertThat(st.meanLatencyMillis()).isPositive();
    }

    @Test
    void deadEndpointBackoffDoublesUpToTheCapAndASuccessfulProbeRestoresAtOnce() {
        FakeScheduler fake = new FakeScheduler();
        Endpoint dead = deadEndpoint();
        DataPlane p = plane(options(), fake);
        p.apply(List.of(route("r", RouteMatch.ANY, "c").withRetries(RetrySpec.NONE)),
                List.of(cluster("c", dead)));
        await(p.start(List.of(new ListenerSpec("in", HOST, 0))));
        HttpClientAgent c = client();
        List<Long> downFor = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            assertReason(get(c, p.boundPort("in"), "/"), 502, "upstream connect failure");
            ClusterStatus.EndpointStatus st = p.clusters().get(0).endpoints().get(0);
            downFor.add(st.downForMillis());
            fake.advance(Duration.ofMillis(st.downForMillis()));
        }
        assertThat(downFor).containsExactly(1000L, 2000L, 4000L, 8000L, 16000L, 30000L, 30000L);

        assertReason(get(c, p.boundPort("in"), "/"), 502, "upstream connect failure");
        assertThat(p.clusters().get(0).endpoints().get(0).down()).isTrue();
        // The endpoint comes back; everything is marked down, so it is tried anyway, and success restores it.
        HttpServer revived = vertx.createHttpServer().requestHandler(r -> r.response().end("revived"));
        await(revived.listen(dead.port(), HOST));
        try {
            assertThat(get(c, p.boundPort("in"), "/").body()).isEqualTo("revived");
            assertThat(p.clusters().get(0).endpoints().get(0).down()).isFalse();
        } finally {
            await(revived.close());
        }
    }
}
