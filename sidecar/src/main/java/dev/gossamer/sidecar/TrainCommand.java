package dev.gossamer.sidecar;

import dev.gossamer.config.ConfigValidator;
import dev.gossamer.config.ValidationResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code gossamer train}: the launcher's training run for the JVM's class-data archive (CDS on Java 17–24, the AOT
 * cache on 25+). It runs a sidecar on loopback the way {@code gossamer run} does (both YAML documents written,
 * validated and applied, admin API and listener on free ports), proxies requests over HTTP/1.1 and h2c to one
 * backend, reads the admin endpoints, drains and exits 0. Every class a sidecar needs to reach {@code /ready} and
 * serve is loaded here, so the archive made from this run holds them parsed and verified for the next start, and
 * (Java 25+) the request path runs often enough for its method profiles to be worth keeping. Besides keep-alive
 * traffic it opens {@link #DEFAULT_CONNECTIONS} HTTP/1.1 connections of one request each: a client's new connection
 * (accepted, its first bytes read, its pipeline built, its close) is a path of its own, which keep-alive traffic
 * runs only once per connection. With {@code --natives DIR} it also copies Netty's native transport libraries out of
 * the jar into {@code DIR} ({@link NativeLibraries}), which the launcher puts on {@code java.library.path}.
 * Hidden from the help: users run it only through the launcher.
 */
@Command(name = "train", hidden = true, mixinStandardHelpOptions = true,
        description = "Run a sidecar on loopback briefly and exit (the launcher's class-data training run).")
final class TrainCommand implements Callable<Integer> {

    private static final long STEP_SECONDS = 30;

    /**
     * Enough for the request path to be profiled as a loaded sidecar's is: JDK 25's AOT cache keeps the method
     * profiles of the training run, and C2 compiles a method only after thousands of calls (Tier4InvocationThreshold
     * 5000). With 5000 instead of 200 the JIT compiled more in the first 10 s at 1000 req/s; the effect on the tail
     * was below the noise of a busy machine (docs/performance.md, "Start-up"). It costs a few seconds of training,
     * once per build.
     */
    static final int DEFAULT_REQUESTS = 5000;

    /**
     * New connections of one request each, so the accept path's profiles are kept too: with keep-alive traffic
     * alone, a burst of new connections after start runs that path cold, beside the compilers. Measured: bursts of 50
     * new connections a median of 7.0-8.1 ms before, 6.4-6.5 ms after; the closed loop's max barely moved, since C2
     * still compiles that path at run time (docs/performance.md, "Where the closed loop's max comes from").
     */
    static final int DEFAULT_CONNECTIONS = 2000;

    @Option(names = "--requests", paramLabel = "N", description = "Requests per protocol (default ${DEFAULT-VALUE}).")
    int requests = DEFAULT_REQUESTS;

    @Option(names = "--connections", paramLabel = "N",
            description = "HTTP/1.1 connections of one request each (default ${DEFAULT-VALUE}).")
    int connections = DEFAULT_CONNECTIONS;

    @Option(names = "--natives", paramLabel = "DIR",
            description = "Also copy this jar's native transport libraries into DIR "
                    + "(the launcher's java.library.path).")
    Path natives;

    @Mixin
    TransportOption transport = new TransportOption();

    private final PrintStream err = System.err;

    @Override
    public Integer call() throws Exception {
        if (natives != null) {
            Path jar = NativeLibraries.ownJar();
            if (jar == null) {
                err.println("gossamer train: --natives needs the sidecar's jar; these classes come from a directory");
                return 1;
            }
            List<Path> copied = NativeLibraries.extract(jar, natives);
            if (copied.isEmpty()) {
                err.println("gossamer train: no native transport library for this architecture in " + jar);
            }
        }
        Path dir = Files.createTempDirectory("gossamer-train");
        Vertx vertx = transport.vertx(1);
        DemoBackends backends = null;
        Sidecar sidecar = null;
        try {
            backends = await(DemoBackends.start(vertx, 1));
            Files.writeString(dir.resolve("mesh.yaml"), """
                    routes:
                      - {name: r, listener: outbound, match: {path_prefix: /}, cluster: c, timeout: 5s,
                         retries: {attempts: 1, retry_on: [connect_failure, reset]}}
                    clusters:
                      - name: c
                        endpoints: [127.0.0.1:%d]
                        balancer: {policy: round_robin}
                    """.formatted(backends.port(0)));
            Path sidecarFile = dir.resolve("sidecar.yaml");
            Files.writeString(sidecarFile, """
                    node: {id: train, zone: z}
                    admin: {address: 127.0.0.1:0}
                    listeners:
                      - {name: outbound, address: 127.0.0.1:0}
                    mesh_config: ./mesh.yaml
                    """);
            Sidecar.Runtime runtime = Sidecar.Runtime.system(1);
            ValidationResult checked = new ConfigValidator(runtime.loader(), Plans.RULES).validate(sidecarFile);
            if (!checked.isOk() || checked.sidecar().isEmpty()) {
                checked.problems().forEach(err::println);
                return 1;
            }
            sidecar = await(Sidecar.start(vertx, checked.sidecar().get(), checked.sidecarSource(), runtime));
            int listener = sidecar.listenerPort("outbound");
            int admin = sidecar.adminPort();
            int failed = 0;
            for (HttpVersion version : List.of(HttpVersion.HTTP_1_1, HttpVersion.HTTP_2)) {
                HttpClient client = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(version)
                        .setHttp2ClearTextUpgrade(false));
                try {
                    failed += send(client, listener, "/orders/1", requests);
                } finally {
                    await(client.close());
                }
            }
            HttpClient oneShot = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false));
            try {
                failed += send(oneShot, listener, "/orders/1", connections);
            } finally {
                await(oneShot.close());
            }
            HttpClient adminClient = vertx.createHttpClient(new HttpClientOptions());
            try {
                for (String path : List.of("/ready", "/live", "/metrics", "/admin/clusters", "/admin/config", "/")) {
                    failed += send(adminClient, admin, path, 1);
                }
            } finally {
                await(adminClient.close());
            }
            if (failed > 0) {
                err.println("gossamer train: " + failed + " requests did not answer 200");
                return 1;
            }
            return 0;
        } finally {
            if (sidecar != null) {
                awaitQuietly(sidecar.shutdown());
            }
            if (backends != null) {
                awaitQuietly(backends.close());
            }
            awaitQuietly(vertx.close());
            deleteQuietly(dir);
        }
    }

    /** Sends {@code n} GETs, at most 16 at a time; returns how many did not answer 200. */
    private static int send(HttpClient client, int port, String path, int n) throws Exception {
        int failed = 0;
        for (int sent = 0; sent < n; ) {
            List<Future<Integer>> batch = new ArrayList<>();
            for (int i = 0; i < 16 && sent < n; i++, sent++) {
                batch.add(client.request(new RequestOptions().setHost("127.0.0.1").setPort(port)
                                .setMethod(HttpMethod.GET).setURI(path))
                        .compose(req -> req.send().compose(resp -> resp.body().map(b -> resp.statusCode()))));
            }
            for (Future<Integer> f : batch) {
                try {
                    if (await(f) != 200) {
                        failed++;
                    }
                } catch (ExecutionException e) {
                    failed++;
                }
            }
        }
        return failed;
    }

    private static <T> T await(Future<T> f) throws InterruptedException, ExecutionException, TimeoutException {
        return f.toCompletionStage().toCompletableFuture().get(STEP_SECONDS, TimeUnit.SECONDS);
    }

    private static void awaitQuietly(Future<?> f) {
        try {
            await(f);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // best effort on the way out
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind
        }
    }
}
