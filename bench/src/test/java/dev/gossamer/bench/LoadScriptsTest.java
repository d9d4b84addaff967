package dev.gossamer.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.gossamer.common.testing.Await;
import dev.gossamer.common.testing.Tools;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The load benchmark's scripts stay runnable without running a benchmark (that needs root, the peers and minutes):
 * every script under {@code bench/} parses, {@code run.sh --help} and its README list the same knobs, the summary
 * takes medians and spreads and judges issue 13's floors, and {@code idle-conns.py} holds real connections.
 */
class LoadScriptsTest {

    private static final Path BENCH = Path.of("..", "bench").toAbsolutePath().normalize();
    private static final Path LOAD = BENCH.resolve("load");

    @Test
    void everyBenchScriptParses() throws Exception {
        List<Path> scripts;
        try (Stream<Path> files = Files.walk(BENCH)) {
            scripts = files.filter(p -> p.toString().endsWith(".sh") && !p.toString().contains("/results/")).sorted()
                    .toList();
        }
        assertThat(scripts).contains(LOAD.resolve("run.sh"), BENCH.resolve("lib.sh"));
        for (Path script : scripts) {
            Result r = run(List.of(bash(), "-n", script.toString()), null);
            assertThat(r.exit).as("bash -n %s: %s", script, r.output).isZero();
        }
    }

    @Test
    void runShHelpAndTheReadmeListTheSameKnobs() throws Exception {
        Result help = run(List.of(bash(), LOAD.resolve("run.sh").toString(), "--help"), null);
        assertThat(help.exit).as(help.output).isZero();
        Set<String> inHelp = new TreeSet<>();
        Matcher h = Pattern.compile("(?m)^  ([A-Z][A-Z_]+)[= ]").matcher(help.output);
        while (h.find()) {
            inHelp.add(h.group(1));
        }
        // run.sh's table is the README's first knob table (the other scripts' tables follow in their sections)
        Set<String> inReadme = new TreeSet<>();
        List<String> lines = Files.readAllLines(LOAD.resolve("README.md"));
        int start = lines.indexOf(lines.stream().filter(l -> l.startsWith("| knob")).findFirst().orElseThrow());
        for (String row : lines.subList(start, lines.size())) {
            if (!row.startsWith("|")) {
                break;
            }
            Matcher first = Pattern.compile("^\\| ([^|]+) \\|").matcher(row);
            if (first.find()) {
                Matcher knob = Pattern.compile("`([A-Z][A-Z_]+)`").matcher(first.group(1));
                while (knob.find()) {
                    inReadme.add(knob.group(1));
                }
            }
        }
        assertThat(inHelp).contains("RUNS", "QUICK", "STARTUP_REPS", "IDLE_CONNS", "GOSSAMER_JAVA_OPTS");
        assertThat(inReadme).isEqualTo(inHelp);
    }

    @Test
    void runShRefusesArgumentsAndBadKnobsWithASentence() throws Exception {
        Result args = run(List.of(bash(), LOAD.resolve("run.sh").toString(), "now"), null);
        assertThat(args.exit).isNotZero();
        assertThat(args.output).contains("unexpected arguments: now");
        Result port = run(List.of("env", "PORT_BASE=80", bash(), LOAD.resolve("run.sh").toString()), null);
        assertThat(port.exit).isNotZero();
        assertThat(port.output).contains("PORT_BASE: 80 (expected: 1024..65500)");
    }

