package dev.gossamer.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gossamer.config.ConfigLoader;
import dev.gossamer.config.ConfigResult;
import dev.gossamer.config.SidecarConfig;
import io.micrometer.core.instrument.FunctionCounter;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Not a test (its name keeps it out of {@code mvn verify}): heap bytes allocated per proxied HTTP/1.1 request
 * (issue 13), for docs/performance.md "Allocation per request".
 *
 * <p>One sidecar in this JVM, in front of one backend; both the backend and the load client are plain blocking
 * sockets that allocate nothing per request (a fixed answer, a fixed request, a reused buffer), so what the JVM
 * allocates per request is the sidecar's. Each round runs {@code N} keep-alive requests over {@code C} connections
 * straight at the backend (the baseline: client, backend and the idle sidecar's background) and then the same
 * through the sidecar, and reads {@code gossamer.process.allocated} (the process meter bench/load/run.sh reads)
 * before and after each; the sidecar's bytes per request are the difference. It also reads the allocation of the
 * sidecar's event-loop threads alone ({@code ThreadMXBean#getThreadAllocatedBytes}) as a cross-check. With
 * {@code -Dgossamer.bench.jfr=true} one more run is recorded with JFR ({@code jdk.ObjectAllocationSample}) and the
 * event-loop samples are summed by allocation site: the first frame outside the JDK, and the top frame. JFR samples
 * when a thread takes a new TLAB, so small TLABs ({@code -DargLine="-XX:TLABSize=8k -XX:-ResizeTLAB"}) give
 * thousands of samples instead of a few hundred; they do not change the bytes counted.
 *
 * <pre>
 * mvn -B -q -pl sidecar -am test -Dtest=AllocationBenchmark -Dgossamer.bench=true -Dgossamer.bench.jfr=true \
 *     -DargLine="-XX:TLABSize=8k -XX:-ResizeTLAB" -Dsurefire.failIfNoSpecifiedTests=false
 * cat sidecar/target/allocation/report.txt
 * </pre>
 *
 * Knobs (system properties): {@code gossamer.bench.requests} (N, 100000), {@code gossamer.bench.connections}
 * (C, 4), {@code gossamer.bench.rounds} (3), {@code gossamer.bench.warmup} (requests before the first round,
 * 100000).
 */
class AllocationBenchmark {

    private static final int REQUESTS = Integer.getInteger("gossamer.bench.requests", 100_000);
    private static final int CONNECTIONS = Integer.getInteger("gossamer.bench.connections", 4);
    private static final int ROUNDS = Integer.getInteger("gossamer.bench.rounds", 3);
    private static final int WARMUP = Integer.getInteger("gossamer.bench.warmup", 100_000);
    private static final boolean JFR = Boolean.getBoolean("gossamer.bench.jfr");
    private static final byte[] ANSWER = ("HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 3\r\n\r\n"
            + "ok\n").getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    @Test
    @EnabledIfSystemProperty(named = "gossamer.bench", matches = "true")
    void bytesPerProxiedRequest() throws Exception {
        StringBuilder report = new StringBuilder();
        Vertx vertx = Vertx.vertx();
        try (RawBackend backend = new RawBackend()) {
            Sidecar sidecar = start(vertx, backend.port());
            try {
                int proxy = sidecar.listenerPort("outbound");
                FunctionCounter allocated = sidecar.registry().get("gossamer.process.allocated").functionCounter();
                line(report, "java %s (%s), %s; uptime: %s", System.getProperty("java.version"),
                        System.getProperty("java.vm.name"), ManagementFactory.getRuntimeMXBean().getInputArguments(),
                        loadAverage());
                line(report, "requests per run %d over %d keep-alive connections, warm-up %d, rounds %d",
                        REQUESTS, CONNECTIONS, WARMUP, ROUNDS);
                drive(proxy, WARMUP);
                drive(backend.port(), WARMUP / 10);
                double[] perRequest = new double[ROUNDS];
                for (int r = 0; r < ROUNDS; r++) {
                    double t0 = allocated.count();
                    drive(backend.port(), REQUESTS);
                    double t1 = allocated.count();
                    long loops0 = eventLoopAllocated();
                    drive(proxy, REQUESTS);
                    long loops1 = eventLoopAllocated();
                    double t2 = allocated.count();
                    double direct = (t1 - t0) / REQUESTS;
                    double through = (t2 - t1) / REQUESTS;
                    perRequest[r] = through - direct;
                    line(report, "round %d: direct %.0f B/req, through the sidecar %.0f B/req: the sidecar's %.0f "
                                    + "B/req (its event loops alone: %.0f B/req)", r + 1, direct, through,
                            perRequest[r], (loops1 - loops0) / (double) REQUESTS);
                }
                double[] sorted = perRequest.clone();
                Arrays.sort(sorted);
                line(report, "sidecar bytes per request: median %.0f, min %.0f, max %.0f", sorted[sorted.length / 2],
                        sorted[0], sorted[sorted.length - 1]);
                if (JFR) {
                    profile(proxy, report);
                }
            } finally {
                Futures.await(sidecar.shutdown());
            }
        } finally {
            Futures.await(vertx.close());
        }
        Path out = Path.of("target", "allocation");
        Files.createDirectories(out);
        Files.writeString(out.resolve("report.txt"), report);
    }

    private Sidecar start(Vertx vertx, int backendPort) throws Exception {
        Files.writeString(dir.resolve("sidecar.yaml"), """
                node: {id: alloc}
                admin: {address: 127.0.0.1:0}
                listeners:
                  - {name: outbound, address: 127.0.0.1:0}
                mesh_config: ./mesh.yaml
                drain: {timeout: 1s}
                membership: {address: 127.0.0.1:0, profile: local}
                """);
        Files.writeString(dir.resolve("mesh.yaml"), """
                routes:
                  - {name: app, match: {path_prefix: /}, cluster: app, timeout: 5s}
                clusters:
                  - name: app
                    endpoints: [127.0.0.1:%d]
                """.formatted(backendPort));
        ConfigResult<SidecarConfig> cfg = ConfigLoader.withSystemEnvironment()
                .loadSidecar(dir.resolve("sidecar.yaml"));
        assertThat(cfg.problems()).isEmpty();
        return Futures.await(Sidecar.start(vertx, cfg.value(), cfg.sourceMap(), Sidecar.Runtime.system(1)));
    }

    /** {@code n} requests in all over {@link #CONNECTIONS} keep-alive connections to {@code port}, in parallel. */
    private static void drive(int port, int n) throws Exception {
        CountDownLatch done = new CountDownLatch(CONNECTIONS);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int c = 0; c < CONNECTIONS; c++) {
            int share = n / CONNECTIONS + (c < n % CONNECTIONS ? 1 : 0);
            Thread t = new Thread(() -> {
                try (Client client = new Client(port)) {
                    for (int i = 0; i < share; i++) {
                        client.get();
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                } finally {
                    done.countDown();
                }
            }, "alloc-client-" + c);
            t.start();
        }
        done.await();
        if (failure.get() != null) {
            throw new AssertionError("a client failed", failure.get());
        }
    }

    /** Bytes allocated so far by the sidecar's event-loop threads (the backend and the client have none). */
    private static long eventLoopAllocated() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
            if (e.getKey().getName().startsWith("vert.x-eventloop-thread")) {
                long b = threads.getThreadAllocatedBytes(e.getKey().getId());
                sum += Math.max(0, b);
            }
        }
        return sum;
    }

    /** One more run under JFR: the event loops' allocation samples summed by site. */
    private void profile(int proxy, StringBuilder report) throws Exception {
        Path file = dir.resolve("alloc.jfr");
        try (Recording rec = new Recording()) {
            rec.enable("jdk.ObjectAllocationSample").with("throttle", "10000/s").withStackTrace();
            rec.setToDisk(true);
            rec.start();
            drive(proxy, REQUESTS);
            rec.stop();
            rec.dump(file);
        }
        Map<String, Long> bySite = new HashMap<>();
        Map<String, Long> byTop = new HashMap<>();
        Map<String, Long> byLibrary = new HashMap<>();
        Map<String, Long> byOurs = new HashMap<>();
        Map<String, Long> bySide = new HashMap<>();
        long total = 0;
        long samples = 0;
        List<RecordedEvent> events = new ArrayList<>(RecordingFile.readAllEvents(file));
        events.removeIf(e -> e.getThread("eventThread") == null || e.getStackTrace() == null
                || !String.valueOf(e.getThread("eventThread").getJavaName()).startsWith("vert.x-eventloop"));
        events.sort(Comparator.comparing(RecordedEvent::getStartTime));
        java.util.Set<Long> seen = new java.util.HashSet<>();
        for (RecordedEvent e : events) {
            // A thread's first sample weighs everything it allocated since long before the recording: skipped.
            if (seen.add(e.getThread("eventThread").getJavaThreadId())) {
                continue;
            }
            long w = e.getLong("weight");
            List<RecordedFrame> frames = e.getStackTrace().getFrames();
            String type = e.getClass("objectClass").getName();
            String top = frames.isEmpty() ? "?" : name(frames.get(0));
            RecordedFrame site = frames.stream().filter(f -> !jdk(f)).findFirst().orElse(null);
            String siteName = site == null ? "(JDK only)" : name(site);
            bySite.merge(siteName + "  [" + type + "]", w, Long::sum);
            byTop.merge(top + "  [" + type + "]", w, Long::sum);
            byLibrary.merge(site == null ? "JDK" : library(site), w, Long::sum);
            RecordedFrame ours = frames.stream()
                    .filter(f -> f.getMethod().getType().getName().startsWith("dev.gossamer."))
                    .findFirst().orElse(null);
            bySide.merge(side(frames), w, Long::sum);
            byOurs.merge(ours != null ? name(ours) : "(no Gossamer frame) " + (site == null ? "JDK" : library(site)),
                    w, Long::sum);
            total += w;
            samples++;
        }
        line(report, "%nJFR jdk.ObjectAllocationSample on the event loops: %d samples, %.0f bytes (weighted) over %d "
                + "requests = %.0f B/req", samples, (double) total, REQUESTS, total / (double) REQUESTS);
        table(report, "by side: whose code is innermost on the stack, ours or Vert.x's HTTP server (see side())",
                bySide, total, 10);
        table(report, "by library of the allocating code (the first frame outside the JDK)", byLibrary, total, 20);
        table(report, "by the innermost Gossamer frame on the stack (what of ours caused it, in a library or not)",
                byOurs, total, 30);
        table(report, "by site: first frame outside the JDK [allocated class]", bySite, total, 30);
        table(report, "by top frame [allocated class]", byTop, total, 20);
    }

    private static void table(StringBuilder report, String title, Map<String, Long> m, long total, int limit) {
        line(report, "%n%s:", title);
        List<Map.Entry<String, Long>> rows = new ArrayList<>(m.entrySet());
        rows.sort(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()));
        for (Map.Entry<String, Long> e : rows.subList(0, Math.min(limit, rows.size()))) {
            line(report, "  %5.1f %%  %s", 100.0 * e.getValue() / total, e.getKey());
        }
    }

    /**
     * Which side of the proxy made an allocation: the innermost frame that is either ours or Vert.x's HTTP/net
     * machinery ({@code io.vertx.core.http.impl}, {@code io.vertx.core.net.impl}, {@code io.vertx.core.streams.impl};
     * not its header map, a data structure ours and Netty's decoder both fill) decides. ListenerGuard's head timer
     * only passes the server's reads on, so it does not count as ours. With neither, Netty's own work: the
     * response decoder of H1Upstream's connections, the request decoder in the server's pipeline, or the loop's I/O.
     */
    private static String side(List<RecordedFrame> frames) {
        boolean upstream = false;
        boolean downstream = false;
        for (RecordedFrame f : frames) {
            String c = f.getMethod().getType().getName();
            if (c.startsWith("dev.gossamer.proxy.ListenerGuard")) {
                downstream = true;
                continue;
            }
            if (c.startsWith("io.netty.handler.codec.http.HttpClientCodec")
                    || c.startsWith("io.netty.handler.codec.http.HttpResponseDecoder")
                    || c.startsWith("dev.gossamer.proxy.H1Upstream$1") // the decoder's header-map factory
                    || c.startsWith("dev.gossamer.vertx.VertxInternals") && upstreamDecoderBelow(frames, f)) {
                upstream = true;
                continue;
            }
            if (c.startsWith("dev.gossamer.")) {
                return "Gossamer's code and what it calls (header maps, buffers, timers, H1Upstream's encoder)";
            }
            if (c.startsWith("io.vertx.core.http.impl.") && !c.startsWith("io.vertx.core.http.impl.headers.")
                    || c.startsWith("io.vertx.core.net.impl.") || c.startsWith("io.vertx.core.streams.impl.")) {
                return "Vert.x's HTTP server (its decoder's messages, request/response objects, queues, encoding, "
                        + "writes)";
            }
        }
        if (upstream) {
            return "Netty's client codec on H1Upstream's connections (response decoding)";
        }
        return downstream ? "Netty's decoder in the server's pipeline (request decoding, before Vert.x's objects)"
                : "the event loop's own I/O (selector, NIO buffers)";
    }

    /** Whether the decoder of H1Upstream's connections called {@code f} (its header-map factory). */
    private static boolean upstreamDecoderBelow(List<RecordedFrame> frames, RecordedFrame f) {
        int i = frames.indexOf(f);
        return i + 1 < frames.size()
                && frames.get(i + 1).getMethod().getType().getName().startsWith("dev.gossamer.proxy.H1Upstream$1");
    }

    private static boolean jdk(RecordedFrame f) {
        String c = f.getMethod().getType().getName();
        return c.startsWith("java.") || c.startsWith("jdk.") || c.startsWith("sun.");
    }

    private static String name(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName() + ":" + f.getLineNumber();
    }

    /** A coarse owner: ours, Vert.x's HTTP server, the rest of Vert.x, Netty, Micrometer, other. */
    private static String library(RecordedFrame f) {
        String c = f.getMethod().getType().getName();
        if (c.startsWith("dev.gossamer.")) {
            return "Gossamer (" + c.substring(c.lastIndexOf('.') + 1).replaceAll("\\$.*", "") + ")";
        }
        if (c.startsWith("io.vertx.core.http.impl.Http1xServer") || c.startsWith("io.vertx.core.http.impl.HttpServer")
                || c.startsWith("io.vertx.core.http.impl.ServerWebSocket")) {
            return "Vert.x HTTP/1.x server (" + c.substring(c.lastIndexOf('.') + 1).replaceAll("\\$.*", "") + ")";
        }
        if (c.startsWith("io.vertx.")) {
            return "Vert.x other (" + c.substring(c.lastIndexOf('.') + 1).replaceAll("\\$.*", "") + ")";
        }
        if (c.startsWith("io.netty.")) {
            return "Netty (" + c.substring(c.lastIndexOf('.') + 1).replaceAll("\\$.*", "") + ")";
        }
        if (c.startsWith("io.micrometer.")) {
            return "Micrometer";
        }
        return "other (" + c + ")";
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "?";
        }
    }

    private static void line(StringBuilder report, String format, Object... args) {
        String s = String.format(format, args);
        System.out.println(s);
        report.append(s).append('\n');
    }

    /** A keep-alive HTTP/1.1 client that allocates nothing per request: one request, one reused buffer. */
    private static final class Client implements AutoCloseable {
        private final Socket socket;
        private final OutputStream out;
        private final InputStream in;
        private final byte[] request;
        private final byte[] buf = new byte[16384];

        Client(int port) throws IOException {
            socket = new Socket(InetAddress.getLoopbackAddress(), port);
            socket.setTcpNoDelay(true);
            socket.setSoTimeout((int) Duration.ofSeconds(10).toMillis());
            out = socket.getOutputStream();
            in = socket.getInputStream();
            request = ("GET /app/x HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
        }

        void get() throws IOException {
            out.write(request);
            int len = 0;
            int headEnd = -1;
            while (headEnd < 0) {
                int n = in.read(buf, len, buf.length - len);
                if (n < 0) {
                    throw new IOException("closed before the response head");
                }
                len += n;
                headEnd = indexOfBlankLine(buf, len);
            }
            if (buf[9] != '2') {
                throw new IOException("not a 2xx: " + new String(buf, 0, Math.min(len, 200),
                        StandardCharsets.US_ASCII));
            }
            long body = contentLength(buf, headEnd);
            if (body < 0) {
                throw new IOException("no content-length: " + new String(buf, 0, headEnd, StandardCharsets.US_ASCII));
            }
            long have = len - headEnd;
            while (have < body) {
                int n = in.read(buf, 0, buf.length);
                if (n < 0) {
                    throw new IOException("closed in the body");
                }
                have += n;
            }
            if (have != body) {
                throw new IOException("more bytes than the response: " + have + " for " + body);
            }
        }

        /** The index just past {@code \r\n\r\n}, or -1. */
        private static int indexOfBlankLine(byte[] b, int len) {
            for (int i = 3; i < len; i++) {
                if (b[i] == '\n' && b[i - 1] == '\r' && b[i - 2] == '\n' && b[i - 3] == '\r') {
                    return i + 1;
                }
            }
            return -1;
        }

        private static final byte[] CONTENT_LENGTH = "\ncontent-length:".getBytes(StandardCharsets.US_ASCII);

        private static long contentLength(byte[] b, int headEnd) {
            outer:
            for (int i = 0; i + CONTENT_LENGTH.length < headEnd; i++) {
                for (int j = 0; j < CONTENT_LENGTH.length; j++) {
                    if (Character.toLowerCase(b[i + j]) != CONTENT_LENGTH[j]) {
                        continue outer;
                    }
                }
                long v = 0;
                int k = i + CONTENT_LENGTH.length;
                while (b[k] == ' ') {
                    k++;
                }
                while (b[k] >= '0' && b[k] <= '9') {
                    v = v * 10 + (b[k++] - '0');
                }
                return v;
            }
            return -1;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** A backend that answers every request head with the same bytes, one thread per connection. */
    private static final class RawBackend implements AutoCloseable {
        private final ServerSocket server;
        private final List<Socket> open = new java.util.concurrent.CopyOnWriteArrayList<>();

        RawBackend() throws IOException {
            server = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
            Thread accept = new Thread(this::accept, "alloc-backend-accept");
            accept.setDaemon(true);
            accept.start();
        }

        int port() {
            return server.getLocalPort();
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    s.setTcpNoDelay(true);
                    open.add(s);
                    Thread t = new Thread(() -> serve(s), "alloc-backend");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return; // closed
                }
            }
        }

        /** Answers each request head (a GET: no body) as it ends; any number may arrive in one read. */
        private void serve(Socket s) {
            byte[] buf = new byte[16384];
            int state = 0; // how much of \r\n\r\n was seen
            try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    for (int i = 0; i < n; i++) {
                        byte c = buf[i];
                        state = switch (state) {
                            case 0, 2 -> c == '\r' ? state + 1 : 0;
                            case 1 -> c == '\n' ? 2 : c == '\r' ? 1 : 0;
                            case 3 -> c == '\n' ? 4 : c == '\r' ? 1 : 0;
                            default -> 0;
                        };
                        if (state == 4) {
                            out.write(ANSWER);
                            state = 0;
                        }
                    }
                }
            } catch (IOException e) {
                // the connection closed
            } finally {
                open.remove(s);
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket s : open) {
                s.close();
            }
        }
    }
}
