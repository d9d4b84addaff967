package dev.gossamer.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gossamer.common.testing.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three (or one) real Ratis voters on loopback: election, writes through followers, validation, CAS, failover. */
class ControlClusterIT {

    /** Rejects any text containing "invalid", the way phase one reports a problem. */
    static final MeshValidator VALIDATOR = (source, yaml) -> yaml.contains("invalid")
            ? List.of(source + ":1:1: routes: invalid (expected: a list of routes)")
            : List.of();

    @TempDir
    Path dir;

    private TestCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    static <T> T await(CompletableFuture<T> f) throws Exception {
        return f.get(TestCluster.DEADLINE.toSeconds(), TimeUnit.SECONDS);
    }

    static WriteResult put(ControlClient c, String yaml) throws Exception {
        return await(c.put(yaml, OptionalLong.empty(), "mesh.yaml", "test"));
    }

    @Test
    void aWriteThroughAFollowerIsCommittedAndEveryVoterAppliesTheSameHistory() throws Exception {
        cluster = TestCluster.start(3, dir, VALIDATOR, b -> b);
        int leader = cluster.awaitLeader();
        ControlClient viaFollower = cluster.node(cluster.aFollower(leader)).client();

        for (int v = 1; v <= 3; v++) {
            String yaml = "routes: [" + v + "]\n";
            assertThat(put(viaFollower, yaml)).isEqualTo(new WriteResult.Committed(v, Codec.digest(yaml), true));
        }
        // the same text again commits nothing new and answers the current version
        assertThat(put(viaFollower, "routes: [3]\n"))
                .isEqualTo(new WriteResult.Committed(3, Codec.digest("routes: [3]\n"), false));

        cluster.awaitAllApplied(3);
        List<ConfigVersion> history = cluster.identicalHistories();
        assertThat(history).extracting(ConfigVersion::version).containsExactly(1L, 2L, 3L);
        assertThat(history).extracting(ConfigVersion::yaml)
                .containsExactly("routes: [1]\n", "routes: [2]\n", "routes: [3]\n");
        assertThat(history).allSatisfy(v -> {
            assertThat(v.digest()).isEqualTo(Codec.digest(v.yaml())).hasSize(64);
            assertThat(v.source()).isEqualTo("mesh.yaml");
            assertThat(v.author()).isEqualTo("test");
        });
        // every commit time was stamped by the leader's clock (voter i's clock starts at i * 1e6)
        long leaderClock = 1_000_000L * (leader + 1);
        assertThat(history).allSatisfy(v -> assertThat(v.committedAt()).isBetween(leaderClock, leaderClock + 999_999));

        ControlClient plain = cluster.newClient();
        assertThat(await(plain.latest())).contains(history.get(2));
        assertThat(await(plain.get(2))).contains(history.get(1));
        assertThat(await(plain.get(4))).isEmpty();
        assertThat(await(plain.history())).isEqualTo(history.stream().map(ConfigVersion::info).toList());
    }

    @Test
    void anInvalidConfigIsRejectedBeforeTheLogAndTheLogIndexDoesNotMove() throws Exception {
        cluster = TestCluster.start(3, dir, VALIDATOR, b -> b);
        int leader = cluster.awaitLeader();
        ControlClient viaFollower = cluster.node(cluster.aFollower(leader)).client();
        assertThat(put(viaFollower, "routes: []\n")).isInstanceOf(WriteResult.Committed.class);
        cluster.awaitAllApplied(1);
        // Ratis appends a metadata entry after a commit; wait until every log holds all and all is committed
        Await.until("every voter's log committed up to the leader's last entry", TestCluster.DEADLINE, () -> {
            long last = cluster.node(leader).status().lastIndex();
            for (int i = 0; i < 3; i++) {
                ControlNode.Status s = cluster.node(i).status();
                if (s.lastIndex() != last || s.commitIndex() != last) {
                    return false;
                }
            }
            return true;
        });
        long before = cluster.node(leader).status().lastIndex();

        assertThat(put(viaFollower, "routes: invalid\n")).isEqualTo(new WriteResult.Rejected(
                List.of("mesh.yaml:1:1: routes: invalid (expected: a list of routes)")));
        assertThat(await(viaFollower.rollback(7, "cli", "test"))).isEqualTo(new WriteResult.Rejected(
                List.of("rollback: version 7 (expected: 1..1)")));
        for (int i = 0; i < 3; i++) {
            assertThat(cluster.node(i).status().lastIndex()).as("log of n%s", i + 1).isEqualTo(before);
        }
        assertThat(await(viaFollower.latest())).get().extracting(ConfigVersion::version).isEqualTo(1L);

        // a valid write does move it (its entry, then Ratis's commit metadata)
        assertThat(put(viaFollower, "routes: [a]\n")).isInstanceOf(WriteResult.Committed.class);
        assertThat(cluster.node(leader).status().lastIndex()).isGreaterThan(before);
    }

