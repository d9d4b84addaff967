package dev.gossamer.sidecar;

import dev.gossamer.common.Ticker;
import dev.gossamer.config.ConfigLoader;
import dev.gossamer.config.ConfigResult;
import dev.gossamer.config.Durations;
import dev.gossamer.config.SidecarConfig;
import dev.gossamer.membership.MemberState;
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
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
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
import java.util.function.BooleanSupplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code gossamer demo}: the local demo mesh. Three backends, each with a sidecar node beside it; the nodes find
 * each other by encrypted gossip and advertise their backend as service {@code orders} with its health. Through
 * node-1 the demo shows how each balancing policy spreads traffic, that a hash key sticks to one backend, that a
 * backend killed under load fails no request (retries, outlier and dead-endpoint skip, then its failed health check
 * spreads by gossip), and that a crashed node leaves every picker. Then it serves until Ctrl-C or
 * {@code --duration}. Exits 1 if anything it shows is wrong.
 *
 * <p>Each node runs on its own Vert.x instance, so "crashing" node-3 is closing that instance: its sockets close
 * without a goodbye, as when a pod dies.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the local demo mesh: three backends with a sidecar node each, found by gossip; "
                + "traffic through every policy; a backend killed and a node crashed under load.")
final class DemoCommand implements Callable<Integer> {

    static final int NODES = 3;
    /** The control plane's voters: three tolerate one failure. */
    static final int VOTERS = 3;

    /** The demo reports real elapsed time to a person: the system clock, through the one adapter. */
    private static final Ticker CLOCK = Ticker.system();

    /** The demo's static routes: route and cluster name → the cluster's balancer block. */
    static final Map<String, String> POLICIES = demoPolicies();

