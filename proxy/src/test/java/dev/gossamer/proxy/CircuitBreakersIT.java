package dev.gossamer.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gossamer.balancer.Endpoint;
import dev.gossamer.common.testing.Await;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpMethod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 14, finding 8, the cluster's half: Envoy's circuit breakers trip against hung backends (real servers on
 * loopback that take requests and never answer). Each overflow is a 503 naming the breaker, counted with the breaker
 * as a label, and reported to no outcome listener (outlier detection never hears of it). Without the breakers every
 * request past the limit would hang with the others: the tests then fail at their 20 s await.
 */
class CircuitBreakersIT extends ProxyTestBase {

    private final List<TryOutcome> outcomes = new CopyOnWriteArrayList<>();
    private final List<Future<Resp>> hanging = new ArrayList<>();
    private HttpClientAgent client;

    @BeforeEach
    void makeClient() {
        client = client();
    }

    private Backend hung(String id) {
        Backend b = backend(id);
        b.behaviour = req -> { }; // takes the request, never answers
        return b;
    }

    /** One acceptor, so that pools and connection counts do not depend on which event loop a request lands on. */
    private DataPlane start(RouteSpec route, ClusterSpec cluster) {
        DataPlane p = plane(DataPlaneOptions.builder().acceptorInstances(1).drainTimeout(Duration.ofSeconds(1))
                .build(), null);
        p.apply(List.of(route), List.of(cluster));
        await(p.start(List.of(new ListenerSpec("in", HOST, 0))));
        p.addOutcomeListener((c, ep, o, n) -> outcomes.add(o));
        return p;
    }

    private static ClusterSpec cluster(CircuitBreakers breakers, Endpoint... eps) {
        return ProxyTestBase.cluster("c", eps).withBreakers(breakers);
    }

    private Future<Resp> send(DataPlane p) {
        return send(client, p.boundPort("in"), HttpMethod.GET, "/", Map.of(), null);
    }

    private double overflows(CircuitBreakers.Breaker b) {
        return registry.get("gossamer.breaker.overflows").tag("cluster", "c").tag("breaker", b.key()).counter()
                .count();
    }

    private void assertOverflow(Resp r, CircuitBreakers.Breaker b) {
        assertReason(r, 503, "circuit breaker " + b.key());
        assertThat(r.headers().get("x-gossamer-overloaded")).isEqualTo("true");
        assertThat(overflows(b)).isEqualTo(1);
        assertThat(outcomes).as("no endpoint is charged").isEmpty();
    }

    @Test
    void maxRequestsRefusesTheRequestPastTheLimitWhileTheBackendHangs() {
        Backend b = hung("b");
        DataPlane p = start(route("r", RouteMatch.ANY, "c"), cluster(new CircuitBreakers(1024, 1024, 2, 1024),
                b.endpoint()));
        hanging.add(send(p));
        hanging.add(send(p));
        Await.until("two requests reach the backend", Duration.ofSeconds(10), () -> b.hits.get() == 2);
        assertOverflow(await(send(p)), CircuitBreakers.Breaker.MAX_REQUESTS);
        assertThat(b.hits.get()).isEqualTo(2);
    }

    @Test
    void maxPendingRequestsRefusesTheRequestThatWouldWaitPastTheLimit() {
        Backend b = hung("b");
        ClusterSpec c = new ClusterSpec("c", List.of(b.endpoint()), new TestRoundRobin(), HashOn.NONE,
                Protocol.HTTP1, ClusterSpec.DEFAULT_CONNECT_TIMEOUT, 1).withBreakers(
                new CircuitBreakers(1024, 1, 1024, 1024));
        DataPlane p = start(route("r", RouteMatch.ANY, "c"), c);
        hanging.add(send(p));
        Await.until("the one connection is busy", Duration.ofSeconds(10), () -> b.hits.get() == 1);
        hanging.add(send(p));
        H1Upstream up = (H1Upstream) p.cluster("c").upstream;
        Await.until("one request waits for it", Duration.ofSeconds(10), () -> up.pendingRequests() == 1);
        assertOverflow(await(send(p)), CircuitBreakers.Breaker.MAX_PENDING_REQUESTS);
    }

    @Test
    void maxConnectionsRefusesARequestWhenTheClusterHasNoConnectionLeftForItsEndpoint() {
        Backend a = hung("a");
        Backend b = hung("b");
        DataPlane p = start(route("r", RouteMatch.ANY, "c"), cluster(new CircuitBreakers(1, 1024, 1024, 1024),
                a.endpoint(), b.endpoint()));
        hanging.add(send(p));
        Await.until("one endpoint holds the cluster's only connection", Duration.ofSeconds(10),
                () -> a.hits.get() + b.hits.get() == 1);
        // Round robin sends the next request to the other endpoint, which may not open a connection.
        assertOverflow(await(send(p)), CircuitBreakers.Breaker.MAX_CONNECTIONS);
        assertThat(((H1Upstream) p.cluster("c").upstream).openConnections()).isEqualTo(1);
    }

    @Test
    void maxRetriesCapsTheRetriesInFlightAndTheClientGetsTheFailedTrysAnswer() {
        // Each endpoint answers 503 to a request it has not seen before (by x-request-id) and hangs a retry.
        Set<String> seen = ConcurrentHashMap.newKeySet();
        Backend a = backend("a");
        Backend b = backend("b");
        for (Backend x : List.of(a, b)) {
            x.behaviour = req -> {
                if (seen.add(req.getHeader("x-request-id"))) {
                    req.response().setStatusCode(503).end();
                }
            };
        }
        RouteSpec r = route("r", RouteMatch.ANY, "c").withTimeout(Duration.ofSeconds(60))
                .withRetries(RetrySpec.of(2, RetryOn.SERVER_ERROR_5XX));
        DataPlane p = start(r, cluster(new CircuitBreakers(1024, 1024, 1024, 1), a.endpoint(), b.endpoint()));
        hanging.add(send(p));
        Await.until("the first request's retry hangs", Duration.ofSeconds(10),
                () -> a.hits.get() + b.hits.get() == 2 && p.cluster("c").activeRetries.get() == 1);
        Resp second = await(send(p));
        assertThat(second.status()).as("the endpoint's own 503, not retried").isEqualTo(503);
        assertThat(second.headers().get(Exchange.REASON)).isNull();
        assertThat(overflows(CircuitBreakers.Breaker.MAX_RETRIES)).isEqualTo(1);
        assertThat(a.hits.get() + b.hits.get()).as("no third try went out").isEqualTo(3);
        assertThat(registry.get("gossamer.retry.budget.exhausted").tag("cluster", "c").counter().count())
                .as("the budget (3 in flight) was not what stopped it").isZero();
    }
}
