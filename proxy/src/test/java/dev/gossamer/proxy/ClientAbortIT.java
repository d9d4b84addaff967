package dev.gossamer.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gossamer.common.testing.Await;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 14, finding 2: a client that goes away mid-upload (TCP reset or close, HTTP/2 stream reset) ends its
 * exchange at once: the upstream request is abandoned and its connection closed (the pool slot is free), the abort
 * is counted, and the endpoint is never charged with a failure. Real sockets on loopback; the route timeout is 15 s,
 * so every wait below (3 s at most) proves the abort was noticed, not timed out.
 */
class ClientAbortIT extends ProxyTestBase {

    private static final Duration QUICKLY = Duration.ofSeconds(3);
    private static final int ABORTS = 20;

    private final List<TryOutcome> outcomes = new CopyOnWriteArrayList<>();

    private DataPlane plane(Backend b) {
        DataPlane p = startPlane(List.of(route("r", RouteMatch.ANY, "c").withTimeout(Duration.ofSeconds(15))),
                List.of(cluster("c", b.endpoint())));
        p.addOutcomeListener((c, ep, o, n) -> outcomes.add(o));
        return p;
    }

    private double aborts() {
        return registry.get("gossamer.downstream.aborts").tag("cluster", "c").counter().count();
    }

    private void assertAllReleased(DataPlane p, int expectedAborts) {
        H1Upstream up = (H1Upstream) p.cluster("c").upstream;
        Await.until("no active request", QUICKLY, () -> p.activeRequests() == 0);
        Await.until("no upstream connection", QUICKLY, () -> up.openConnections() == 0);
        Await.until("every abort counted", QUICKLY, () -> aborts() == expectedAborts);
        assertThat(outcomes).as("no outcome reported against the endpoint").isEmpty();
        assertThat(p.cluster("c").stats(p.cluster("c").spec().endpoints().get(0)).active.get()).isZero();
    }

    @ParameterizedTest(name = "reset={0}")
    @ValueSource(booleans = {true, false})
    void aClientThatAbortsAnUploadEndsTheExchangeAtOnce(boolean reset) throws Exception {
        Backend b = backend("b"); // reads the whole body before answering: a healthy endpoint
        DataPlane p = plane(b);
        for (int i = 1; i <= ABORTS; i++) {
            int hit = i;
            try (Socket s = new Socket(HOST, p.boundPort("in"))) {
                OutputStream o = s.getOutputStream();
                o.write(("POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: " + (10 << 20) + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                o.write(new byte[100 * 1024]);
                o.flush();
                Await.until("request " + hit + " forwarded", QUICKLY, () -> b.hits.get() == hit);
                if (reset) {
                    s.setSoLinger(true, 0);
                }
            }
            assertAllReleased(p, i);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"GET", "POST"})
    void anHttp2ClientThatResetsItsStreamEndsTheExchangeAtOnce(String method) {
        Backend b = backend("b");
        b.behaviour = req -> { }; // never answers
        DataPlane p = plane(b);
        HttpClientAgent h2 = client(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
                .setHttp2ClearTextUpgrade(false));
        HttpClientRequest req = await(h2.request(new RequestOptions().setHost(HOST).setPort(p.boundPort("in"))
                .setMethod(HttpMethod.valueOf(method)).setURI("/x")));
        if (method.equals("GET")) {
            req.end(); // complete: the proxy waits for the endpoint's answer
        } else {
            req.setChunked(true);
            req.write("part of a body"); // incomplete: the proxy streams it on
        }
        Await.until("forwarded", QUICKLY, () -> b.hits.get() == 1);
        req.reset();
        assertAllReleased(p, 1);
    }

    @ParameterizedTest(name = "reset={0}")
    @ValueSource(booleans = {true, false})
    void towardsAnHttp2EndpointTheAbortResetsTheUpstreamStream(boolean reset) throws Exception {
        Backend b = backend("b");
        java.util.concurrent.atomic.AtomicInteger streamsReset = new java.util.concurrent.atomic.AtomicInteger();
        b.behaviour = req -> req.exceptionHandler(t -> streamsReset.incrementAndGet()).handler(buf -> { });
        DataPlane p = startPlane(List.of(route("r", RouteMatch.ANY, "c").withTimeout(Duration.ofSeconds(15))),
                List.of(cluster("c", b.endpoint()).withProtocol(Protocol.HTTP2)));
        p.addOutcomeListener((c, ep, o, n) -> outcomes.add(o));
        try (Socket s = new Socket(HOST, p.boundPort("in"))) {
            OutputStream o = s.getOutputStream();
            o.write(("POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: " + (10 << 20) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            o.write(new byte[100 * 1024]);
            o.flush();
            Await.until("the request is forwarded", QUICKLY, () -> b.hits.get() == 1);
            assertThat(b.versions.get(0)).isEqualTo(HttpVersion.HTTP_2);
            if (reset) {
                s.setSoLinger(true, 0);
            }
        }
        Await.until("no active request", QUICKLY, () -> p.activeRequests() == 0);
        Await.until("the endpoint's stream is reset", QUICKLY, () -> streamsReset.get() == 1);
        Await.until("the abort counted", QUICKLY, () -> aborts() == 1);
        assertThat(outcomes).isEmpty();
    }

    @org.junit.jupiter.api.Test
    void aBurstOfClientsAbortingWhileTheirConnectionsOpenLeavesNoConnectionBehind() throws Exception {
        // The finding's shape: many clients send a head and part of a body and reset at once, mostly before the
        // proxy's connection to the endpoint is up. Those connections must close, not idle on the endpoint.
        Backend b = backend("b");
        DataPlane p = plane(b);
        int clients = 200;
        List<Thread> threads = new java.util.ArrayList<>();
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        for (int i = 0; i < clients; i++) {
            Thread t = new Thread(() -> {
                try (Socket s = new Socket(HOST, p.boundPort("in"))) {
                    OutputStream o = s.getOutputStream();
                    o.write(("POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: " + (10 << 20) + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    o.write(new byte[100 * 1024]);
                    o.flush();
                    s.setSoLinger(true, 0);
                } catch (java.io.IOException e) {
                    errors.add(e);
                }
            }, "aborting-client-" + i);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join(10_000);
        }
        assertThat(errors).isEmpty();
        H1Upstream up = (H1Upstream) p.cluster("c").upstream;
        // The proxy works through 200 connections' backlog on two event loops: every one of them is an abort.
        Await.until("every exchange aborted", Duration.ofSeconds(20), () -> aborts() == clients);
        Await.until("no active request", QUICKLY, () -> p.activeRequests() == 0);
        Await.until("no upstream connection left open", QUICKLY, () -> up.openConnections() == 0);
        assertThat(outcomes).as("no outcome reported against the endpoint").isEmpty();
    }
}
