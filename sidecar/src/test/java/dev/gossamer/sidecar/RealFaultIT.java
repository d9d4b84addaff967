package dev.gossamer.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gossamer.common.testing.Await;
import dev.gossamer.common.testing.Seeds;
import dev.gossamer.common.testing.Tools;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14's real-fault suite: five sidecars of the packaged jar gossiping on loopback, three backend processes, and
 * real faults from the kernel and from signals:
 * <ol>
 *   <li>10% random packet loss on every gossip port (iptables {@code statistic}) for 20 s: no member declared dead;</li>
 *   <li>one member paused with SIGSTOP for 5 s, inside Lifeguard's bounds: with {@code suspicion_mult: 8} the
 *       suspicion timeout of five members starts at 48 s and shrinks with confirmations to no less than
 *       8 × max(1, log10 5) × 1 s = 8 s (with the {@code lan} profile's 4 it reaches 4 s after two confirmations, and
 *       a 5 s pause is then rightly declared dead: seen here). No member declared dead; the paused one refutes;</li>
 *   <li>a 60 s partition between {n1, n2, n3} and {n4, n5} (iptables DROP between their gossip addresses and ports):
 *       each side sees the other dead, and once the rules go the membership converges again without a restart
 *       (Serf's reconnect: a push-pull with a dead member every 30 s);</li>
 *   <li>meanwhile, through n1's data plane, GETs without pause while backend b1 is killed (SIGKILL) and b2 hangs
 *       (SIGSTOP: the kernel still accepts its connections) and 50 clients abort uploads to the hung b2 (route
 *       {@code /upload}) with a TCP reset: zero failed
 *       requests, and afterwards no request in flight, no client connection and no upstream connection left over
 *       beyond the pool's idle ones (the metrics' gauges back to their baseline), RSS bounded.</li>
 * </ol>
 * Every member gossips on its own loopback address (127.77.X.i, X from the process id) so the rules match only this
 * test's packets; they live in a chain of their own, removed in a finally block and by a shutdown hook. Needs root
 * (iptables); anywhere else it is skipped with an assumption that says so. About three minutes, most of it the
 * partition the issue asks for.
 */
class RealFaultIT {

    private static final int MEMBERS = 5;
    private static final Duration LOSS = Duration.ofSeconds(20);
    private static final double LOSS_PROBABILITY = 0.10;
    private static final Duration PAUSE = Duration.ofSeconds(5);
    private static final Duration PARTITION = Duration.ofSeconds(60);
    private static final Duration CONVERGE = Duration.ofSeconds(90); // > reconnect_interval 30 s + a push-pull
    private static final long RSS_GROWTH_LIMIT_KB = 128 * 1024;

    @TempDir
    Path dir;

    private final String chain = "GSMFAULT" + ProcessHandle.current().pid();
    private final String net = "127.77." + (ProcessHandle.current().pid() % 250 + 1) + ".";
    private final List<Sidecar> sidecars = new ArrayList<>();
    private final List<Process> backends = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private Path iptables;
    private Thread cleanupHook;
    private Vertx vertx;

    /** One {@code gossamer run} process, the ports it printed and its gossip address. */
    private static final class Sidecar {
        final String id;
        final String gossipHost;
        final int gossipPort;
        final Process process;
        final StringBuffer output = new StringBuffer();

        Sidecar(String id, String gossipHost, int gossipPort, Process process) {
            this.id = id;
            this.gossipHost = gossipHost;
            this.gossipPort = gossipPort;
            this.process = process;
            Thread reader = new Thread(() -> {
                try (var in = process.getInputStream()) {
                    byte[] buf = new byte[4096];
                    for (int n; (n = in.read(buf)) > 0; ) {
                        output.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                    }
                } catch (IOException e) {
                    // the process is gone
                }
            }, "output of " + id);
            reader.setDaemon(true);
            reader.start();
        }

