package dev.gossamer.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gossamer.common.testing.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mutual TLS between voters and for clients: the group's CA admits, another CA's certificate is refused. */
class ControlTlsIT {

    @TempDir
    static Path certs;

    static ControlOptions.TlsFiles meshCa;
    static ControlOptions.TlsFiles foreignCa;

    @TempDir
    Path dir;

    @BeforeAll
    static void issue() throws Exception {
        meshCa = TestCertificates.issue(certs.resolve("mesh"), "mesh");
        foreignCa = TestCertificates.issue(certs.resolve("foreign"), "foreign");
    }

    @Test
    void votersOfTheMeshCaCommitOverTlsAndAForeignVoterOrClientCannotTakePart() throws Exception {
        try (TestCluster cluster = TestCluster.start(3, dir, ControlClusterIT.VALIDATOR,
                b -> b.tls(meshCa).requestTimeout(Duration.ofSeconds(1)), i -> i == 2 ? foreignCa : meshCa)) {
            int leader = cluster.awaitLeader();
            assertThat(leader).isNotEqualTo(2);
            ControlClient c = cluster.newClient();
            for (int v = 1; v <= 3; v++) {
                assertThat(c.put("v: " + v + "\n", OptionalLong.empty(), "mesh.yaml", "t").get(30, TimeUnit.SECONDS))
                        .isInstanceOf(WriteResult.Committed.class);
            }
            Await.until("n1 and n2 applied 3 versions", TestCluster.DEADLINE, () ->
                    cluster.node(0).appliedHistory().size() == 3 && cluster.node(1).appliedHistory().size() == 3);
            assertThat(cluster.node(0).appliedHistory()).isEqualTo(cluster.node(1).appliedHistory());
            // the mesh's client cannot even reach n3: its certificate is not from the mesh CA
            LeaderInfo info = c.leaderInfo().get(30, TimeUnit.SECONDS);
            assertThat(info.voters().get(2).role()).isEqualTo(LeaderInfo.Role.UNREACHABLE);
            assertThat(info.voters().get(leader).role()).isEqualTo(LeaderInfo.Role.LEADER);
            assertThat(cluster.node(2).appliedHistory()).as("n3 received nothing").isEmpty();
            assertThat(cluster.node(2).status().leaderReady()).isFalse();

            ControlOptions foreignClient = cluster.options().toBuilder().tls(foreignCa).build();
            ControlOptions plaintextClient = cluster.options().toBuilder().tls(null).build();
            for (ControlOptions o : new ControlOptions[] {foreignClient, plaintextClient}) {
                try (ControlClient outsider = ControlClient.connect(o)) {
                    assertThatThrownBy(() -> outsider.put("evil: 1\n", OptionalLong.empty(), "x", "x")
                            .get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
                }
            }
            assertThat(cluster.node(leader).appliedHistory()).hasSize(3);
        }
    }
}