    @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "${env:GOSSAMER_LOG_LEVEL:-warn}",
            description = "The nodes' log level: trace, debug, info, warn or error (default: $GOSSAMER_LOG_LEVEL, "
                    + "else warn: six nodes in one process log every join at info, and the demo's own lines tell "
                    + "the story).")
    String logLevel = "warn";

    @Option(names = "--duration", paramLabel = "DURATION",
            description = "Stop by itself this long after the checks (e.g. 30s; 0 = right away). "
                    + "Default: run until Ctrl-C.")
    String duration;

    @Option(names = "--port", paramLabel = "PORT",
            description = "node-1's listener port (0 = any free; default ${DEFAULT-VALUE}).")
    int port = 15001;

    @Option(names = "--admin-port", paramLabel = "PORT",
            description = "node-1's admin API port (0 = any free; default ${DEFAULT-VALUE}).")
    int adminPort = 9901;

    @Mixin
    TransportOption transport = new TransportOption();

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
        if (Logging.level(logLevel).isEmpty()) {
            System.err.println("--log-level " + logLevel + " (expected: one of " + Logging.levelNames() + ")");
            return 2;
        }
        Logging.configure(Logging.Format.text, logLevel);
        // The demo stops the Raft leader on purpose; Ratis's own warnings and stack traces about the peer it lost
        // would bury the story (its steps print what happened, and a failed step says why). `gossamer run` and
        // `gossamer control` keep Ratis at warn.
        Logging.setLevel("org.apache.ratis", java.util.logging.Level.OFF);
        Vertx backendsVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        Path dir = Files.createTempDirectory("gossamer-demo");
        List<Vertx> nodeVertx = new ArrayList<>();
        List<Sidecar> nodes = new ArrayList<>();
        List<Sidecar> controlNodes = new ArrayList<>();
        Vertx controlVertx = null;
        DemoBackends backends = null;
        boolean ok;
        try {
            backends = await(DemoBackends.start(backendsVertx, NODES));
            out.println("Gossamer demo: backends " + backends.ids() + " on 127.0.0.1:" + backends.port(0) + ", "
                    + backends.port(1) + ", " + backends.port(2) + ", a sidecar node beside each");
            writeMesh(dir, backends);
            String key = Base64.getEncoder().encodeToString(randomKey());
            // The control plane first: three voters (as `gossamer control` runs them) own the mesh config; the
            // leader proposes mesh.yaml, and every node applies the committed version.
            List<String> voters = new ArrayList<>();
            for (int i = 1; i <= VOTERS; i++) {
                voters.add("cp-" + i + "@127.0.0.1:" + freePort());
            }
            controlVertx = transport.vertx(1); // kept apart from nodeVertx: the crash step indexes that by node
            String seed = null;
            for (int i = 1; i <= VOTERS; i++) {
                Path file = writeVoter(dir, i, voters, seed, key);
                ConfigResult<SidecarConfig> cfg = ConfigLoader.withSystemEnvironment().loadSidecar(file);
                if (!cfg.isOk()) {
                    out.println("demo config invalid (a bug):\n" + cfg.problemsText());
                    return 1;
                }
                Sidecar voter = await(Sidecar.start(controlVertx, cfg.value(), cfg.sourceMap(),
                        Sidecar.Runtime.system(1)));
                controlNodes.add(voter);
                if (seed == null) {
                    seed = voter.membership().orElseThrow().membership().address();
                }
            }
            for (int i = 0; i < NODES; i++) {
                Path file = writeSidecar(dir, i, backends.port(i), seed, key, voters);
                ConfigResult<SidecarConfig> cfg = ConfigLoader.withSystemEnvironment().loadSidecar(file);
                if (!cfg.isOk()) {
                    out.println("demo config invalid (a bug):\n" + cfg.problemsText());
                    return 1;
                }
                Vertx v = transport.vertx(1);
                nodeVertx.add(v);
                Sidecar node;
                try {
                    node = await(Sidecar.start(v, cfg.value(), cfg.sourceMap(), Sidecar.Runtime.system(1)));
                } catch (StartupFailure f) {
                    throw withDemoFix(f);
                }
                nodes.add(node);
            }
            if (!waitFor(() -> nodes.stream().allMatch(n -> n.meshState().version() >= 1), Duration.ofSeconds(60))) {
                out.println("the control plane committed no mesh config within 60 s (a bug)");
                return 1;
            }
            out.println("control plane: voters " + String.join(", ", voters) + "; mesh.yaml committed as version 1 "
                    + "and applied by every node");
            Sidecar front = nodes.get(0);
            String base = "http://127.0.0.1:" + front.listenerPort("outbound");
            String adminUrl = "http://" + front.adminAddress();
            out.println("node-1 listens on " + base + ", admin on " + adminUrl + "/  (config in " + dir + ")");
            out.println("Open the dashboard now to watch each step live: " + adminUrl + "/");
            out.println();
            Traffic traffic = new Traffic(base, backends, nodes, nodeVertx, controlNodes, dir);
            ok = traffic.run();
            out.println();
            traffic.printSummary();
            out.println();
            out.println(ok ? "All checks passed." : "SOME CHECKS FAILED (see above).");
            out.println("Dashboard: " + adminUrl + "/");
            out.println("Try:  curl " + base + "/maglev/ -H 'x-user-id: 42'    members: ./gossamer members --admin "
                    + front.adminAddress());
            if (stopAfter == null) {
                out.println("Serving until Ctrl-C.");
                Signals.on("INT", front::shutdown);
                Signals.on("TERM", front::shutdown);
                front.terminated().toCompletionStage().toCompletableFuture().get();
            } else if (!stopAfter.isZero()) {
                out.println("Serving for " + duration + ".");
                front.terminated().toCompletionStage().toCompletableFuture()
                        .completeOnTimeout(null, stopAfter.toMillis(), TimeUnit.MILLISECONDS).get();
            }
        } finally {
            for (Sidecar node : nodes) {
                if (node != null) {
                    awaitQuietly(node.shutdown());
                }
            }
            for (Sidecar node : controlNodes) {
                if (node != null) {
                    awaitQuietly(node.shutdown());
                }
            }
            if (controlVertx != null) {
                awaitQuietly(controlVertx.close());
            }
            for (Vertx v : nodeVertx) {
                awaitQuietly(v.close());
            }
            if (backends != null) {
                awaitQuietly(backends.close());
            }
            awaitQuietly(backendsVertx.close());
            deleteQuietly(dir);
        }
        return ok ? 0 : 1;
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Voter i of the control plane: no listeners, no services; it proposes mesh.yaml when it leads. */
    private Path writeVoter(Path dir, int i, List<String> voters, String seed, String key) throws IOException {
        Path file = dir.resolve("control-" + i + ".yaml");
        Files.writeString(file, """
                node: {id: cp-%d}
                admin: {address: 127.0.0.1:0}
                listeners: []
                mesh_config: ./mesh.yaml
                control: {voters: [%s], data_dir: ./cp-%d-data}
                membership:
                  address: 127.0.0.1:0
                  profile: lan
                  seeds: [%s]
                  keys: [%s]
                drain: {timeout: 0}
                """.formatted(i, String.join(", ", voters), i, seed == null ? "" : seed, key));
        return file;
    }

    private static byte[] randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return key;
    }

    /** Node i's bootstrap: node-1 takes the ports given on the command line, the others any free port. */
    private Path writeSidecar(Path dir, int i, int servicePort, String seed, String key, List<String> voters)
            throws IOException {
        Path file = dir.resolve("sidecar-" + (i + 1) + ".yaml");
        Files.writeString(file, """
                node: {id: node-%d, zone: zone-%c}
                admin: {address: 127.0.0.1:%d}
                listeners:
                  - {name: outbound, address: 127.0.0.1:%d}
                services:
                  - name: orders
                    port: %d
                    health_check: {http: /healthz, interval: 500ms, timeout: 250ms, unhealthy_threshold: 2, healthy_threshold: 1}
                control: {voters: [%s], data_dir: ./node-%d-data}
                membership:
                  address: 127.0.0.1:0
                  profile: lan
                  seeds: [%s]
                  keys: [%s]
                drain: {timeout: 2s}
                """.formatted(i + 1, (char) ('a' + i), i == 0 ? adminPort : 0, i == 0 ? port : 0, servicePort,
                String.join(", ", voters), i + 1, seed == null ? "" : seed, key));
        return file;
    }

    /** One mesh document for every node: a static cluster per policy, and {@code orders} from gossip. */
    private void writeMesh(Path dir, DemoBackends backends) throws IOException {
        String retries = "    retries: {attempts: 2, retry_on: [connect_failure, reset, gateway_error], "
                + "per_try_timeout: 2s}\n";
        StringBuilder mesh = new StringBuilder("routes:\n");
        for (String name : POLICIES.keySet()) {
            mesh.append("  - name: ").append(name).append('\n')
                    .append("    match: {path_prefix: /").append(name).append("/}\n")
                    .append("    cluster: ").append(name).append('\n')
                    .append("    timeout: 5s\n")
                    .append(retries);
        }
        mesh.append("  - name: orders\n    match: {path_prefix: /orders/}\n    cluster: orders\n    timeout: 5s\n")
                .append(retries);
        mesh.append("clusters:\n");
        String eps = "[127.0.0.1:" + backends.port(0) + ", 127.0.0.1:" + backends.port(1) + ", 127.0.0.1:"
                + backends.port(2) + "]";
        for (Map.Entry<String, String> e : POLICIES.entrySet()) {
            mesh.append("  - name: ").append(e.getKey()).append('\n')
                    .append("    endpoints: ").append(eps).append('\n')
                    .append("    balancer: ").append(e.getValue()).append('\n')
                    .append("    connect_timeout: 500ms\n")
                    .append("    outlier_detection: {consecutive_local_origin_failure: 3, base_ejection_time: 10s}\n");
        }
        mesh.append("  - name: orders            # no endpoints: the members that serve 'orders'\n")
                .append("    balancer: {policy: round_robin}\n")
                .append("    connect_timeout: 500ms\n");
        Files.writeString(dir.resolve("mesh.yaml"), mesh.toString());
    }

    /** The traffic the demo sends and what it checks. */
    private final class Traffic {
        private final String base;
        private final DemoBackends backends;
        private final List<Sidecar> nodes;
        private final List<Vertx> nodeVertx;
        private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        private final ExecutorService pool = Executors.newFixedThreadPool(8);
        private boolean ok = true;

        private final List<Sidecar> controlNodes;
        private final Path dir;
        /** One row per step for the summary table: step, result, whether its checks passed. */
        private final List<String[]> summary = new ArrayList<>();
        private int step;
        private boolean stepOk;

        /** Starts step n of {@link #STEPS}: a progress line and the step's one sentence. */
        private void step(String sentence) {
            if (step > 0) {
                summary.get(summary.size() - 1)[2] = stepOk ? "ok" : "FAILED";
            }
            step++;
            stepOk = true;
            summary.add(new String[] {"", "", ""});
            out.println("[" + step + "/" + STEPS + "] " + sentence);
        }

        /** What the current step found, for the summary table. */
        private void result(String name, String result) {
            String[] row = summary.get(summary.size() - 1);
            row[0] = name;
            row[1] = result;
        }

        void printSummary() {
            if (!summary.isEmpty()) {
                summary.get(summary.size() - 1)[2] = stepOk ? "ok" : "FAILED";
            }
            out.println("Summary");
            int w = summary.stream().mapToInt(r -> r[0].length()).max().orElse(4);
            out.println(String.format("  %-" + w + "s  %-6s  %s", "step", "checks", "what happened"));
            for (String[] r : summary) {
                out.println(String.format("  %-" + w + "s  %-6s  %s", r[0], r[2], r[1]));
            }
        }

        Traffic(String base, DemoBackends backends, List<Sidecar> nodes, List<Vertx> nodeVertx,
                List<Sidecar> controlNodes, Path dir) {
            this.base = base;
            this.backends = backends;
            this.nodes = nodes;
            this.nodeVertx = nodeVertx;
            this.controlNodes = controlNodes;
            this.dir = dir;
        }

        static final int STEPS = 6;

        boolean run() throws Exception {
            try {
                gossip();
                spread();
                stickiness();
                failover();
                controlPlane();
                crash();
                return ok;
            } finally {
                pool.shutdownNow();
            }
        }

        private MeshMembership membership(int node) {
            return nodes.get(node).membership().orElseThrow();
        }

        private void gossip() throws Exception {
            long start = CLOCK.nanoTime();
            boolean found = waitFor(() -> membership(0).endpoints("orders").size() == NODES, Duration.ofSeconds(20));
            long foundMs = millisSince(start);
            step("The three nodes found each other by encrypted gossip: node-1 has "
                    + membership(0).endpoints("orders").size() + " 'orders' endpoints after " + foundMs + " ms.");
            result("gossip", "3 nodes, " + membership(0).endpoints("orders").size() + " 'orders' endpoints on node-1 "
                    + "after " + foundMs + " ms");
            check(found, "gossip: node-1 sees every node's orders endpoint");
            java.io.ByteArrayOutputStream table = new java.io.ByteArrayOutputStream();
            MembersCommand.print(AdminServer.members(nodes.get(0)),
                    new PrintStream(table, true, java.nio.charset.StandardCharsets.UTF_8));
            table.toString(java.nio.charset.StandardCharsets.UTF_8).lines().forEach(l -> out.println("   " + l));
        }

        private void spread() throws Exception {
            List<String> routes = new ArrayList<>(POLICIES.keySet());
            routes.add("orders");
            step(requests + " requests through each route show how each policy spreads traffic (orders: endpoints "
                    + "from gossip).");
            Map<String, Map<String, Integer>> table = new LinkedHashMap<>();
            for (String route : routes) {
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
            List<String> spreads = new ArrayList<>();
            int failedSpread = 0;
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
                spreads.add(row.getKey() + " " + String.join("/", backends.ids().stream()
                        .map(id -> String.valueOf(row.getValue().getOrDefault(id, 0))).toList()));
                failedSpread += row.getValue().getOrDefault("FAILED", 0);
                check(row.getValue().getOrDefault("FAILED", 0) == 0, row.getKey() + ": no request failed");
                for (String id : backends.ids()) {
                    check(row.getValue().getOrDefault(id, 0) > 0, row.getKey() + ": " + id + " got traffic");
                }
            }
            result("spread per policy", String.join(" · ", spreads) + " (b1/b2/b3); " + failedSpread + " failed");
            if (requests % NODES == 0) {
                for (String rr : List.of("round-robin", "orders")) {
                    check(backends.ids().stream().allMatch(id -> table.get(rr).get(id) == requests / NODES),
                            rr + ": exactly " + requests / NODES + " each");
                }
            }
        }

        private void stickiness() throws Exception {
            step("Consistent hashing keeps a user on one backend: 50 user ids, 6 requests each.");
            List<String> hashing = new ArrayList<>();
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
                hashing.add(route + (sticky ? " sticky" : " NOT sticky") + " over " + distinct + " backends");
                result("consistent hashing", String.join(" · ", hashing));
                check(sticky, route + ": one key, one backend");
                check(distinct > 1, route + ": keys spread over more than one backend");
            }
        }

        /** Clients that send until stopped, counting failures and answers from backends that should be gone. */
        private final class Load {
            final AtomicBoolean stop = new AtomicBoolean();
            final AtomicLong sent = new AtomicLong();
            final AtomicLong failed = new AtomicLong();
            final AtomicLong fromGone = new AtomicLong();
            volatile String gone = "";
            final List<Future<?>> clients = new ArrayList<>();

            Load(List<String> routes) {
                for (int c = 0; c < 4; c++) {
                    String route = routes.get(c % routes.size());
                    int client = c;
                    clients.add(pool.submit(() -> {
                        int i = 0;
                        while (!stop.get()) {
                            String goneBefore = gone;
                            String who = get(base + "/" + route + "/", "user-" + client + "-" + (i++ % 20));
                            sent.incrementAndGet();
                            if ("FAILED".equals(who)) {
                                failed.incrementAndGet();
                            } else if (who.equals(goneBefore)) {
                                fromGone.incrementAndGet();
                            }
                        }
                        return null;
                    }));
                }
            }

            void stop() throws Exception {
                stop.set(true);
                for (Future<?> f : clients) {
                    f.get();
                }
            }
        }

        private void failover() throws Exception {
            step("Backend b2 is killed while 4 clients send to round-robin, maglev and orders: retries hide it, "
                    + "the pickers drop it, gossip spreads its failed check.");
            Load load = new Load(List.of("round-robin", "maglev", "orders", "round-robin"));
            waitFor(() -> load.sent.get() >= 400, Duration.ofSeconds(20));
            long before = load.sent.get();
            String b2 = "127.0.0.1:" + backends.port(1);
            Sidecar front = nodes.get(0);
            FirstTimes times = new FirstTimes();
            times.watch("left", () -> !"healthy".equals(endpointState(front, "round-robin", b2)));
            times.watch("ejected", () -> front.health("round-robin")
                    .map(h -> h.outlier(b2) != null && h.outlier(b2).ejected()).orElse(false));
            times.watch("gossip", () -> membership(0).endpoints("orders").size() == NODES - 1);
            await(backends.kill(1));
            load.gone = "b2";
            boolean dropped = waitFor(() -> times.seen("gossip") && times.seen("left"), Duration.ofSeconds(20));
            waitFor(() -> load.sent.get() >= before + 1500, Duration.ofSeconds(30));
            load.stop();
            times.stop();
            out.println("   " + load.sent.get() + " requests, " + load.failed.get() + " failed, " + load.fromGone.get()
                    + " answered by b2 after it was killed");
            out.println("   node-1's round-robin picker stopped using b2 after " + times.describe("left")
                    + "; outlier detection ejected it after " + times.describe("ejected")
                    + "; node-2's failed health check reached node-1's 'orders' by gossip after "
                    + times.describe("gossip"));
            result("backend b2 killed", "left the picker " + times.describe("left") + " · ejected "
                    + times.describe("ejected") + " · out of 'orders' by gossip " + times.describe("gossip") + " · "
                    + load.failed.get() + " of " + load.sent.get() + " requests failed");
            check(load.failed.get() == 0, "failover: no request failed");
            check(load.fromGone.get() == 0, "failover: nothing answered by the dead backend");
            check(dropped, "failover: node-1 dropped b2 from orders via gossip");
        }

        /**
         * The control plane's story: stop the Raft leader while clients send, commit a new mesh.yaml through another
         * voter, and watch it reach every node.
         */
        private void controlPlane() throws Exception {
            step("The control plane's leader is stopped while clients send; a new mesh.yaml (a route added) is "
                    + "committed through a surviving voter and reaches every node.");
            Sidecar anyVoter = controlNodes.get(0);
            String leader = await(anyVoter.control().orElseThrow().leader()).leader().orElse("");
            int leaderIndex = Integer.parseInt(leader.substring("cp-".length())) - 1;
            Load load = new Load(List.of("round-robin", "orders"));
            waitFor(() -> load.sent.get() >= 200, Duration.ofSeconds(20));
            long stoppedAt = CLOCK.nanoTime();
            await(controlNodes.get(leaderIndex).shutdown());
            controlNodes.set(leaderIndex, null);
            Sidecar survivor = controlNodes.stream().filter(java.util.Objects::nonNull).findFirst().orElseThrow();
            long version = nodes.get(0).meshState().version();
            // The demo's mesh.yaml lists its routes first: the new route goes at the end of that list.
            String updated = Files.readString(dir.resolve("mesh.yaml")).replace("\nclusters:\n",
                    "\n  - {name: added-by-the-demo, match: {path_prefix: /added/}, cluster: round-robin}\nclusters:\n");
            // Until the survivors elect a leader a write fails fast (no majority yet); it is simply asked again.
            ControlLink control = survivor.control().orElseThrow();
            boolean committed = waitFor(() -> {
                try {
                    return await(control.put(updated, java.util.OptionalLong.empty(), "demo", "gossamer demo"))
                            instanceof dev.gossamer.control.WriteResult.Committed;
                } catch (Exception e) {
                    return false;
                }
            }, Duration.ofSeconds(30));
            long committedMs = millisSince(stoppedAt);
            long committedAt = CLOCK.nanoTime();
            boolean everywhere = committed && waitFor(() -> nodes.stream().filter(java.util.Objects::nonNull)
                    .allMatch(n -> n.meshState().version() > version), Duration.ofSeconds(20));
            long appliedMs = millisSince(committedAt);
            String newLeader = await(survivor.control().orElseThrow().leader()).leader().orElse("none");
            load.stop();
            String added = get(base + "/added/", "x");
            out.println("   " + leader + " stopped; " + newLeader + " leads now; the new version was committed "
                    + committedMs + " ms after the stop and applied by every node " + appliedMs + " ms later");
            out.println("   " + load.sent.get() + " requests meanwhile, " + load.failed.get() + " failed; "
                    + "GET /added/ through node-1 answered by " + added);
            result("leader stopped", leader + " -> " + newLeader + " · new version committed " + committedMs
                    + " ms after the stop · applied everywhere " + appliedMs + " ms later · " + load.failed.get()
                    + " of " + load.sent.get() + " requests failed");
            check(committed, "control: a new version committed after the leader stopped");
            check(everywhere, "control: every node applied it");
            check(!newLeader.equals(leader) && !newLeader.equals("none"), "control: a new leader was elected");
            check(load.failed.get() == 0, "control: no request failed");
            check(!"FAILED".equals(added), "control: the added route serves");
        }

        private void crash() throws Exception {
            step("Node-3 and its backend b3 crash (sockets closed, no goodbye) while clients send to orders: SWIM "
                    + "declares it dead and its endpoint leaves every picker.");
            Load load = new Load(List.of("orders"));
            waitFor(() -> load.sent.get() >= 200, Duration.ofSeconds(20));
            long crashedAt = CLOCK.nanoTime();
            await(nodeVertx.get(2).close());
            nodes.set(2, null); // crashed: nothing left to shut down
            await(backends.kill(2));
            load.gone = "b3";
            boolean dead = waitFor(() -> membership(0).members().stream()
                    .anyMatch(m -> m.id().equals("node-3") && m.state() == MemberState.DEAD), Duration.ofSeconds(30));
            long deadMs = millisSince(crashedAt);
            long more = load.sent.get();
            waitFor(() -> load.sent.get() >= more + 200, Duration.ofSeconds(20));
            load.stop();
            out.println("   node-1 declared node-3 dead after " + deadMs + " ms (SWIM probe, suspicion, timeout); "
                    + load.sent.get() + " requests, " + load.failed.get() + " failed, orders endpoints now "
                    + membership(0).endpoints("orders").size());
            result("node-3 crashed", "declared dead after " + deadMs + " ms · " + load.failed.get() + " of "
                    + load.sent.get() + " requests failed · 'orders' endpoints now "
                    + membership(0).endpoints("orders").size());
            check(dead, "crash: node-3 declared dead");
            check(load.failed.get() == 0, "crash: no request failed");
            check(membership(0).endpoints("orders").size() == 1, "crash: only b1 is left in orders");
        }

        /** The state the dashboard shows for {@code endpoint} of {@code cluster} on {@code node}, or "gone". */
        private String endpointState(Sidecar node, String cluster, String endpoint) {
            for (dev.gossamer.proxy.ClusterStatus c : node.dataPlane().clusters()) {
                if (c.name().equals(cluster)) {
                    for (dev.gossamer.proxy.ClusterStatus.EndpointStatus e : c.endpoints()) {
                        if (e.id().equals(endpoint)) {
                            return DashboardState.endpointState(c, e, node.health(cluster).orElse(null),
                                    node.dataPlane().slowStarting(cluster))[0];
                        }
                    }
                }
            }
            return "gone";
        }

        /** Watches conditions every 10 ms on a pool thread and keeps when each first held. */
        private final class FirstTimes {
            private final long start = CLOCK.nanoTime();
            private final Map<String, BooleanSupplier> conditions = new java.util.concurrent.ConcurrentHashMap<>();
            private final Map<String, Long> firstMs = new java.util.concurrent.ConcurrentHashMap<>();
            private final AtomicBoolean stopped = new AtomicBoolean();
            private final Future<?> poller;

            FirstTimes() {
                poller = pool.submit(() -> {
                    while (!stopped.get()) {
                        conditions.forEach((name, c) -> {
                            if (!firstMs.containsKey(name) && c.getAsBoolean()) {
                                firstMs.put(name, millisSince(start));
                            }
                        });
                        TimeUnit.MILLISECONDS.sleep(10);
                    }
                    return null;
                });
            }

            void watch(String name, BooleanSupplier condition) {
                conditions.put(name, condition);
            }

            boolean seen(String name) {
                return firstMs.containsKey(name);
            }

            String describe(String name) {
                Long ms = firstMs.get(name);
                return ms == null ? "(not within the step)" : ms + " ms";
            }

            void stop() throws Exception {
                stopped.set(true);
                poller.get();
            }
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
                stepOk = false;
                out.println("   CHECK FAILED: " + what);
            }
        }
    }

    private static long millisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(CLOCK.nanoTime() - startNanos);
    }

    /** Polls {@code condition} until it holds or {@code deadline} passes; returns whether it held. */
    private static boolean waitFor(BooleanSupplier condition, Duration deadline) throws InterruptedException {
        long end = CLOCK.nanoTime() + deadline.toNanos();
        while (!condition.getAsBoolean()) {
            if (CLOCK.nanoTime() > end) {
                return false;
            }
            TimeUnit.MILLISECONDS.sleep(10);
        }
        return true;
    }

    /**
     * The demo wrote node-1's admin and listener addresses from {@code --admin-port} and {@code --port}: a busy port
     * there is fixed with those flags, not with a sidecar.yaml key the user never saw.
     */
    static StartupFailure withDemoFix(StartupFailure f) {
        if ("admin.address".equals(f.key())) {
            return f.withFix("pass --admin-port PORT (0 picks a free port)");
        }
        if ("listeners[0].address".equals(f.key())) {
            return f.withFix("pass --port PORT (0 picks a free port)");
        }
        return f;
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

    private static void awaitQuietly(io.vertx.core.Future<?> f) {
        try {
            f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            // Best effort while tearing the demo down.
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
