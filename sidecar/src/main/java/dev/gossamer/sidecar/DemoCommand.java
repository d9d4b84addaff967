package dev.gossamer.sidecar;

import dev.gossamer.config.ConfigLoader;
import dev.gossamer.config.ConfigResult;
import dev.gossamer.config.Durations;
import dev.gossamer.config.SidecarConfig;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gossamer demo}: the local demo mesh. Starts three in-process backends and a sidecar in front of them with
 * one route per balancing policy, shows how traffic spreads, that a hash key sticks to one backend, and that
 * killing a backend under load fails no request; then serves until Ctrl-C or {@code --duration}.
 * Exits 1 if anything it shows is wrong.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the local demo mesh: three backends, a sidecar, traffic through every policy, "
                + "a backend killed under load.")
final class DemoCommand implements Callable<Integer> {

    /** The demo's routes: path prefix → the balancer block of its cluster. */
    static final Map<String, String> POLICIES = demoPolicies();

    @Option(names = "--duration", paramLabel = "DURATION",
            description = "Stop by itself this long after the checks (e.g. 30s, 0 = right away). "
                    + "Default: run until Ctrl-C.")
    String duration;

    @Option(names = "--port", paramLabel = "PORT", description = "Listener port (0 = any free; default ${DEFAULT-VALUE}).")
    int port = 15001;

    @Option(names = "--admin-port", paramLabel = "PORT",
            description = "Admin API port (0 = any free; default ${DEFAULT-VALUE}).")
    int adminPort = 9901;

    @Option(names = "--requests", paramLabel = "N", description = "Requests per route (default ${DEFAULT-VALUE}).")
    int requests = 300;

    private final PrintStream out = System.out;
    /** Progress lines rewrite themselves with a carriage return, which only a terminal shows well. */
    private final boolean interactive = System.console() != null;

