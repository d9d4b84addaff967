package dev.gossamer.control;

import dev.gossamer.common.Ticker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * Not a test: measures leader failover and commit latency on real voters on loopback, for docs/control.md.
 *
 * <pre>
 * java -cp ... dev.gossamer.control.ControlBench [minMs maxMs] [trials]
 * </pre>
 *
 * Failover is "close the leader → a write through a plain client succeeds", the client having last talked to the
 * old leader; the closed voter is restarted (and caught up) between trials. Commit latency is one 4 KB config put
 * and acknowledged after a majority stored it, sequentially, through a client that knows the leader.
 */
public final class ControlBench {

    private ControlBench() {
    }

    public static void main(String[] args) throws Exception {
        Duration min = Duration.ofMillis(args.length > 1 ? Long.parseLong(args[0]) : 300);
        Duration max = Duration.ofMillis(args.length > 1 ? Long.parseLong(args[1]) : 600);
        int trials = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        Ticker ticker = Ticker.system();
        Path dir = Files.createTempDirectory("control-bench");
        try (TestCluster cluster = TestCluster.start(3, dir, MeshValidator.acceptAll(),
                b -> b.electionTimeoutMin(min).electionTimeoutMax(max))) {
            ControlClient client = cluster.newClient();
            cluster.awaitLeader();
            put(client, "warm: up\n");

            List<Long> failover = new ArrayList<>();
            List<Long> closing = new ArrayList<>();
            List<Long> afterClose = new ArrayList<>();
            for (int t = 0; t < trials; t++) {
                int leader = cluster.awaitLeader();
                put(client, "before: " + t + "\n");
                long t0 = ticker.nanoTime();
                cluster.stopNode(leader);
                long t1 = ticker.nanoTime();
                put(client, "after: " + t + "\n");
                long t2 = ticker.nanoTime();
                closing.add(TimeUnit.NANOSECONDS.toMillis(t1 - t0));
                failover.add(TimeUnit.NANOSECONDS.toMillis(t2 - t0));
                afterClose.add(TimeUnit.NANOSECONDS.toMillis(t2 - t1));
                cluster.startNode(leader);
                long v = client.latest().get(30, TimeUnit.SECONDS).orElseThrow().version();
                cluster.awaitAllApplied(v);
            }

            String padding = "x".repeat(4096 - 40);
            List<Long> commit = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                String yaml = "n: " + i + "\npadding: " + padding + "\n";
                long t0 = ticker.nanoTime();
                put(client, yaml);
                commit.add(TimeUnit.NANOSECONDS.toMicros(ticker.nanoTime() - t0));
            }
            commit = commit.subList(50, commit.size());   // the first 50 warm the JIT

            System.out.printf("election timeouts %s..%s ms, %d trials%n", min.toMillis(), max.toMillis(), trials);
            System.out.printf("failover close->first write: median %d ms, max %d ms (all: %s)%n",
                    median(failover), Collections.max(failover), failover);
            System.out.printf("  of which closing the leader took: median %d ms, max %d ms%n",
                    median(closing), Collections.max(closing));
            System.out.printf("failover close returned->first write: median %d ms, max %d ms (all: %s)%n",
                    median(afterClose), Collections.max(afterClose), afterClose);
            System.out.printf("commit of a 4 KB config: median %.2f ms, p99 %.2f ms, max %.2f ms (%d writes)%n",
                    median(commit) / 1000.0, percentile(commit, 0.99) / 1000.0, Collections.max(commit) / 1000.0,
                    commit.size());
        }
    }

    private static void put(ControlClient c, String yaml) throws Exception {
        WriteResult r = c.put(yaml, OptionalLong.empty(), "bench", "bench").get(30, TimeUnit.SECONDS);
        if (!(r instanceof WriteResult.Committed)) {
            throw new IllegalStateException("write: " + r + " (expected: Committed)");
        }
    }

    private static long median(List<Long> xs) {
        return percentile(xs, 0.5);
    }

    private static long percentile(List<Long> xs, double p) {
        List<Long> s = new ArrayList<>(xs);
        Collections.sort(s);
        return s.get((int) Math.min(s.size() - 1, Math.floor(p * s.size())));
    }
}
