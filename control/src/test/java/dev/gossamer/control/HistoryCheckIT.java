package dev.gossamer.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gossamer.common.RandomSource;
import dev.gossamer.common.testing.Await;
import dev.gossamer.common.testing.Seeds;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A history check in the spirit of Jepsen: concurrent compare-and-set writers while the leader is closed twice
 * (and brought back). Every acknowledged write must be in the final history exactly once at the version it was
 * acknowledged with, versions must be contiguous, nothing may appear that nobody wrote, and every voter's history
 * must be the same. Writes that failed (timeout during a failover) are indeterminate: they may or may not be there,
 * but at most once.
 */
class HistoryCheckIT {

    private static final int WRITERS = 4;
    private static final int ACKS_PER_PHASE = 6;

    @TempDir
    Path dir;

    @Test
    void concurrentCasWritersWhileTheLeaderIsClosedTwiceKeepOneConsistentHistory() throws Exception {
        long seed = Seeds.seed(20261206L);
        RandomSource random = RandomSource.seeded(seed);
        // the check reads the whole history: none of it may be pruned (the default keeps the latest 100 versions,
        // and the writers can commit more than that when failover is quick)
        try (TestCluster cluster = TestCluster.start(3, dir, ControlClusterIT.VALIDATOR,
                b -> b.historyLimit(1_000_000))) {
            cluster.awaitLeader();
            Map<String, Long> acknowledged = new ConcurrentHashMap<>();
            Set<String> attempted = ConcurrentHashMap.newKeySet();
            AtomicInteger conflicts = new AtomicInteger();
            AtomicInteger failures = new AtomicInteger();
            AtomicBoolean stop = new AtomicBoolean();
            List<String> unexpected = java.util.Collections.synchronizedList(new ArrayList<>());
            List<Thread> writers = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                ControlClient client = cluster.newClient();
                // each writer draws from its own generator, seeded from the test's, so a run is repeatable per writer
                RandomSource mine = RandomSource.seeded(random.nextLong());
                int id = w;
                Thread t = new Thread(() -> {
                    for (int op = 0; !stop.get(); op++) {
                        String text = "writer: " + id + "\nop: " + op + "\n";
                        attempted.add(text);
                        try {
                            long latest = client.latest().get(30, TimeUnit.SECONDS)
                                    .map(ConfigVersion::version).orElse(0L);
                            // one write in four on a stale version, so conflicts are certain
                            long ifVersion = mine.nextInt(4) == 0 ? Math.max(0, latest - 1) : latest;
                            WriteResult r = client.put(text, OptionalLong.of(ifVersion), "writer-" + id, "w" + id)
                                    .get(30, TimeUnit.SECONDS);
                            if (r instanceof WriteResult.Committed c) {
                                if (!c.created()) {
                                    unexpected.add(text + " answered " + c + " (expected: a new version)");
                                }
                                acknowledged.put(text, c.version());
                            } else if (r instanceof WriteResult.Conflict) {
                                conflicts.incrementAndGet();
                            } else {
                                unexpected.add(text + " answered " + r);
                            }
                        } catch (Exception e) {
                            failures.incrementAndGet();
                        }
                    }
                }, "writer-" + w);
                writers.add(t);
                t.start();
            }

            awaitAcks(acknowledged, ACKS_PER_PHASE, seed);
            for (int round = 0; round < 2; round++) {
                int leader = cluster.awaitLeader();
                cluster.stopNode(leader);
                cluster.awaitLeader();
                awaitAcks(acknowledged, acknowledged.size() + ACKS_PER_PHASE, seed);
                cluster.startNode(leader);
                awaitAcks(acknowledged, acknowledged.size() + 2, seed);
            }
            stop.set(true);
            for (Thread t : writers) {
                t.join(TestCluster.DEADLINE.toMillis());
                assertThat(t.isAlive()).as(Seeds.describe(seed, t.getName() + " finished")).isFalse();
            }

            long last = cluster.newClient().latest().get(30, TimeUnit.SECONDS).orElseThrow().version();
            cluster.awaitAllApplied(last);
            List<ConfigVersion> history = cluster.identicalHistories();
            System.out.println(Seeds.describe(seed, history.size() + " versions, " + acknowledged.size()
                    + " acknowledged, " + conflicts + " conflicts, " + failures + " indeterminate"));

            assertThat(unexpected).as(Seeds.describe(seed, "unexpected answers")).isEmpty();
            for (int i = 0; i < history.size(); i++) {
                assertThat(history.get(i).version()).as(Seeds.describe(seed, "contiguous versions")).isEqualTo(i + 1);
            }
            Map<String, Integer> occurrences = new HashMap<>();
            for (ConfigVersion v : history) {
                occurrences.merge(v.yaml(), 1, Integer::sum);
                assertThat(attempted).as(Seeds.describe(seed, "version " + v.version() + " was written by someone"))
                        .contains(v.yaml());
            }
            assertThat(occurrences.values()).as(Seeds.describe(seed, "no text committed twice")).allMatch(n -> n == 1);
            acknowledged.forEach((text, version) -> assertThat(history.get((int) (version - 1)).yaml())
                    .as(Seeds.describe(seed, "acknowledged write at version " + version)).isEqualTo(text));
            assertThat(conflicts.get()).as(Seeds.describe(seed, "conflicts happened")).isPositive();
        }
    }

    private static void awaitAcks(Map<String, Long> acknowledged, int n, long seed) {
        Await.until(Seeds.describe(seed, n + " acknowledged writes"), TestCluster.DEADLINE,
                () -> acknowledged.size() >= n);
    }
}
