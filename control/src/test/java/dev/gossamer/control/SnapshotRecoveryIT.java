package dev.gossamer.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gossamer.common.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshots keep the log short, and a voter restarted from its data dir recovers: from its own snapshot plus its
 * log, then from the leader's snapshot for the entries the leader purged while it was away.
 */
class SnapshotRecoveryIT {

    @TempDir
    Path dir;

    /** About 2 KB per version, so 8 KB log segments roll every few versions and purging has something to delete. */
    private static String config(int n) {
        return "version: " + n + "\npadding: " + "x".repeat(2000) + "\n";
    }

    @Test
    void aVoterRestartedFromItsDataDirCatchesUpAfterTheLeaderPurgedItsLog() throws Exception {
        try (TestCluster cluster = TestCluster.start(3, dir, ControlClusterIT.VALIDATOR,
                b -> b.logSegmentSize(8 << 10))) {
            int leader = cluster.awaitLeader();
            ControlClient c = cluster.newClient();
            for (int n = 1; n <= 3; n++) {
                assertThat(put(c, config(n))).isInstanceOf(WriteResult.Committed.class);
            }
            cluster.awaitAllApplied(3);
            for (int i = 0; i < 3; i++) {
                assertThat(cluster.node(i).takeSnapshot().get(30, TimeUnit.SECONDS)).isPositive();
            }
            int away = cluster.aFollower(leader);
            long awayLastIndex = cluster.node(away).status().lastIndex();
            cluster.stopNode(away);

            for (int n = 4; n <= 12; n++) {
                assertThat(put(c, config(n))).isInstanceOf(WriteResult.Committed.class);
            }
            cluster.awaitAllApplied(12);
            for (int i = 0; i < 3; i++) {
                if (i != away) {
                    cluster.node(i).takeSnapshot().get(30, TimeUnit.SECONDS);
                }
            }
            Await.until("the leader purged the entries the stopped voter lacks", TestCluster.DEADLINE,
                    () -> cluster.node(leader).status().logStartIndex() > awayLastIndex + 1);
            assertThat(snapshotFiles(cluster, leader)).as("old snapshots are cleaned up").hasSizeLessThanOrEqualTo(2);

            cluster.startNode(away);
            cluster.awaitAllApplied(12);
            List<ConfigVersion> history = cluster.identicalHistories();
            assertThat(history).extracting(ConfigVersion::yaml)
                    .containsExactly(Stream.iterate(1, n -> n + 1).limit(12).map(SnapshotRecoveryIT::config)
                            .toArray(String[]::new));
            assertThat(cluster.node(away).status().snapshotIndex())
                    .as("the returning voter installed the leader's snapshot").isGreaterThan(awayLastIndex);

            // and it serves as a voter again: with the other follower gone, a write needs it
            cluster.stopNode(3 - leader - away);
            assertThat(put(c, config(13))).isInstanceOf(WriteResult.Committed.class);
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

    private static List<Path> snapshotFiles(TestCluster cluster, int i) throws Exception {
        try (Stream<Path> files = Files.walk(cluster.optionsOf(i).dataDir())) {
            return files.filter(p -> p.getFileName().toString().matches("snapshot\\.\\d+_\\d+")).toList();
        }
    }
}