        int port(String what) {
            Matcher m = Pattern.compile(what.equals("outbound") ? "outbound=127\\.0\\.0\\.1:(\\d+)"
                    : "admin on 127\\.0\\.0\\.1:(\\d+)").matcher(output);
            assertThat(m.find()).as("port of " + what + " in:\n" + output).isTrue();
            return Integer.parseInt(m.group(1));
        }
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            removeChain();
        } finally {
            if (cleanupHook != null) {
                Runtime.getRuntime().removeShutdownHook(cleanupHook);
            }
            for (Process p : backends) {
                signal(p.pid(), "CONT");
                p.destroyForcibly();
            }
            for (Sidecar s : sidecars) {
                signal(s.process.pid(), "CONT");
                s.process.destroyForcibly();
            }
            if (vertx != null) {
                Futures.await(vertx.close());
            }
        }
    }

    @Test
    void gossipAndDataPlaneSurviveLossPausePartitionAndBackendFaults() throws Exception {
        Assumptions.assumeTrue(Tools.isRoot(), "RealFaultIT needs root: it drops packets with iptables (Debian's "
                + "iptables) and pauses processes; run `mvn -B verify` as root, as CI does, to run it");
        iptables = Tools.debian("iptables", "iptables");
        Path python = Tools.debian("python3", "python3");
        long seed = Seeds.seed(14);
        Random random = new Random(seed);
        System.out.println(Seeds.describe(seed, "RealFaultIT"));
        installChain();

        Path backendScript = dir.resolve("backend.py");
        try (java.io.InputStream in = RealFaultIT.class.getResourceAsStream("/realfault/backend.py")) {
            Files.copy(java.util.Objects.requireNonNull(in, "realfault/backend.py on the test classpath"),
                    backendScript);
        }
        List<Integer> backendPorts = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            int port = freePort();
            // head and body in one write, so a kill never splits a response (see the script)
            backends.add(new ProcessBuilder(python.toString(), backendScript.toString(), "127.0.0.1",
                    String.valueOf(port), "b" + i).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("b" + i + ".log").toFile()).start());
            backendPorts.add(port);
        }
        Files.writeString(dir.resolve("mesh.yaml"), """
                routes:
                  - {name: uploads, match: {path_prefix: /upload}, cluster: slow, retries: {attempts: 1}}
                  - name: r
                    cluster: app
                    retries: {attempts: 3, retry_on: [connect_failure, reset, gateway_error], per_try_timeout: 1s,
                              budget_percent: 100}
                clusters:
                  - {name: app, endpoints: ["127.0.0.1:%d", "127.0.0.1:%d", "127.0.0.1:%d"]}
                  - {name: slow, endpoints: ["127.0.0.1:%d"]}
                """.formatted(backendPorts.get(0), backendPorts.get(1), backendPorts.get(2), backendPorts.get(1)));
        for (int i = 1; i <= MEMBERS; i++) {
            launch(i);
        }
        for (Sidecar s : sidecars) {
            Await.until(s.id + " is ready; output:\n" + s.output, Duration.ofSeconds(60),
                    () -> s.output.toString().contains("ready: listeners"));
        }
        for (int port : backendPorts) {
            Await.until("backend on " + port + " answers", Duration.ofSeconds(30),
                    sparingly(() -> status(port, "/") == 200));
        }
        awaitConverged("start-up");
        Sidecar front = sidecars.get(0);
        Map<String, Long> rssBefore = rss();

        // 1. Loss on every gossip port.
        Set<String> dead = ConcurrentHashMap.newKeySet();
        for (Sidecar s : sidecars) {
            for (String proto : List.of("udp", "tcp")) {
                ipt("-A", chain, "-d", s.gossipHost, "-p", proto, "--dport", String.valueOf(s.gossipPort), "-m",
                        "statistic", "--mode", "random", "--probability", String.valueOf(LOSS_PROBABILITY), "-j",
                        "DROP");
            }
        }
        watch(LOSS, sidecars, dead);
        ipt("-F", chain);
        assertThat(dead).as("members declared dead under %s%% loss", LOSS_PROBABILITY * 100).isEmpty();

        // 2. One member paused.
        Sidecar paused = sidecars.get(1 + random.nextInt(MEMBERS - 1));
        System.out.println("RealFaultIT: pausing " + paused.id + " for " + PAUSE);
        signal(paused.process.pid(), "STOP");
        List<Sidecar> others = sidecars.stream().filter(s -> s != paused).toList();
        try {
            watch(PAUSE, others, dead);
        } finally {
            signal(paused.process.pid(), "CONT");
        }
        awaitConverged("after the pause");
        watch(Duration.ofSeconds(1), others, dead);
        assertThat(dead).as("members declared dead around a %s pause", PAUSE).isEmpty();

        // 3. Partition {n1, n2, n3} | {n4, n5}, and the data-plane faults on n1 meanwhile.
        List<Sidecar> left = sidecars.subList(0, 3);
        List<Sidecar> right = sidecars.subList(3, MEMBERS);
        for (Sidecar a : left) {
            for (Sidecar b : right) {
                for (String[] pair : List.of(new String[] {a.gossipHost, b.gossipHost},
                        new String[] {b.gossipHost, a.gossipHost})) {
                    for (String proto : List.of("udp", "tcp")) {
                        ipt("-A", chain, "-s", pair[0], "-d", pair[1], "-p", proto, "-m", "multiport", "--ports",
                                a.gossipPort + "," + b.gossipPort, "-j", "DROP");
                    }
                }
            }
        }
        Instant healAt = Instant.now().plus(PARTITION);
        System.out.println("RealFaultIT: partition " + ids(left) + " | " + ids(right) + " for " + PARTITION);
        int outbound = front.port("outbound");
        int admin = front.port("admin");
        vertx = Vertx.vertx();
        Traffic traffic = new Traffic(vertx, outbound, random);
        traffic.start(4);
        Await.until("traffic flows", Duration.ofSeconds(20), () -> traffic.ok.get() >= 20);
        System.out.println("RealFaultIT: SIGKILL backend b1 at " + Instant.now());
        backends.get(0).destroyForcibly();
        long atKill = traffic.ok.get();
        Await.until("traffic after the kill", Duration.ofSeconds(30), () -> traffic.ok.get() >= atKill + 50);
        System.out.println("RealFaultIT: SIGSTOP backend b2 (hung) at " + Instant.now() + "; " + traffic);
        signal(backends.get(1).pid(), "STOP");
        int uploads = abortUploads(outbound, 50);
        long atHang = traffic.ok.get();
        Await.until("traffic around the hung backend", Duration.ofSeconds(30), () -> traffic.ok.get() >= atHang + 50);
        System.out.println("RealFaultIT: uploads aborted; " + traffic);
        Await.until("each side sees the other dead", PARTITION,
                sparingly(() -> seesDead(left, right) && seesDead(right, left)));
        Duration rest = Duration.between(Instant.now(), healAt);
        if (!rest.isNegative()) {
            watch(rest, List.of(), dead); // the partition's remaining time; only the clock is watched
        }
        ipt("-F", chain);
        System.out.println("RealFaultIT: partition removed");
        awaitConverged("after the partition");
        traffic.stop();
        System.out.println("RealFaultIT: " + traffic.ok.get() + " requests OK, " + traffic.failed.get()
                + " failed; " + uploads + " uploads aborted; first failures: " + traffic.failures);
        assertThat(traffic.failed.get()).as("failed idempotent requests: %s; the front sidecar's log:%n%s",
                traffic.failures, front.output).isZero();
        Futures.await(traffic.client.close());

        // 4. Nothing left over.
        Await.until("no request in flight", Duration.ofSeconds(20),
                sparingly(() -> metric(admin, "gossamer_active_requests") == 0));
        Await.until("no client connection", Duration.ofSeconds(20),
                sparingly(() -> metric(admin, "gossamer_downstream_connections\\{listener=\"outbound\",?\\}") == 0));
        assertThat(metric(admin, "gossamer_upstream_connections\\{cluster=\"app\",?\\}"))
                .as("upstream connections: the idle ones of the four clients' keep-alive, no more")
                .isLessThanOrEqualTo(8);
        // The uploads went to the hung backend (route /upload): each was in flight when its client reset.
        double aborts = metric(admin, "gossamer_downstream_aborts_total\\{cluster=\"slow\",?\\}");
        System.out.println("RealFaultIT: downstream aborts counted: " + aborts);
        assertThat(aborts).as("uploads noticed as aborted (the rest ended at the route timeout)").isPositive();
        Map<String, Long> rssAfter = rss();
        System.out.println("RealFaultIT: RSS kB before " + rssBefore + ", after " + rssAfter);
        for (Sidecar s : sidecars) {
            assertThat(rssAfter.get(s.id) - rssBefore.get(s.id)).as("RSS growth of %s in kB", s.id)
                    .isLessThan(RSS_GROWTH_LIMIT_KB);
        }
    }

    // ---- processes ----

    private void launch(int i) throws Exception {
        String id = "n" + i;
        String host = net + i;
        int port = freeGossipPort(host);
        Path yaml = dir.resolve(id + ".yaml");
        Files.writeString(yaml, """
                node: {id: %s}
                admin: {address: "127.0.0.1:0"}
                listeners: [{name: outbound, address: "127.0.0.1:0"}]
                mesh_config: ./mesh.yaml
                membership: {address: "%s:%d", seeds: ["%s1:%d"], suspicion_mult: 8}
                drain: {timeout: 1s}
                """.formatted(id, host, port, net, i == 1 ? port : sidecars.get(0).gossipPort));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path jar = Path.of("target", "gossamer.jar");
        assertThat(jar).exists();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx128m", "-jar", jar.toAbsolutePath().toString(),
                "run", "--config", yaml.toString(), "--event-loops", "1"));
        if (i == 1) {
            // The front node on epoll: it reports a client's reset even while the proxy holds the request body back
            // (here: waiting to connect to the hung backend); io_uring and NIO hear it only at the route timeout
            // (proxy's ClientAbortEpollIT). The other nodes keep the default transport.
            command.addAll(List.of("--transport", "epoll"));
        }
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        sidecars.add(new Sidecar(id, host, port, p));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** A port free for both TCP and UDP on {@code host}. */
    private static int freeGossipPort(String host) throws IOException {
        while (true) {
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new InetSocketAddress(host, 0));
                try (DatagramSocket d = new DatagramSocket(new InetSocketAddress(host, s.getLocalPort()))) {
                    return s.getLocalPort();
                } catch (IOException taken) {
                    // UDP side in use: try another
                }
            }
        }
    }

    private static void signal(long pid, String name) throws Exception {
        new ProcessBuilder("kill", "-" + name, String.valueOf(pid)).start().waitFor(10, TimeUnit.SECONDS);
    }

    private Map<String, Long> rss() throws IOException {
        Map<String, Long> m = new TreeMap<>();
        for (Sidecar s : sidecars) {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(s.process.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    m.put(s.id, Long.parseLong(line.replaceAll("[^0-9]", "")));
                }
            }
        }
        return m;
    }

    // ---- iptables ----

    private void installChain() throws Exception {
        removeChain(); // a chain left by a killed run of the same pid
        ipt("-N", chain);
        ipt("-I", "INPUT", "1", "-d", net + "0/24", "-j", chain);
        cleanupHook = new Thread(() -> {
            try {
                removeChain();
            } catch (Exception e) {
                System.err.println("RealFaultIT: could not remove iptables chain " + chain + ": " + e);
            }
        });
        Runtime.getRuntime().addShutdownHook(cleanupHook);
    }

    private void removeChain() throws Exception {
        if (iptables == null) {
            return;
        }
        run(false, iptables.toString(), "-D", "INPUT", "-d", net + "0/24", "-j", chain);
        run(false, iptables.toString(), "-F", chain);
        run(false, iptables.toString(), "-X", chain);
    }

    private void ipt(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(iptables.toString(), "-w"));
        cmd.addAll(List.of(args));
        run(true, cmd.toArray(new String[0]));
    }

    private static void run(boolean check, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        boolean done = p.waitFor(30, TimeUnit.SECONDS);
        if (check) {
            assertThat(done && p.exitValue() == 0).as("%s: %s", String.join(" ", cmd), out).isTrue();
        }
    }

    // ---- observing ----

    /**
     * {@code condition} asked at most every 250 ms (false in between): Await polls every few milliseconds, and
     * asking five admin APIs that often would load the machine the faults are measured on.
     */
    private static java.util.function.BooleanSupplier sparingly(java.util.function.BooleanSupplier condition) {
        long[] last = {0};
        return () -> {
            long now = System.nanoTime();
            if (last[0] != 0 && now - last[0] < TimeUnit.MILLISECONDS.toNanos(250)) {
                return false;
            }
            last[0] = now;
            return condition.getAsBoolean();
        };
    }

    private JsonArray members(Sidecar s) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + s.port("admin") + "/admin/members")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new JsonObject(r.body()).getJsonArray("members");
        } catch (Exception e) {
            return null; // paused, or busy: no verdict this round
        }
    }

    private static String ids(List<Sidecar> l) {
        return l.stream().map(s -> s.id).toList().toString();
    }

    /** Whether every member of {@code observers} sees every member of {@code targets} dead. */
    private boolean seesDead(List<Sidecar> observers, List<Sidecar> targets) {
        Set<String> want = new TreeSet<>(targets.stream().map(s -> s.id).toList());
        for (Sidecar o : observers) {
            JsonArray ms = members(o);
            if (ms == null) {
                return false;
            }
            Set<String> deadSeen = new TreeSet<>();
            for (Object m : ms) {
                JsonObject j = (JsonObject) m;
                if ("dead".equals(j.getString("state"))) {
                    deadSeen.add(j.getString("id"));
                }
            }
            if (!deadSeen.containsAll(want)) {
                return false;
            }
        }
        return true;
    }

    /** Every member sees all five alive. */
    private void awaitConverged(String when) {
        Await.until("all " + MEMBERS + " members alive everywhere " + when, CONVERGE, sparingly(() -> {
            for (Sidecar s : sidecars) {
                JsonArray ms = members(s);
                if (ms == null) {
                    return false;
                }
                long alive = ms.stream().filter(m -> "alive".equals(((JsonObject) m).getString("state"))).count();
                if (alive != MEMBERS) {
                    return false;
                }
            }
            return true;
        }));
    }

    /**
     * Holds a fault for {@code how long} while polling the observers' member lists: every (observer, member) seen
     * dead goes into {@code dead}. The wait is the fault's duration, not a wait for something to happen.
     */
    private void watch(Duration howLong, List<Sidecar> observers, Set<String> dead) {
        Instant end = Instant.now().plus(howLong);
        AtomicBoolean over = new AtomicBoolean();
        Await.until("the fault's " + howLong + " to pass", howLong.plusSeconds(30), sparingly(() -> {
            for (Sidecar o : observers) {
                JsonArray ms = members(o);
                if (ms != null) {
                    for (Object m : ms) {
                        JsonObject j = (JsonObject) m;
                        if ("dead".equals(j.getString("state"))) {
                            dead.add(o.id + " saw " + j.getString("id") + " dead at " + Instant.now());
                        }
                    }
                }
            }
            over.set(!Instant.now().isBefore(end));
            return over.get();
        }));
    }

    private int status(int port, String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    /** The value of the Prometheus series matching {@code series} (a regex up to the value) on /metrics. */
    private double metric(int admin, String series) {
        try {
            String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin + "/metrics"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
            Matcher m = Pattern.compile("(?m)^" + series + " ([0-9.eE+-]+)$").matcher(body);
            return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
        } catch (Exception e) {
            return Double.NaN;
        }
    }

    // ---- clients ----

    /** Uploads that send their head and 64 KiB of a 1 MiB body, then reset the connection. */
    private static int abortUploads(int port, int n) throws IOException {
        for (int i = 0; i < n; i++) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                OutputStream o = s.getOutputStream();
                o.write(("POST /upload HTTP/1.1\r\nHost: app\r\nContent-Length: " + (1 << 20) + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                o.write(new byte[64 * 1024]);
                o.flush();
                s.setSoLinger(true, 0);
            }
        }
        return n;
    }

    /** Concurrent GETs through the front sidecar, one after another on each of {@code n} lanes, until stopped. */
    private static final class Traffic {
        final HttpClientAgent client;
        final int port;
        final Random random;
        final AtomicLong ok = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger running = new AtomicInteger();
        volatile boolean stopping;

        Traffic(Vertx vertx, int port, Random random) {
            this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
                    new PoolOptions().setHttp1MaxSize(8));
            this.port = port;
            this.random = random;
        }

        void start(int lanes) {
            for (int i = 0; i < lanes; i++) {
                running.incrementAndGet();
                next();
            }
        }

        private void next() {
            if (stopping) {
                running.decrementAndGet();
                return;
            }
            String path = random.nextBoolean() ? "/" : "/index.html";
            Future<Integer> f;
            try {
                f = client.request(new RequestOptions().setHost("127.0.0.1").setPort(port)
                        .setMethod(HttpMethod.GET).setURI(path).setTimeout(20_000))
                        .compose(req -> req.send().compose(resp -> resp.body().map(b -> resp.statusCode())));
            } catch (IllegalStateException closed) {
                running.decrementAndGet(); // the test is over (failed) and closed the client
                return;
            }
            f.onComplete(ar -> {
                if (ar.succeeded() && ar.result() == 200) {
                    ok.incrementAndGet();
                } else {
                    failed.incrementAndGet();
                    if (failures.size() < 10) {
                        failures.add(Instant.now() + " GET " + path + ": "
                                + (ar.succeeded() ? "status " + ar.result() : String.valueOf(ar.cause())));
                    }
                }
                next();
            });
        }

        @Override
        public String toString() {
            return "traffic: " + ok.get() + " OK, " + failed.get() + " failed " + failures;
        }

        void stop() {
            stopping = true;
            Await.until("the traffic lanes stop", Duration.ofSeconds(30), () -> running.get() == 0);
        }
    }
}
