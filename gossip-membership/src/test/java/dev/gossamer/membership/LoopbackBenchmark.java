package dev.gossamer.membership;

import dev.gossamer.common.RandomSource;
import dev.gossamer.common.testing.Await;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Real UDP/TCP on 127.0.0.1, one JVM, LAN profile, AES-GCM on: crash → all survivors mark dead, join → all know.
 * Not a JUnit test: {@code java -cp ... dev.gossamer.membership.LoopbackBenchmark 5,20,50 5}.
 */
public final class LoopbackBenchmark {

    public static void main(String[] args) throws Exception {
        String[] sizes = (args.length > 0 ? args[0] : "5,20,50").split(",");
        int trials = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        MembershipOptions o = MembershipOptions.lan().toBuilder().keyring(Keyring.of(WireCodecTest.K1)).build();
        for (String s : sizes) {
            int n = Integer.parseInt(s);
            Vertx vertx = Vertx.vertx();
            List<Membership> ms = new ArrayList<>();
            ms.add(MembershipUdpTest.start(vertx, "m0", o, List.of(), null));
            String seed = ms.get(0).address();
            for (int i = 1; i < n; i++) {
                ms.add(MembershipUdpTest.start(vertx, "m" + i, o, List.of(seed), null));
            }
            Await.until("boot", Duration.ofSeconds(120), () -> MembershipUdpTest.allAlive(ms));
            List<Double> dead = new ArrayList<>();
            List<Double> join = new ArrayList<>();
            RandomSource r = RandomSource.seeded(n);
            int next = n;
            for (int t = 0; t < trials; t++) {
                Membership victim = ms.remove(1 + r.nextInt(ms.size() - 1));
                String id = victim.self().id();
                long t0 = System.nanoTime();
                MembershipUdpTest.await(victim.close());
                Await.until("dead", Duration.ofSeconds(120), () -> MembershipUdpTest.allSee(ms, id, MemberState.DEAD));
                dead.add((System.nanoTime() - t0) / 1e9);
                String nid = "j" + (next++);
                long j0 = System.nanoTime();
                Membership joiner = MembershipUdpTest.start(vertx, nid, o, List.of(seed), null);
                ms.add(joiner);
                Await.until("join", Duration.ofSeconds(60), () -> MembershipUdpTest.allSee(ms, nid, MemberState.ALIVE));
                join.add((System.nanoTime() - j0) / 1e9);
            }
            Collections.sort(dead);
            Collections.sort(join);
            System.out.printf("loopback n=%d trials=%d: crash->all dead median %.2fs max %.2fs | join->all median %.2fs"
                            + " max %.2fs%n", n, trials, dead.get(dead.size() / 2), dead.get(dead.size() - 1),
                    join.get(join.size() / 2), join.get(join.size() - 1));
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    private LoopbackBenchmark() {
    }
}
