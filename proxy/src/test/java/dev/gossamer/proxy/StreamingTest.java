package dev.gossamer.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/**
 * 64 MiB each way through the proxy. "Not buffered" is checked by causality: the backend sees the first upload
 * byte while the client has sent only a fraction of the body, and the client sees the first download byte while
 * the backend has written only a fraction (the back-pressure chain holds the rest). A full buffer would need
 * the whole body first.
 */
class StreamingTest extends ProxyTestBase {

    private static final long TOTAL = 64L * 1024 * 1024;
    private static final Buffer CHUNK = Buffer.buffer(new byte[64 * 1024]);

    @Test
    void largeUploadStreamsWithBackPressure() {
        Backend a = backend("a");
        AtomicLong clientSent = new AtomicLong();
        AtomicLong sentAtFirstByte = new AtomicLong(-1);
        a.behaviour = req -> {
            AtomicLong got = new AtomicLong();
            req.handler(b -> {
                sentAtFirstByte.compareAndSet(-1, clientSent.get());
                got.addAndGet(b.length());
            });
            req.endHandler(v -> req.response().end(Long.toString(got.get())));
        };
        DataPlane p = startPlane(List.of(streaming(route("r", RouteMatch.ANY, "c"))),
                List.of(cluster("c", a.endpoint())));
        HttpClientAgent c = client();
        Resp r = await(c.request(new RequestOptions().setHost(HOST).setPort(p.boundPort("in"))
                .setMethod(HttpMethod.POST).setURI("/up")).compose(req -> {
                    req.putHeader("content-length", Long.toString(TOTAL));
                    Promise<Void> sent = Promise.promise();
                    pump(req, clientSent, sent);
                    return req.response().compose(resp -> resp.body().map(b -> new Resp(resp.statusCode(),
                            resp.headers(), b.toString(), resp.version())));
                }));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(Long.toString(TOTAL));
        assertThat(sentAtFirstByte.get()).as("client bytes sent when the backend saw the first byte")
                .isBetween(0L, TOTAL / 2);
    }

    @Test
    void http2UploadWithoutContentLengthToAnHttp2ClusterStreamsWithBackPressure() {
        // How every gRPC client streams (issue 15): HTTP/2 both ways, no Content-Length, the body flow-controlled.
        Backend a = backend("a");
        AtomicLong clientSent = new AtomicLong();
        AtomicLong sentAtFirstByte = new AtomicLong(-1);
        a.behaviour = req -> {
            AtomicLong got = new AtomicLong();
            req.handler(b -> {
                sentAtFirstByte.compareAndSet(-1, clientSent.get());
                got.addAndGet(b.length());
            });
            req.endHandler(v -> req.response().end(req.version() + ":" + got.get()));
        };
        DataPlane p = startPlane(List.of(streaming(route("r", RouteMatch.ANY, "c"))),
                List.of(cluster("c", a.endpoint()).withProtocol(Protocol.HTTP2)));
        HttpClientAgent c = client(new io.vertx.core.http.HttpClientOptions()
                .setProtocolVersion(io.vertx.core.http.HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false));
        Resp r = await(c.request(new RequestOptions().setHost(HOST).setPort(p.boundPort("in"))
                .setMethod(HttpMethod.POST).setURI("/up")).compose(req -> {
                    req.setChunked(true); // no Content-Length: DATA frames until END_STREAM
                    Promise<Void> sent = Promise.promise();
                    pump(req, clientSent, sent);
                    return req.response().compose(resp -> resp.body().map(b -> new Resp(resp.statusCode(),
                            resp.headers(), b.toString(), resp.version())));
                }));
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        assertThat(r.body()).isEqualTo("HTTP_2:" + TOTAL);
        assertThat(sentAtFirstByte.get()).as("client bytes sent when the backend saw the first byte")
                .isBetween(0L, TOTAL / 2);
    }