    @Test
    void ofTwoCompareAndSetWritersOnTheSameVersionExactlyOneWins() throws Exception {
        cluster = TestCluster.start(3, dir, VALIDATOR, b -> b);
        cluster.awaitLeader();
        ControlClient a = cluster.newClient();
        ControlClient b = cluster.newClient();
        assertThat(await(a.put("v: 1\n", OptionalLong.of(0), "a", "a")))
                .isEqualTo(new WriteResult.Committed(1, Codec.digest("v: 1\n"), true));
        for (long round = 1; round <= 5; round++) {
            CompletableFuture<WriteResult> fa = a.put("a: " + round + "\n", OptionalLong.of(round), "a", "a");
            CompletableFuture<WriteResult> fb = b.put("b: " + round + "\n", OptionalLong.of(round), "b", "b");
            List<WriteResult> results = List.of(await(fa), await(fb));
            assertThat(results).as("round %s", round)
                    .filteredOn(r -> r instanceof WriteResult.Committed).hasSize(1)
                    .first().extracting(r -> ((WriteResult.Committed) r).version()).isEqualTo(round + 1);
            assertThat(results).as("round %s", round)
                    .filteredOn(r -> r instanceof WriteResult.Conflict).containsExactly(
                            new WriteResult.Conflict(round + 1));
        }
        // a stale version loses even with an unchanged text
        assertThat(await(a.put("v: 1\n", OptionalLong.of(3), "a", "a"))).isEqualTo(new WriteResult.Conflict(6));
        cluster.awaitAllApplied(6);
        cluster.identicalHistories();
    }

    @Test
    void rollbackRecommitsAnOldTextAsANewVersion() throws Exception {
        cluster = TestCluster.start(3, dir, VALIDATOR, b -> b);
        cluster.awaitLeader();
        ControlClient c = cluster.newClient();
        put(c, "A\n");
        put(c, "B\n");
        assertThat(await(c.rollback(1, "rollback of 1", "ops")))
                .isEqualTo(new WriteResult.Committed(3, Codec.digest("A\n"), true));
        assertThat(await(c.rollback(3, "rollback of 3", "ops")))
                .isEqualTo(new WriteResult.Committed(3, Codec.digest("A\n"), false));
        ConfigVersion v3 = await(c.get(3)).orElseThrow();
        assertThat(v3.yaml()).isEqualTo("A\n");
        assertThat(v3.source()).isEqualTo("rollback of 1");
        assertThat(v3.author()).isEqualTo("ops");
    }

    @Test
    void closingTheLeaderElectsANewOneAndAWriteSucceeds() throws Exception {
        cluster = TestCluster.start(3, dir, VALIDATOR, b -> b);
        int leader = cluster.awaitLeader();
        ControlClient c = cluster.newClient();
        put(c, "before\n");

        long start = System.nanoTime();
        cluster.stopNode(leader);
        // a leader that stops on purpose hands over: a voter leads as soon as the old one is closed
        assertThat(java.util.stream.IntStream.range(0, cluster.size())
                .filter(i -> cluster.node(i) != null && "LEADER".equals(cluster.node(i).status().role())))
                .as("a voter leads right after the leader closed").hasSize(1);
        WriteResult after = put(c, "after\n");
        long failoverMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        int newLeader = cluster.awaitLeader();
        System.out.println("failover (close -> first successful write): " + failoverMs + " ms");

        assertThat(after).isEqualTo(new WriteResult.Committed(2, Codec.digest("after\n"), true));
        assertThat(newLeader).isNotEqualTo(leader);
        // the old leader comes back as a follower and catches up
        cluster.startNode(leader);
        cluster.awaitAllApplied(2);
        cluster.identicalHistories();
    }