    private static Map<String, String> demoPolicies() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("round-robin", "{policy: round_robin}");
        m.put("random", "{policy: random}");
        m.put("least-request", "{policy: least_request}");
        m.put("ring-hash", "{policy: consistent_hash, algorithm: ring, hash_on: {header: x-user-id}}");
        m.put("maglev", "{policy: consistent_hash, algorithm: maglev, hash_on: {header: x-user-id}, bounded_load: 1.25}");
        return m;
    }

    @Override
    public Integer call() throws Exception {
        Duration stopAfter = duration == null ? null : Durations.parse(duration);
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
        Path dir = Files.createTempDirectory("gossamer-demo");
        DemoBackends backends = await(DemoBackends.start(vertx, 3));
        Sidecar sidecar = null;
        boolean ok;
        try {
            out.println("Gossamer demo: three backends " + backends.ids() + " on 127.0.0.1:"
                    + backends.port(0) + ", " + backends.port(1) + ", " + backends.port(2));
            writeConfig(dir, backends);
            ConfigLoader loader = ConfigLoader.withSystemEnvironment();
            ConfigResult<SidecarConfig> cfg = loader.loadSidecar(dir.resolve("sidecar.yaml"));
            if (!cfg.isOk()) {
                out.println("demo config invalid (a bug):\n" + cfg.problemsText());
                return 1;
            }
            sidecar = await(Sidecar.start(vertx, cfg.value(), Sidecar.Runtime.system(2)));
            String base = "http://127.0.0.1:" + sidecar.listenerPort("outbound");
            String adminUrl = "http://" + sidecar.adminAddress();
            out.println("sidecar listening on " + base + ", admin on " + adminUrl + "/  (config in " + dir + ")");
            out.println();
            ok = new Traffic(base, backends).run(sidecar);
            out.println();
            out.println(ok ? "All checks passed." : "SOME CHECKS FAILED (see above).");
            out.println("Try:  curl " + base + "/maglev/ -H 'x-user-id: 42'    "
                    + "dashboard: " + adminUrl + "/    metrics: " + adminUrl + "/metrics");
            if (stopAfter == null) {
                out.println("Serving until Ctrl-C.");
                Sidecar s = sidecar;
                Signals.on("INT", s::shutdown);
                Signals.on("TERM", s::shutdown);
                sidecar.terminated().toCompletionStage().toCompletableFuture().get();
            } else if (!stopAfter.isZero()) {
                out.println("Serving for " + duration + ".");
                sidecar.terminated().toCompletionStage().toCompletableFuture()
                        .completeOnTimeout(null, stopAfter.toMillis(), TimeUnit.MILLISECONDS).get();
            }
        } finally {
            if (sidecar != null) {
                await(sidecar.shutdown());
            }
            await(backends.close());
            await(vertx.close());
            deleteQuietly(dir);
        }
        return ok ? 0 : 1;
    }

    private void writeConfig(Path dir, DemoBackends backends) throws IOException {
        Files.writeString(dir.resolve("sidecar.yaml"), """
                # yaml-language-server: $schema=https://gossamer.dev/schema/sidecar.schema.json
                node: {id: demo-node, zone: local}
                admin: {address: 127.0.0.1:%d}
                listeners:
                  - {name: outbound, address: 127.0.0.1:%d}
                mesh_config: ./mesh.yaml
                drain: {timeout: 2s}
                """.formatted(adminPort, port));
        StringBuilder mesh = new StringBuilder("routes:\n");
        String eps = "[127.0.0.1:" + backends.port(0) + ", 127.0.0.1:" + backends.port(1) + ", 127.0.0.1:"
                + backends.port(2) + "]";
        for (String name : POLICIES.keySet()) {
            mesh.append("  - name: ").append(name).append('\n')
                    .append("    match: {path_prefix: /").append(name).append("/}\n")
                    .append("    cluster: ").append(name).append('\n')
                    .append("    timeout: 5s\n")
                    .append("    retries: {attempts: 2, retry_on: [connect_failure, reset, gateway_error], "
                            + "per_try_timeout: 2s}\n");
        }
        mesh.append("clusters:\n");
        for (Map.Entry<String, String> e : POLICIES.entrySet()) {
            mesh.append("  - name: ").append(e.getKey()).append('\n')
                    .append("    endpoints: ").append(eps).append('\n')
                    .append("    balancer: ").append(e.getValue()).append('\n')
                    .append("    connect_timeout: 500ms\n");
        }
        Files.writeString(dir.resolve("mesh.yaml"), mesh.toString());
    }

    /** The traffic the demo sends and what it checks. */
    private final class Traffic {
        private final String base;
        private final DemoBackends backends;
        private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        private final ExecutorService pool = Executors.newFixedThreadPool(8);
        private boolean ok = true;

        Traffic(String base, DemoBackends backends) {
            this.base = base;
            this.backends = backends;
        }

        boolean run(Sidecar sidecar) throws Exception {
            try {
                spread();
                stickiness();
                failover();
                return ok;
            } finally {
                pool.shutdownNow();
            }
        }

        private void spread() throws Exception {
            out.println("1. " + requests + " requests through each route:");
            Map<String, Map<String, Integer>> table = new LinkedHashMap<>();
            for (String route : POLICIES.keySet()) {
                Map<String, Integer> counts = new TreeMap<>();
                backends.ids().forEach(id -> counts.put(id, 0));
                AtomicInteger done = new AtomicInteger();
                List<Future<String>> results = new ArrayList<>();
                for (int i = 0; i < requests; i++) {
                    String key = "user-" + i;
                    results.add(pool.submit(() -> {
                        String who = get(base + "/" + route + "/", key);
                        int n = done.incrementAndGet();
                        if (interactive && (n % 50 == 0 || n == requests)) {
                            out.print("\r   " + route + ": " + n + "/" + requests + "   ");
                        }
                        return who;
                    }));
                }
                for (Future<String> f : results) {
                    counts.merge(f.get(), 1, Integer::sum);
                }
                if (interactive) {
                    out.print("\r" + " ".repeat(40) + "\r");
                }
                table.put(route, counts);
            }
            StringBuilder header = new StringBuilder(String.format("   %-14s", "route"));
            backends.ids().forEach(id -> header.append(String.format("%8s", id)));
            header.append(String.format("%8s", "failed"));
            out.println(header);
            for (Map.Entry<String, Map<String, Integer>> row : table.entrySet()) {
                StringBuilder line = new StringBuilder(String.format("   %-14s", row.getKey()));
                for (String id : backends.ids()) {
                    line.append(String.format("%8d", row.getValue().getOrDefault(id, 0)));
                }
                line.append(String.format("%8d", row.getValue().getOrDefault("FAILED", 0)));
                out.println(line);
                check(row.getValue().getOrDefault("FAILED", 0) == 0, row.getKey() + ": no request failed");
                for (String id : backends.ids()) {
                    check(row.getValue().getOrDefault(id, 0) > 0, row.getKey() + ": " + id + " got traffic");
                }
            }
            Map<String, Integer> rr = table.get("round-robin");
            if (requests % 3 == 0) {
                check(backends.ids().stream().allMatch(id -> rr.get(id) == requests / 3),
                        "round-robin: exactly " + requests / 3 + " each");
            }
        }

        private void stickiness() throws Exception {
            out.println("2. Consistent hashing: 50 user ids, 6 requests each:");
            for (String route : List.of("ring-hash", "maglev")) {
                Map<String, String> owner = new TreeMap<>();
                boolean sticky = true;
                for (int k = 0; k < 50; k++) {
                    String key = "user-" + k;
                    for (int r = 0; r < 6; r++) {
                        String who = get(base + "/" + route + "/", key);
                        String prev = owner.putIfAbsent(key, who);
                        if (prev != null && !prev.equals(who)) {
                            sticky = false;
                        }
                    }
                }
                long distinct = owner.values().stream().distinct().count();
                out.println("   " + route + ": every id always reached the same backend: " + sticky
                        + " (ids spread over " + distinct + " backends)");
                check(sticky, route + ": one key, one backend");
                check(distinct > 1, route + ": keys spread over more than one backend");
            }
        }

        private void failover() throws Exception {
            out.println("3. Kill backend b2 while 4 clients send to round-robin and maglev:");
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong sent = new AtomicLong();
            AtomicLong failed = new AtomicLong();
            AtomicLong afterKillToB2 = new AtomicLong();
            AtomicBoolean killed = new AtomicBoolean();
            List<Future<?>> clients = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                String route = c % 2 == 0 ? "round-robin" : "maglev";
                int client = c;
                clients.add(pool.submit(() -> {
                    int i = 0;
                    while (!stop.get()) {
                        boolean wasKilled = killed.get();
                        String who = get(base + "/" + route + "/", "user-" + client + "-" + (i++ % 20));
                        sent.incrementAndGet();
                        if ("FAILED".equals(who)) {
                            failed.incrementAndGet();
                        } else if (wasKilled && "b2".equals(who)) {
                            afterKillToB2.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            waitFor(() -> sent.get() >= 400, Duration.ofSeconds(20));
            long before = sent.get();
            await(backends.kill(1));
            killed.set(true);
            waitFor(() -> sent.get() >= before + 1500, Duration.ofSeconds(30));
            stop.set(true);
            for (Future<?> f : clients) {
                f.get();
            }
            out.println("   " + sent.get() + " requests, " + failed.get() + " failed, " + afterKillToB2.get()
                    + " answered by b2 after it was killed");
            check(failed.get() == 0, "failover: no request failed");
            check(afterKillToB2.get() == 0, "failover: nothing answered by the dead backend");
        }

        /** GET url with x-user-id; returns the backend id that answered, or FAILED. */
        private String get(String url, String key) {
            try {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(url))
                        .header("x-user-id", key).timeout(Duration.ofSeconds(10)).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                return r.statusCode() == 200 ? r.body().trim() : "FAILED";
            } catch (IOException e) {
                return "FAILED";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "FAILED";
            }
        }

        private void check(boolean condition, String what) {
            if (!condition) {
                ok = false;
                out.println("   CHECK FAILED: " + what);
            }
        }
    }

    private static void waitFor(java.util.function.BooleanSupplier condition, Duration deadline)
            throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < end) {
            TimeUnit.MILLISECONDS.sleep(10);
        }
    }

    private static <T> T await(io.vertx.core.Future<T> f) throws Exception {
        try {
            return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof Exception ex) {
                throw ex;
            }
            throw e;
        }
    }

    private static void deleteQuietly(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // A temp directory left behind is harmless.
        }
    }
}