    private static void pump(HttpClientRequest req, AtomicLong sent, Promise<Void> done) {
        while (sent.get() < TOTAL) {
            if (req.writeQueueFull()) {
                req.drainHandler(v -> pump(req, sent, done));
                return;
            }
            req.write(CHUNK);
            sent.addAndGet(CHUNK.length());
        }
        req.end().onComplete(done);
    }

    @Test
    void largeDownloadStreamsWithBackPressure() {
        Backend a = backend("a");
        AtomicLong backendWritten = new AtomicLong();
        a.behaviour = req -> {
            HttpServerResponse resp = req.response().setChunked(true);
            write(resp, backendWritten);
        };
        DataPlane p = startPlane(List.of(streaming(route("r", RouteMatch.ANY, "c"))),
                List.of(cluster("c", a.endpoint())));
        HttpClientAgent c = client();
        AtomicLong writtenAtFirstByte = new AtomicLong(-1);
        long received = await(streamed(c, new RequestOptions().setHost(HOST).setPort(p.boundPort("in"))
                .setURI("/down"), resp -> {
                    AtomicLong got = new AtomicLong();
                    Promise<Long> done = Promise.promise();
                    resp.handler(b -> {
                        writtenAtFirstByte.compareAndSet(-1, backendWritten.get());
                        got.addAndGet(b.length());
                    });
                    resp.endHandler(v -> done.complete(got.get()));
                    return done.future();
                }));
        assertThat(received).isEqualTo(TOTAL);
        assertThat(writtenAtFirstByte.get()).as("backend bytes written when the client saw the first byte")
                .isBetween(0L, TOTAL / 2);
    }

