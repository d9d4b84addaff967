package dev.gossamer.proxy;

import dev.gossamer.common.testing.Await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gossamer.balancer.Endpoint;
import dev.gossamer.common.RandomSource;
import dev.gossamer.common.Scheduler;
import dev.gossamer.common.Ticker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/**
 * Shared fixtures: one Vert.x, real backends on 127.0.0.1 port 0, a data plane in front, a real client. Every plane is
 * built from {@link DataPlaneOptions#builder()}, so {@code -Dgossamer.http1.server=netty} on the Maven command line
 * (surefire and failsafe hand it to the test JVM) runs the whole suite with Netty's HTTP/1.1 listener.
 */
abstract class ProxyTestBase {

    static final String HOST = "127.0.0.1";
    static Vertx vertx;

    final List<Backend> backends = new ArrayList<>();
    final List<DataPlane> planes = new ArrayList<>();
    final List<HttpClientAgent> clients = new ArrayList<>();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @BeforeAll
    static void startVertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopVertx() {
        await(vertx.close());
    }

    @AfterEach
    void cleanUp() {
        for (HttpClientAgent c : clients) {
            await(c.close());
        }
        for (DataPlane p : planes) {
            await(p.drain(Duration.ofMillis(200)));
        }
        for (Backend b : backends) {
            await(b.server.close());
        }
    }

    static <T> T await(Future<T> f) {
        try {
            return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("future did not complete: " + e, e);
        }
    }

    static Throwable awaitFailure(Future<?> f) {
        try {
            f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("expected a failure");
    }

    /** Polls {@code cond} until it holds or 10 s pass (common's {@code Await}). */
    static void eventually(String what, BooleanSupplier cond) {
        Await.until(what, Duration.ofSeconds(10), cond);
    }

    /** A real Vert.x server answering with its id unless a test installs another behaviour. */
    final class Backend {
        final String id;
        final HttpServer server;
        final AtomicInteger hits = new AtomicInteger();
        final List<HttpServerRequest> requests = new CopyOnWriteArrayList<>();
        final List<MultiMap> headers = new CopyOnWriteArrayList<>();
        final List<HttpVersion> versions = new CopyOnWriteArrayList<>();
        volatile Handler<HttpServerRequest> behaviour;

        Backend(String id, HttpServerOptions options, java.util.function.Consumer<HttpServer> setup) {
            this.id = id;
            this.behaviour = req -> req.body().onSuccess(b -> req.response().end(id));
            this.server = vertx.createHttpServer(options).requestHandler(req -> {
                // Recorded before the hit is counted: a test that waits on hits may then read the rest.
                requests.add(req);
                headers.add(HttpHeaders.headers().addAll(req.headers()));
                versions.add(req.version());
                hits.incrementAndGet();
                behaviour.handle(req);
            });
            setup.accept(server);
        }

        int port() {
            return server.actualPort();
        }

        Endpoint endpoint() {
            return Endpoint.of(HOST, port());
        }
    }

    Backend backend(String id) {
        return backend(id, new HttpServerOptions());
    }

    Backend backend(String id, HttpServerOptions options) {
        return backend(id, options, s -> { });
    }

    Backend backend(String id, HttpServerOptions options, java.util.function.Consumer<HttpServer> setup) {
        Backend b = new Backend(id, options, setup);
        await(b.server.listen(0, HOST));
        backends.add(b);
        return b;
    }

    /** An endpoint whose port was bound and then closed: connections are refused. */
    Endpoint deadEndpoint() {
        HttpServer s = vertx.createHttpServer();
        await(s.requestHandler(r -> r.response().end()).listen(0, HOST));
        int port = s.actualPort();
        await(s.close());
        return Endpoint.of(HOST, port);
    }

    DataPlane plane(DataPlaneOptions options, Scheduler scheduler) {
        DataPlane p = scheduler == null
                ? DataPlane.create(vertx, options, registry, Ticker.system(), RandomSource.seeded(42))
                : DataPlane.create(vertx, options, registry, scheduler, RandomSource.seeded(42));
        planes.add(p);
        return p;
    }

    static DataPlaneOptions options() {
        return DataPlaneOptions.builder().acceptorInstances(2).drainTimeout(Duration.ofSeconds(2)).build();
    }

    /** A started plane with listener "in" on port 0 and the given routes/clusters applied. */
    DataPlane startPlane(List<RouteSpec> routes, List<ClusterSpec> clusters) {
        DataPlane p = plane(options(), null);
        p.apply(routes, clusters);
        await(p.start(List.of(new ListenerSpec("in", HOST, 0))));
        return p;
    }

    static ClusterSpec cluster(String name, Endpoint... eps) {
        return ClusterSpec.of(name, List.of(eps), new TestRoundRobin());
    }

    static RouteSpec route(String name, RouteMatch match, String cluster) {
        return RouteSpec.of(name, "in", match, cluster);
    }

    HttpClientAgent client() {
        return client(new HttpClientOptions());
    }

    HttpClientAgent client(HttpClientOptions o) {
        HttpClientAgent c = vertx.createHttpClient(o.setKeepAlive(true), new PoolOptions().setHttp1MaxSize(200));
        clients.add(c);
        return c;
    }

    record Resp(int status, MultiMap headers, String body, HttpVersion version) {
    }

    /**
     * Sends {@code ro} without a body and hands the response to {@code onResponse} on the event loop the moment its
     * head arrives. A handler attached in a callback chained from the test thread can run later than that (a
     * listener added to a completed future is dispatched to the event loop as a task), and the body chunks that
     * arrived meanwhile would be lost: the test would then wait for a byte that came.
     */
    static <T> Future<T> streamed(HttpClientAgent c, RequestOptions ro,
                                  Function<HttpClientResponse, Future<T>> onResponse) {
        return c.request(ro).compose(req -> {
            Future<T> result = req.response().compose(onResponse);
            req.end();
            return result;
        });
    }

    static Future<Resp> send(HttpClientAgent c, int port, HttpMethod method, String uri, Map<String, String> hdrs,
                             String body) {
        RequestOptions ro = new RequestOptions().setHost(HOST).setPort(port).setMethod(method).setURI(uri);
        hdrs.forEach(ro::addHeader);
        return c.request(ro).compose(req -> (body == null ? req.send() : req.send(body))
                .compose(resp -> resp.body().map(b -> new Resp(resp.statusCode(), resp.headers(), b.toString(),
                        resp.version()))));
    }

    static Resp get(HttpClientAgent c, int port, String uri) {
        return await(send(c, port, HttpMethod.GET, uri, Map.of(), null));
    }

    static void assertReason(Resp r, int status, String reason) {
        assertThat(r.status()).as("status of %s", r).isEqualTo(status);
        assertThat(r.headers().get(Exchange.REASON)).isEqualTo(reason);
    }
}
