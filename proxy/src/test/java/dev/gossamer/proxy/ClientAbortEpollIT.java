package dev.gossamer.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gossamer.common.testing.Await;
import io.netty.channel.epoll.Epoll;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A client resets an upload while the proxy has stopped reading it, because the endpoint does not take the body
 * (back-pressure). The reset then sits in the kernel behind unread bytes: only a transport that reports a peer's
 * hang-up without a read notices it. Netty's epoll transport does (EPOLLRDHUP, then it drains the input until the
 * error); NIO and io_uring (Netty 4.2.18) do not, and there the exchange ends at the route timeout. So this test runs
 * on epoll, and is skipped where epoll cannot load.
 */
class ClientAbortEpollIT extends ProxyTestBase {

    @BeforeAll
    static void epollVertx() {
        assumeTrue(Epoll.isAvailable(), "epoll is not available here");
        await(vertx.close());
        vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    }

    @Test
    void aResetWhileTheUploadIsHeldBackEndsTheExchangeAtOnce() throws Exception {
        assertThat(vertx.isNativeTransportEnabled()).isTrue();
        Backend b = backend("b");
        b.behaviour = req -> req.pause(); // never reads the body: the proxy's writes back up, it stops reading
        DataPlane p = startPlane(List.of(route("r", RouteMatch.ANY, "c").withTimeout(Duration.ofSeconds(15))),
                List.of(cluster("c", b.endpoint())));
        List<TryOutcome> outcomes = new CopyOnWriteArrayList<>();
        p.addOutcomeListener((c, ep, o, n) -> outcomes.add(o));
        H1Upstream up = (H1Upstream) p.cluster("c").upstream;

        Socket s = new Socket(HOST, p.boundPort("in"));
        AtomicLong sent = new AtomicLong();
        AtomicLong lastProgress = new AtomicLong(System.nanoTime());
        Thread writer = new Thread(() -> {
            try {
                OutputStream o = s.getOutputStream();
                o.write(("POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: " + (1L << 30) + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                byte[] chunk = new byte[8192];
                while (true) {
                    o.write(chunk); // blocks once every buffer on the way is full
                    sent.addAndGet(chunk.length);
                    lastProgress.set(System.nanoTime());
                }
            } catch (IOException closed) {
                // the test closed the socket
            }
        }, "uploader");
        writer.start();
        try {
            Await.until("the request is forwarded", Duration.ofSeconds(10), () -> b.hits.get() == 1);
            // Held back: megabytes went out, and then no byte for 300 ms (every buffer on the way is full).
            Await.until("the upload is held back", Duration.ofSeconds(10), () -> sent.get() > (1 << 20)
                    && System.nanoTime() - lastProgress.get() > Duration.ofMillis(300).toNanos());
            s.setSoLinger(true, 0);
        } finally {
            s.close();
            writer.join(10_000);
        }
        Await.until("no active request", Duration.ofSeconds(3), () -> p.activeRequests() == 0);
        Await.until("no upstream connection", Duration.ofSeconds(3), () -> up.openConnections() == 0);
        assertThat(registry.get("gossamer.downstream.aborts").tag("cluster", "c").counter().count()).isEqualTo(1.0);
        assertThat(outcomes).isEmpty();
    }
}