    @Test
    void theSummaryGivesMediansSpreadsRatiosAndTheFloors(@TempDir Path dir) throws Exception {
        // Three runs: Gossamer's p99 is HAProxy's + 0.3, + 0.4, + 0.9 ms (median + 0.4: met); its RSS 80, 95 and
        // 100 MB (median 95: not met); one run from a jar without the allocation counter.
        List<Path> runs = new ArrayList<>();
        int[][] p99 = {{1000, 1300}, {1100, 1500}, {1000, 1900}};
        long[] rss = {78_125, 92_773, 97_657}; // KiB: 80.0, 95.0, 100.0 MB
        for (int i = 0; i < 3; i++) {
            Path f = dir.resolve("run" + i + ".tsv");
            Files.writeString(f, "measure\ttarget\tvalue\n"
                    + "p99_rate_us\thaproxy\t" + p99[i][0] + "\n"
                    + "p99_rate_us\tgossamer\t" + p99[i][1] + "\n"
                    + "rss_load_kb\thaproxy\t15000\n"
                    + "rss_load_kb\tgossamer\t" + rss[i] + "\n"
                    + "alloc_max_b\tgossamer\t" + (i == 0 ? "n/a" : String.valueOf(900 + 100 * i)) + "\n"
                    + "alloc_rate_b\tgossamer\tn/a\n"
                    + "ready_ms\tgossamer\t" + (900 + 100 * i) + "\n");
            runs.add(f);
        }
        List<String> cmd = new ArrayList<>(List.of(Tools.debian("awk", "mawk").toString(), "-f",
                LOAD.resolve("summary.awk").toString()));
        runs.forEach(r -> cmd.add(r.toString()));
        Result r = run(cmd, null);
        assertThat(r.exit).as(r.output).isZero();
        assertThat(row(r.output, "p99 at the fixed rate"))
                .isEqualTo("| p99 at the fixed rate | ms | - | 1.00 (1.00-1.10) | - | 1.50 (1.30-1.90) "
                        + "| 1.36 (1.30-1.90) | <= HAProxy's + 0.5 ms | yes (+0.40 ms) |");
        assertThat(row(r.output, "RSS under load")).contains("| 95.0 (80.0-100.0) |", "| **no** (95.0 MB) |");
        assertThat(row(r.output, "allocated per request, closed loop")).contains("| 1050 (1000-1100) |");
        assertThat(row(r.output, "allocated per request, fixed rate")).contains("| n/a |");
        assertThat(row(r.output, "process start -> /ready")).contains("| 1000 (900-1100) |", "| yes (1000 ms) |");
        assertThat(r.output).doesNotContain("max latency").contains("3 run(s)");
    }

    @Test
    void idleConnsHoldsKeepAliveConnectionsAndCountsRefusals(@TempDir Path dir) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            byte[] body = "1\n".getBytes(StandardCharsets.US_ASCII);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        try {
            String out = openHoldAndStop(server.getAddress().getPort(), 40, dir.resolve("idle.txt"));
            assertThat(out).startsWith("opened ok=40 refused=0 closed=0 bad_status=0 timeout=0 seconds=")
                    .contains("\nheld open=40 closed=0\n");
        } finally {
            server.stop(0);
        }

        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        assertThat(openHoldAndStop(closedPort, 5, dir.resolve("refused.txt")))
                .startsWith("opened ok=0 refused=5 closed=0 bad_status=0 timeout=0 seconds=")
                .contains("\nheld open=0 closed=0\n");
    }

    /** Runs idle-conns.py against 127.0.0.1:port until its first line, then SIGTERM; its whole output. */
    private static String openHoldAndStop(int port, int n, Path out) throws Exception {
        Process p = new ProcessBuilder(python(), LOAD.resolve("idle-conns.py").toString(), "127.0.0.1",
                String.valueOf(port), String.valueOf(n), "--in-flight", "8", "--timeout", "10")
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            Await.until("idle-conns.py's first line", Duration.ofSeconds(20),
                    () -> read(out).contains("\n") || !p.isAlive());
            p.destroy(); // SIGTERM: it looks at what it holds, says so and exits
            assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("idle-conns.py ended after SIGTERM").isTrue();
            assertThat(p.exitValue()).as(read(out)).isZero();
            return read(out);
        } finally {
            p.destroyForcibly();
        }
    }

    private static String row(String table, String label) {
        return table.lines().filter(l -> l.startsWith("| " + label)).findFirst()
                .orElseThrow(() -> new AssertionError("no row '" + label + "' in:\n" + table));
    }

    private static String bash() {
        return Tools.debian("bash", "bash").toString();
    }

    private static String python() {
        return Tools.debian("python3", "python3").toString();
    }

    private static String read(Path f) {
        try {
            return Files.exists(f) ? Files.readString(f) : "";
        } catch (IOException e) {
            return "";
        }
    }

    private record Result(int exit, String output) {
    }

    /** Runs a command to its end (60 s at most), stdout and stderr together, to {@code outFile} when given. */
    private static Result run(List<String> command, Path outFile) throws Exception {
        Path out = outFile != null ? outFile : Files.createTempFile("load-scripts", ".txt");
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(command + " did not finish in 60 s: " + read(out));
            }
            return new Result(p.exitValue(), read(out));
        } finally {
            if (outFile == null) {
                Files.deleteIfExists(out);
            }
        }
    }
}
