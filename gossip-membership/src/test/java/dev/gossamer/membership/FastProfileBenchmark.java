package dev.gossamer.membership;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How fast can the timers go before a live member is declared dead? A seeded simulation (not a JUnit test) over a
 * ladder of profiles ({@code lan} scaled by 1, 0.75, 0.5, 0.25, 0.1, 0.05, {@code local}, and {@code lan} × 0.25 with
 * {@code suspicionMult} 16, whose minimum suspicion equals {@code lan}'s) at two one-way delay ranges
 * (0.2–1 ms and 5–20 ms). Per profile, delay and seed, 50 members boot without loss and converge, then:
 * <ol>
 *   <li><b>false-positive window</b>: 10 simulated minutes with 10% loss on every link; once, at a random time
 *       between minute 1 and minute 7, one random member is paused for 5 s (a GC pause: its timers and incoming
 *       packets wait). Every FAILED event about a member that never crashed is a false positive, counted apart
 *       for the paused member and for the others.</li>
 *   <li><b>crash</b>: still at 10% loss, a random member crashes; for each survivor, the time until it marks the
 *       victim dead. Reported: median over seeds of the survivors' median, and the worst survivor over all
 *       seeds.</li>
 * </ol>
 * Arguments: seeds per cell (default 10), first seed (default 1), window minutes (default 10), and optionally a
 * profile label and a delay label ({@code lan*0.25}, {@code 5-20ms}) to rerun one cell. The seed of every run with a
 * false positive is printed with its first offending event.
 *
 * <p>Threading: single-threaded; each run owns its own fake clock.
 */
public final class FastProfileBenchmark {

    private static final int MEMBERS = 50;
    private static final double LOSS = 0.10;
    private static final Duration PAUSE = Duration.ofSeconds(5);

    record Profile(String label, MembershipOptions options) {
    }

    record Delay(String label, Duration min, Duration max) {
    }

    record RunResult(long seed, int fpPaused, int fpOthers, long suspicions, String firstFp, double crashMedianS,
                     double crashMaxS) {
        boolean falsePositive() {
            return fpPaused + fpOthers > 0;
        }
    }

    public static void main(String[] args) {
        int seeds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        long firstSeed = args.length > 1 ? Long.parseLong(args[1]) : 1;
        int minutes = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        String onlyProfile = args.length > 3 ? args[3] : null;
        String onlyDelay = args.length > 4 ? args[4] : null;

        List<Profile> profiles = new ArrayList<>();
        for (double f : new double[] {1, 0.75, 0.5, 0.25, 0.1, 0.05}) {
            String label = f == 1 ? "lan" : "lan*" + f;
            profiles.add(new Profile(label, MembershipOptions.lan().toBuilder().scaleTimers(f).build()));
        }
        profiles.add(new Profile("local", MembershipOptions.local()));
        // fast probing, but suspicion as long as lan's: min suspicion, not the probe rate, is what a pause must beat
        profiles.add(new Profile("lan*0.25,sm16",
                MembershipOptions.lan().toBuilder().scaleTimers(0.25).suspicionMult(16).build()));
        List<Delay> delays = List.of(
                new Delay("0.2-1ms", Duration.ofNanos(200_000), Duration.ofMillis(1)),
                new Delay("5-20ms", Duration.ofMillis(5), Duration.ofMillis(20)));

        System.out.printf(Locale.ROOT, "n=%d loss=%.0f%% pause=%ds window=%dmin seeds=%d..%d%n", MEMBERS, LOSS * 100,
                PAUSE.toSeconds(), minutes, firstSeed, firstSeed + seeds - 1);
        System.out.println("| delay | profile | probe/timeout | gossip | min..max suspicion | runs with FP "
                + "| FP events paused/others | suspicions/run | crash->all dead median | max | wall |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
        for (Delay d : delays) {
            if (onlyDelay != null && !onlyDelay.equals(d.label())) {
                continue;
            }
            for (Profile p : profiles) {
                if (onlyProfile != null && !onlyProfile.equals(p.label())) {
                    continue;
                }
                cell(p, d, seeds, firstSeed, minutes);
            }
        }
    }

    private static void cell(Profile p, Delay d, int seeds, long firstSeed, int minutes) {
        long wall = System.nanoTime();
        List<RunResult> results = new ArrayList<>();
        for (int i = 0; i < seeds; i++) {
            RunResult r = run(firstSeed + i, p.options(), d, minutes);
            results.add(r);
            if (r.falsePositive()) {
                System.out.printf(Locale.ROOT, "  FP seed=%d profile=%s delay=%s paused=%d others=%d first: %s%n",
                        r.seed(), p.label(), d.label(), r.fpPaused(), r.fpOthers(), r.firstFp());
            }
        }
        MembershipOptions o = p.options();
        long minSus = (long) (o.suspicionMult() * Math.log10(MEMBERS) * o.probeInterval().toNanos());
        long maxSus = o.suspicionMaxTimeoutMult() * minSus;
        List<Double> medians = new ArrayList<>();
        double worst = 0;
        int fpRuns = 0;
        int fpPaused = 0;
        int fpOthers = 0;
        long suspicions = 0;
        for (RunResult r : results) {
            medians.add(r.crashMedianS());
            worst = Math.max(worst, r.crashMaxS());
            fpRuns += r.falsePositive() ? 1 : 0;
            fpPaused += r.fpPaused();
            fpOthers += r.fpOthers();
            suspicions += r.suspicions();
        }
        Collections.sort(medians);
        System.out.printf(Locale.ROOT,
                "| %s | %s | %s/%s | %s | %.2f..%.2fs | %d/%d | %d/%d | %d | %.2fs | %.2fs | %.0fs |%n",
                d.label(), p.label(), ms(o.probeInterval()), ms(o.probeTimeout()), ms(o.gossipInterval()),
                minSus / 1e9, maxSus / 1e9, fpRuns, results.size(), fpPaused, fpOthers, suspicions / results.size(),
                medians.get(medians.size() / 2), worst, (System.nanoTime() - wall) / 1e9);
    }

    private static String ms(Duration d) {
        return d.toNanos() % 1_000_000 == 0 ? d.toMillis() + "ms" : String.format(Locale.ROOT, "%.1fms",
                d.toNanos() / 1e6);
    }

    static RunResult run(long seed, MembershipOptions o, Delay d, int minutes) {
        SimCluster c = new SimCluster(seed, o);
        c.recordEvents = false;
        c.net.setDelay(d.min(), d.max());
        c.startAll(MEMBERS);
        Duration step = o.gossipInterval();
        if (c.runUntil(c::converged, Duration.ofSeconds(600), step) < 0) {
            throw new IllegalStateException("no convergence before loss; " + c.describe());
        }
        c.run(o.probeInterval().multipliedBy(5));

        List<SimCluster.Event> failed = new ArrayList<>();
        long[] suspicions = {0};
        for (SwimNode n : c.nodes.values()) {
            String observer = n.id();
            n.addListener(e -> {
                if (e.type() == MembershipEvent.Type.FAILED) {
                    failed.add(new SimCluster.Event(c.nowNanos(), observer, e));
                } else if (e.type() == MembershipEvent.Type.SUSPECTED) {
                    suspicions[0]++;
                }
            });
        }

        // false-positive window: loss everywhere, one GC pause at a random time
        c.net.setLoss(LOSS);
        long windowNanos = Duration.ofMinutes(minutes).toNanos();
        long pauseAt = Duration.ofMinutes(1).toNanos()
                + c.random.nextLong(Math.max(1, windowNanos * 7 / 10 - Duration.ofMinutes(1).toNanos()));
        List<String> ids = new ArrayList<>(c.nodes.keySet());
        String paused = ids.get(c.random.nextInt(ids.size()));
        long start = c.nowNanos();
        c.run(Duration.ofNanos(pauseAt));
        c.net.pause(SimCluster.address(paused));
        c.run(PAUSE);
        c.net.resume(SimCluster.address(paused));
        c.run(Duration.ofNanos(windowNanos - pauseAt - PAUSE.toNanos()));

        // crash, still at 10% loss
        String victim;
        do {
            victim = ids.get(c.random.nextInt(ids.size()));
        } while (victim.equals(paused));
        int failedBeforeCrash = failed.size();
        long t0 = c.nowNanos();
        String v = victim;
        c.crash(victim);
        long took = c.runUntil(() -> c.allSee(v, MemberState.DEAD), Duration.ofSeconds(600),
                Duration.ofNanos(Math.max(1_000_000, o.probeInterval().toNanos() / 100)));
        if (took < 0) {
            throw new IllegalStateException("crash of " + victim + " not detected by all; " + c.describe());
        }
        Map<String, Long> deadAt = new HashMap<>();
        int fpPaused = 0;
        int fpOthers = 0;
        String firstFp = null;
        for (int i = 0; i < failed.size(); i++) {
            SimCluster.Event e = failed.get(i);
            String id = e.event().member().id();
            if (i >= failedBeforeCrash && id.equals(victim)) {
                deadAt.putIfAbsent(e.observer(), e.nanos() - t0);
                continue;
            }
            if (id.equals(paused)) {
                fpPaused++;
            } else {
                fpOthers++;
            }
            if (firstFp == null) {
                firstFp = String.format(Locale.ROOT, "%s declared %s%s dead at window+%.3fs (pause at +%.3fs)",
                        e.observer(), id, id.equals(paused) ? " (the paused member)" : "", (e.nanos() - start) / 1e9,
                        pauseAt / 1e9);
            }
        }
        List<Long> ds = new ArrayList<>(deadAt.values());
        Collections.sort(ds);
        return new RunResult(seed, fpPaused, fpOthers, suspicions[0], firstFp, ds.get(ds.size() / 2) / 1e9,
                ds.get(ds.size() - 1) / 1e9);
    }
}
