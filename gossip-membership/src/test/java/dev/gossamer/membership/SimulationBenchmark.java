package dev.gossamer.membership;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.HashMap;

/**
 * Simulated-time measurements of the protocol (not a JUnit test; run with
 * {@code mvn -o -q -pl gossip-membership test-compile exec:java} or from the IDE):
 * crash → every survivor marks dead, first detection in probe periods, join → everyone knows, and steady-state
 * load per member. Arguments: sizes (default 10 100 1000), trials per size (default 5), seed.
 */
public final class SimulationBenchmark {

    public static void main(String[] args) {
        int[] sizes = {10, 100, 1000};
        int trials = 5;
        long seed = 42;
        if (args.length > 0) {
            String[] s = args[0].split(",");
            sizes = new int[s.length];
            for (int i = 0; i < s.length; i++) {
                sizes[i] = Integer.parseInt(s[i]);
            }
        }
        if (args.length > 1) {
            trials = Integer.parseInt(args[1]);
        }
        if (args.length > 2) {
            seed = Long.parseLong(args[2]);
        }
        System.out.println("profile=lan delay=0.2..1ms loss=0 seed=" + seed + " trials=" + trials);
        for (int n : sizes) {
            run(n, trials, seed);
        }
    }

    private static void run(int n, int trials, long seed) {
        MembershipOptions o = MembershipOptions.lan();
        long wall = System.nanoTime();
        SimCluster c = new SimCluster(seed + n, o);
        c.net.setDelay(Duration.ofNanos(200_000), Duration.ofMillis(1));
        c.startAll(n);
        long boot = c.runUntil(c::converged, Duration.ofSeconds(600), Duration.ofMillis(100));
        c.run(Duration.ofSeconds(5));
        // steady-state load
        long p0 = c.net.packetsSent();
        long b0 = c.net.bytesSent();
        int window = 60;
        c.run(Duration.ofSeconds(window));
        double pps = (c.net.packetsSent() - p0) / (double) n / window;
        double bps = (c.net.bytesSent() - b0) / (double) n / window;

        List<Double> firstDetect = new ArrayList<>();
        List<Double> allDeadMedian = new ArrayList<>();
        List<Double> allDeadMax = new ArrayList<>();
        List<Double> joinAll = new ArrayList<>();
        List<Double> joinRounds = new ArrayList<>();
        double probe = o.probeInterval().toNanos();
        int next = n;
        for (int t = 0; t < trials; t++) {
            // crash a random member
            List<String> ids = new ArrayList<>(c.nodes.keySet());
            String victim = ids.get(1 + c.random.nextInt(ids.size() - 1));
            c.events.clear();
            long t0 = c.nowNanos();
            c.crash(victim);
            c.runUntil(() -> c.allSee(victim, MemberState.DEAD), Duration.ofSeconds(300), Duration.ofMillis(10));
            long firstSuspect = Long.MAX_VALUE;
            Map<String, Long> deadAt = new HashMap<>();
            for (SimCluster.Event e : c.events) {
                if (!e.event().member().id().equals(victim)) {
                    continue;
                }
                if (e.event().type() == MembershipEvent.Type.SUSPECTED) {
                    firstSuspect = Math.min(firstSuspect, e.nanos() - t0);
                }
                if (e.event().type() == MembershipEvent.Type.FAILED) {
                    deadAt.putIfAbsent(e.observer(), e.nanos() - t0);
                }
            }
            List<Long> d = new ArrayList<>(deadAt.values());
            Collections.sort(d);
            firstDetect.add(firstSuspect / probe);
            allDeadMedian.add(d.get(d.size() / 2) / 1e9);
            allDeadMax.add(d.get(d.size() - 1) / 1e9);
            c.run(Duration.ofSeconds(5));
            // join a new member through n0
            String id = "j" + (next++);
            long j0 = c.nowNanos();
            c.add(id, List.of("n0"));
            long took = c.runUntil(() -> c.allSee(id, MemberState.ALIVE), Duration.ofSeconds(300),
                    Duration.ofMillis(10));
            joinAll.add(took / 1e9);
            joinRounds.add(took / (double) o.gossipInterval().toNanos());
            c.run(Duration.ofSeconds(5));
        }
        System.out.printf("n=%d boot-converge=%.1fs | first suspicion (probe periods) median %.2f | "
                        + "crash->all dead median-of-median %.2fs, median of max %.2fs, worst max %.2fs | "
                        + "join->all median %.2fs max %.2fs (%.1f gossip rounds) | per member: %.1f pkt/s %.0f B/s | "
                        + "wall %.1fs%n",
                n, boot / 1e9, median(firstDetect), median(allDeadMedian), median(allDeadMax),
                Collections.max(allDeadMax), median(joinAll), Collections.max(joinAll), median(joinRounds), pps, bps,
                (System.nanoTime() - wall) / 1e9);
    }

    private static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        return s.get(s.size() / 2);
    }
}