    @Test
    void aVotersOwnLatestIsReadFromItWithoutALeaderAndAgainAfterItWasDown() throws Exception {
        cluster = TestCluster.start(3, dir, VALIDATOR, b -> b);
        int leader = cluster.awaitLeader();
        ControlClient c = cluster.newClient();
        put(c, "one\n");
        cluster.awaitAllApplied(1);
        int follower = cluster.aFollower(leader);
        String followerId = cluster.node(follower).id();
        assertThat(await(c.latestAt(followerId))).map(ConfigVersion::yaml).contains("one\n");

        // no leader at all (two of three voters stopped): the one left still answers what it applied
        int third = 3 - leader - follower;
        cluster.stopNode(leader);
        cluster.stopNode(third);
        assertThat(await(c.latestAt(followerId))).map(ConfigVersion::version).contains(1L);
        String stoppedId = cluster.options().voters().get(leader).id();
        assertThat(c.latestAt(stoppedId)).failsWithin(TestCluster.DEADLINE);
        assertThatThrownBy(() -> await(c.latestAt("nobody")))
                .hasRootCauseInstanceOf(IllegalArgumentException.class).hasMessageContaining("nobody");

        // a voter that failed a read once is asked again once it is back (Ratis's async client would not)
        cluster.startNode(leader);
        cluster.startNode(third);
        cluster.awaitLeader();
        put(c, "two\n");
        cluster.awaitAllApplied(2);
        assertThat(await(c.latestAt(stoppedId))).map(ConfigVersion::yaml).contains("two\n");
    }

    @Test
    void aSingleVoterHasHistoryAndCasAndRecoversFromItsLog() throws Exception {
        cluster = TestCluster.start(1, dir, VALIDATOR, b -> b);
        cluster.awaitLeader();
        ControlClient c = cluster.node(0).client();
        put(c, "one\n");
        assertThat(await(c.put("two\n", OptionalLong.of(1), "mesh.yaml", "test")))
                .isInstanceOf(WriteResult.Committed.class);
        assertThat(await(c.put("three\n", OptionalLong.of(1), "mesh.yaml", "test")))
                .isEqualTo(new WriteResult.Conflict(2));
        List<ConfigVersion> before = cluster.node(0).appliedHistory();

        cluster.stopNode(0);
        cluster.startNode(0);
        cluster.awaitLeader();
        cluster.awaitAllApplied(2);
        assertThat(cluster.node(0).appliedHistory()).isEqualTo(before);
        assertThat(put(cluster.node(0).client(), "three\n"))
                .isEqualTo(new WriteResult.Committed(3, Codec.digest("three\n"), true));
    }

    @Test
    void leaderInfoNamesTheLeaderTermAndEveryVoter() throws Exception {
        cluster = TestCluster.start(3, dir, VALIDATOR, b -> b);
        int leader = cluster.awaitLeader();
        put(cluster.newClient(), "x\n");
        LeaderInfo info = await(cluster.newClient().leaderInfo());
        assertThat(info.leader()).contains(cluster.node(leader).id());
        assertThat(info.term()).isEqualTo(cluster.node(leader).status().term()).isPositive();
        assertThat(info.voters()).extracting(LeaderInfo.VoterStatus::id).containsExactly("n1", "n2", "n3");
        assertThat(info.voters()).filteredOn(v -> v.role() == LeaderInfo.Role.LEADER).hasSize(1);
        assertThat(info.voters()).allSatisfy(v -> assertThat(v.lastIndex()).isPositive());

        int stopped = cluster.aFollower(leader);
        cluster.stopNode(stopped);
        LeaderInfo later = await(cluster.newClient().leaderInfo());
        assertThat(later.voters().get(stopped).role()).isEqualTo(LeaderInfo.Role.UNREACHABLE);
        assertThat(later.voters().get(stopped).address())
                .isEqualTo(cluster.options().voters().get(stopped).address());
    }

    @Test
    @SuppressWarnings("try") // the subscription is held open by the try block, not used in it
    void listenersSeeEachNewVersionOnceInOrder() throws Exception {
        cluster = TestCluster.start(3, dir, VALIDATOR, b -> b);
        cluster.awaitLeader();
        List<Long> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (AutoCloseable sub = cluster.node(2).onApplied(v -> seen.add(v.version()))) {
            ControlClient c = cluster.newClient();
            put(c, "1\n");
            put(c, "1\n");
            put(c, "routes: invalid\n");
            put(c, "2\n");
            Await.until("node 3 applied version 2", Duration.ofSeconds(20), () -> seen.contains(2L));
            assertThat(seen).containsExactly(1L, 2L);
        }
    }
}