    @Test
    void contentLengthBodyInManyChunksArrivesWholeAndEndsOnce() {
        // A body with Content-Length is ended with its last chunk; every earlier chunk must still stream through.
        long total = 8L * 1024 * 1024;
        Backend a = backend("a");
        AtomicLong backendWritten = new AtomicLong();
        a.behaviour = req -> {
            HttpServerResponse resp = req.response().putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(total));
            writeFixed(resp, backendWritten, total);
        };
        DataPlane p = startPlane(List.of(streaming(route("r", RouteMatch.ANY, "c"))),
                List.of(cluster("c", a.endpoint())));
        HttpClientAgent c = client();
        for (int i = 0; i < 3; i++) { // the same keep-alive connections are reused: each response ended cleanly
            backendWritten.set(0);
            String[] head = new String[2];
            long received = await(streamed(c, new RequestOptions().setHost(HOST).setPort(p.boundPort("in"))
                    .setURI("/fixed"), resp -> {
                        head[0] = resp.getHeader(HttpHeaders.CONTENT_LENGTH);
                        head[1] = resp.getHeader(HttpHeaders.TRANSFER_ENCODING);
                        AtomicLong got = new AtomicLong();
                        Promise<Long> done = Promise.promise();
                        resp.handler(b -> got.addAndGet(b.length()));
                        resp.endHandler(v -> done.complete(got.get()));
                        return done.future();
                    }));
            assertThat(received).as("round " + i).isEqualTo(total);
            assertThat(head[0]).as("round " + i).isEqualTo(Long.toString(total));
            assertThat(head[1]).as("round " + i).isNull();
        }
        eventually("3 answers recorded as 2xx", () -> registry.find("gossamer.requests").tag("route", "r")
                .tag("status_class", "2xx").counter() != null
                && registry.find("gossamer.requests").tag("route", "r").tag("status_class", "2xx").counter()
                        .count() == 3.0);
        eventually("no request left active", () -> p.activeRequests() == 0);
    }

    @Test
    void aBodyThatOutgrowsTheReplayBufferBeforeTheConnectionExistsArrivesWhole() {
        // One connection per endpoint, held by a parked request: the upload's first try waits for the pool while
        // its chunked body arrives, far more of it than the 64 KiB replay buffer. Once the connection frees, all
        // of it must reach the backend in order, and none of it before.
        long total = 4L * 1024 * 1024;
        Backend a = backend("a");
        Promise<Void> release = Promise.promise();
        CRC32 received = new CRC32();
        AtomicLong receivedBytes = new AtomicLong();
        a.behaviour = req -> {
            if (req.path().equals("/hold")) {
                release.future().onComplete(v -> req.response().end("released"));
                return;
            }
            req.handler(b -> {
                received.update(b.getBytes());
                receivedBytes.addAndGet(b.length());
            });
            req.endHandler(v -> req.response().end(Long.toString(received.getValue())));
        };
        ClusterSpec one = new ClusterSpec("c", List.of(a.endpoint()), new TestRoundRobin(), HashOn.NONE,
                Protocol.HTTP1, Duration.ofSeconds(1), 1);
        // One event loop: H1Upstream splits max_connections_per_endpoint across the listener's loops, each of N
        // opening up to max(1, 1/N), so with the tests' two the upload could land on a loop whose pool has a
        // connection free, and its body would reach the backend at once (seen once in a full run).
        DataPlane p = plane(DataPlaneOptions.builder().acceptorInstances(1).drainTimeout(Duration.ofSeconds(2))
                .build(), null);
        p.apply(List.of(streaming(route("r", RouteMatch.ANY, "c"))), List.of(one));
        await(p.start(List.of(new ListenerSpec("in", HOST, 0))));
        HttpClientAgent c = client();
        int port = p.boundPort("in");
        Future<Resp> held = send(c, port, HttpMethod.GET, "/hold", Map.of(), null);
        eventually("the backend holds the only connection", () -> a.hits.get() == 1);

        byte[] body = new byte[(int) total];
        new Random(7).nextBytes(body);
        CRC32 sent = new CRC32();
        sent.update(body);
        AtomicLong clientSent = new AtomicLong();
        Future<Resp> upload = c.request(new RequestOptions().setHost(HOST).setPort(port)
                .setMethod(HttpMethod.POST).setURI("/up")).compose(req -> {
                    req.setChunked(true);
                    pumpBody(req, Buffer.buffer(body), clientSent);
                    return req.response().compose(resp -> resp.body().map(b -> new Resp(resp.statusCode(),
                            resp.headers(), b.toString(), resp.version())));
                });
        eventually("the client sent well past the replay buffer", () -> clientSent.get() >= 512 * 1024);
        assertThat(receivedBytes.get()).as("nothing reached the backend before the connection was free").isZero();
        release.complete();

        assertThat(await(held).body()).isEqualTo("released");
        Resp r = await(upload);
        assertThat(r.status()).isEqualTo(200);
        assertThat(receivedBytes.get()).isEqualTo(total);
        assertThat(r.body()).as("CRC32 of what the backend received").isEqualTo(Long.toString(sent.getValue()));
    }

    private static void pumpBody(HttpClientRequest req, Buffer body, AtomicLong sent) {
        while (sent.get() < body.length()) {
            if (req.writeQueueFull()) {
                req.drainHandler(v -> pumpBody(req, body, sent));
                return;
            }
            int from = (int) sent.get();
            int to = Math.min(body.length(), from + 16 * 1024);
            req.write(body.slice(from, to));
            sent.set(to);
        }
        req.end();
    }

    private static void writeFixed(HttpServerResponse resp, AtomicLong written, long total) {
        while (written.get() < total) {
            if (resp.writeQueueFull()) {
                resp.drainHandler(v -> writeFixed(resp, written, total));
                return;
            }
            resp.write(CHUNK);
            written.addAndGet(CHUNK.length());
        }
        resp.end();
    }

    private static void write(HttpServerResponse resp, AtomicLong written) {
        while (written.get() < TOTAL) {
            if (resp.writeQueueFull()) {
                resp.drainHandler(v -> write(resp, written));
                return;
            }
            resp.write(CHUNK);
            written.addAndGet(CHUNK.length());
        }
        resp.end();
    }

    /**
     * Streams of many megabytes are what `timeout: 0` is for now that the route timeout bounds the whole response
     * (Envoy's semantics): a loaded machine must not turn a slow transfer into a cut one here.
     */
    private static RouteSpec streaming(RouteSpec r) {
        return r.withTimeout(java.time.Duration.ZERO);
    }
}
