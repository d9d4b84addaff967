package dev.gossamer.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gossamer.common.testing.Await;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshots keep the log short, and a voter restarted from its data dir recovers: from its own snapshot plus its
 * log, and from the leader's snapshot when it lost its data dir and the leader purged the entries it lacks.
 */
class SnapshotRecoveryIT {

    @TempDir
    Path dir;

    /** About 2 KB per version, so 8 KB log segments roll every few versions and purging has something to delete. */
    private static String config(int n) {
        return "version: " + n + "\npadding: " + "x".repeat(2000) + "\n";
    }

    private static String[] configs(int n) {
        return Stream.iterate(1, i -> i + 1).limit(n).map(SnapshotRecoveryIT::config).toArray(String[]::new);
    }

    @Test
    void aVoterRestartedFromItsDataDirCatchesUpAfterASnapshot() throws Exception {
        try (TestCluster cluster = TestCluster.start(3, dir, ControlClusterIT.VALIDATOR,
                b -> b.logSegmentSize(8 << 10))) {
            int leader = cluster.awaitLeader();
            ControlClient c = cluster.newClient();
            for (int n = 1; n <= 3; n++) {
                assertThat(put(c, config(n))).isInstanceOf(WriteResult.Committed.class);
            }
            cluster.awaitAllApplied(3);
            int away = cluster.aFollower(leader);
            long snapshot = cluster.node(away).takeSnapshot().get(30, TimeUnit.SECONDS);
            assertThat(snapshot).isPositive();
            cluster.stopNode(away);

            for (int n = 4; n <= 12; n++) {
                assertThat(put(c, config(n))).isInstanceOf(WriteResult.Committed.class);
            }
            long leaderSnapshot = cluster.node(leader).takeSnapshot().get(30, TimeUnit.SECONDS);

            cluster.startNode(away);
            // its own: the one taken above, or a later one of its own, as Ratis snapshots a voter that stops with
            // entries applied after its last snapshot (trigger-when-stop); never the leader's, nine versions on
            assertThat(cluster.node(away).status().snapshotIndex()).as("loaded its own snapshot, not the leader's")
                    .isBetween(snapshot, leaderSnapshot - 1);
            cluster.awaitAllApplied(12);
            assertThat(cluster.identicalHistories()).extracting(ConfigVersion::yaml).containsExactly(configs(12));

            // with every voter caught up, the next snapshot lets the leader purge its log
            for (int n = 13; n <= 16; n++) {
                put(c, config(n));
            }
            cluster.awaitAllApplied(16);
            Await.until("the leader purged its log after a snapshot", TestCluster.DEADLINE, () -> {
                cluster.node(leader).takeSnapshot().join();
                return cluster.node(leader).status().logStartIndex() > 0;
            });
            assertThat(snapshotFiles(cluster, leader)).as("old snapshots are cleaned up").hasSizeLessThanOrEqualTo(2);

            // and it serves as a voter again: with the other follower gone, a write needs it
            cluster.stopNode(3 - leader - away);
            assertThat(put(c, config(17))).isInstanceOf(WriteResult.Committed.class);
        }
    }

    @Test
    void aVoterThatLostItsDataDirInstallsTheLeadersSnapshot() throws Exception {
        try (TestCluster cluster = TestCluster.start(3, dir, ControlClusterIT.VALIDATOR,
                b -> b.logSegmentSize(8 << 10))) {
            int leader = cluster.awaitLeader();
            ControlClient c = cluster.newClient();
            for (int n = 1; n <= 8; n++) {
                put(c, config(n));
            }
            cluster.awaitAllApplied(8);
            int away = cluster.aFollower(leader);
            cluster.stopNode(away);
            deleteRecursively(cluster.optionsOf(away).dataDir());
            for (int n = 9; n <= 12; n++) {
                put(c, config(n));
            }
            Await.until("the leader purged the start of its log", TestCluster.DEADLINE, () -> {
                cluster.node(leader).takeSnapshot().join();
                return cluster.node(leader).status().logStartIndex() > 0;
            });

            cluster.startNode(away);
            cluster.awaitAllApplied(12);
            assertThat(cluster.identicalHistories()).extracting(ConfigVersion::yaml).containsExactly(configs(12));
            assertThat(cluster.node(away).status().snapshotIndex())
                    .as("its history came with the leader's snapshot").isPositive();
        }
    }

    @Test
    void automaticSnapshotsFollowTheThreshold() throws Exception {
        try (TestCluster cluster = TestCluster.start(1, dir, ControlClusterIT.VALIDATOR,
                b -> b.snapshotThreshold(4))) {
            cluster.awaitLeader();
            ControlClient c = cluster.node(0).client();
            for (int n = 1; n <= 6; n++) {
                put(c, config(n));
            }
            Await.until("an automatic snapshot", TestCluster.DEADLINE,
                    () -> cluster.node(0).status().snapshotIndex() > 0);
            List<ConfigVersion> before = cluster.node(0).appliedHistory();
            cluster.stopNode(0);
            cluster.startNode(0);
            cluster.awaitAllApplied(6);
            assertThat(cluster.node(0).appliedHistory()).isEqualTo(before);
        }
    }

    private static WriteResult put(ControlClient c, String yaml) throws Exception {
        return c.put(yaml, OptionalLong.empty(), "mesh.yaml", "test").get(30, TimeUnit.SECONDS);
    }

    private static List<Path> snapshotFiles(TestCluster cluster, int i) throws IOException {
        try (Stream<Path> files = Files.walk(cluster.optionsOf(i).dataDir())) {
            return files.filter(p -> p.getFileName().toString().matches("snapshot\\.\\d+_\\d+")).toList();
        }
    }

    private static void deleteRecursively(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
