package dev.gossamer.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gossamer.common.testing.Await;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 14, finding 8, the listener's half: a request head must arrive within {@code request_headers_timeout} (a
 * trickling or silent client is closed, with 408 when it sent something) and a listener holds at most
 * {@code max_connections} clients (one more is closed at accept). Real sockets on loopback. Without the limits a
 * trickling client keeps its connection for the 5 minute idle timeout and the N+1th connection is served: every test
 * below then fails at its read's 20 s deadline or at its assertion.
 */
class ListenerLimitsIT extends ProxyTestBase {

    private static final Duration HEADERS_TIMEOUT = Duration.ofMillis(500);

    private DataPlane start(ListenerSpec listener) {
        Backend b = backend("b");
        DataPlane p = plane(options(), null);
        p.apply(List.of(route("r", RouteMatch.ANY, "c")), List.of(cluster("c", b.endpoint())));
        await(p.start(List.of(listener)));
        return p;
    }

    private DataPlane startWithTimeout() {
        return start(new ListenerSpec("in", HOST, 0, HEADERS_TIMEOUT, ListenerSpec.DEFAULT_MAX_CONNECTIONS));
    }

    private double headerTimeouts() {
        return registry.get("gossamer.downstream.header.timeouts").tag("listener", "in").counter().count();
    }

    /** Everything the peer sends until it closes; fails if it does not close within 20 s. */
    private static String readToClose(Socket s) throws IOException {
        s.setSoTimeout(20_000);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        InputStream in = s.getInputStream();
        byte[] buf = new byte[4096];
        try {
            for (int n; (n = in.read(buf)) >= 0; ) {
                all.write(buf, 0, n);
            }
        } catch (SocketException reset) {
            // a reset is a close too
        }
        return all.toString(StandardCharsets.ISO_8859_1);
    }

    private static void write(Socket s, String text) throws IOException {
        OutputStream o = s.getOutputStream();
        o.write(text.getBytes(StandardCharsets.ISO_8859_1));
        o.flush();
    }

    @Test
    void aClientThatNeverFinishesItsRequestHeadGets408AndIsClosed() throws Exception {
        DataPlane p = startWithTimeout();
        try (Socket s = new Socket(HOST, p.boundPort("in"))) {
            write(s, "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: 1\r\n");
            String answer = readToClose(s);
            assertThat(answer).startsWith("HTTP/1.1 408 ").contains("x-gossamer-reason: request headers timeout")
                    .contains("connection: close");
        }
        assertThat(headerTimeouts()).isEqualTo(1);
        Await.until("the connection is gone", Duration.ofSeconds(10), () -> p.downstreamConnections("in") == 0);
    }

    @Test
    void aTricklingClientIsClosedThoughEveryByteResetsTheIdleTimer() throws Exception {
        DataPlane p = startWithTimeout();
        ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
        try (Socket s = new Socket(HOST, p.boundPort("in"))) {
            write(s, "GET / HTTP/1.1\r\nHost: x\r\n");
            // One header byte every 50 ms: a slowloris that would keep the connection for ever without the timer.
            trickle.scheduleAtFixedRate(() -> {
                try {
                    write(s, "a");
                } catch (IOException closed) {
                    throw new RuntimeException(closed); // ends the schedule
                }
            }, 0, 50, TimeUnit.MILLISECONDS);
            assertThat(readToClose(s)).startsWith("HTTP/1.1 408 ");
        } finally {
            trickle.shutdownNow();
        }
        assertThat(headerTimeouts()).isEqualTo(1);
    }

    @Test
    void aClientThatSendsNothingIsClosedWithoutAnAnswer() throws Exception {
        DataPlane p = startWithTimeout();
        try (Socket s = new Socket(HOST, p.boundPort("in"))) {
            assertThat(readToClose(s)).isEmpty();
        }
        assertThat(headerTimeouts()).isEqualTo(1);
    }

    @Test
    void anIdleKeepAliveConnectionIsNotTimedBetweenRequests() throws Exception {
        DataPlane p = startWithTimeout();
        try (Socket keep = new Socket(HOST, p.boundPort("in"))) {
            keep.setSoTimeout(20_000);
            write(keep, "GET /1 HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(readResponse(keep)).startsWith("HTTP/1.1 200 ");
            // A witness opened after the first answer: once the timer closed it, more than the headers timeout has
            // passed with `keep` idle (no sleep: the witness's close is the clock).
            try (Socket witness = new Socket(HOST, p.boundPort("in"))) {
                readToClose(witness);
            }
            write(keep, "GET /2 HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(readResponse(keep)).startsWith("HTTP/1.1 200 ");
        }
        assertThat(headerTimeouts()).as("only the witness").isEqualTo(1);
    }

    /** One response whose body is the backend's 1-byte id. */
    private static String readResponse(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        StringBuilder sb = new StringBuilder();
        while (!sb.toString().contains("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                break;
            }
            sb.append((char) c);
        }
        sb.append((char) in.read()); // the body: "b"
        return sb.toString();
    }

    @Test
    void theConnectionPastTheListenersCapIsClosedAtOnceAndCounted() throws Exception {
        DataPlane p = start(new ListenerSpec("in", HOST, 0, ListenerSpec.DEFAULT_REQUEST_HEADERS_TIMEOUT, 3));
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                held.add(new Socket(HOST, p.boundPort("in")));
            }
            Await.until("three connections accepted", Duration.ofSeconds(10),
                    () -> p.downstreamConnections("in") == 3);
            try (Socket extra = new Socket(HOST, p.boundPort("in"))) {
                write(extra, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
                assertThat(readToClose(extra)).as("nothing is read from the fourth").isEmpty();
            } catch (SocketException resetOnWrite) {
                // closed before the write: as good
            }
            assertThat(registry.get("gossamer.downstream.connections.refused").tag("listener", "in").counter()
                    .count()).isEqualTo(1);
            held.remove(0).close();
            Await.until("a slot is free again", Duration.ofSeconds(10), () -> p.downstreamConnections("in") == 2);
            try (Socket again = new Socket(HOST, p.boundPort("in"))) {
                again.setSoTimeout(20_000);
                write(again, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
                assertThat(readResponse(again)).startsWith("HTTP/1.1 200 ");
            }
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
        Await.until("every connection is gone", Duration.ofSeconds(10), () -> p.downstreamConnections("in") == 0);
    }
}
