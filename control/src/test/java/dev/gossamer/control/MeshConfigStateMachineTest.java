package dev.gossamer.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.proto.RaftProtos.StateMachineLogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;

/** Applying log entries, without Ratis's server: the rules every voter runs alike. */
class MeshConfigStateMachineTest {

    private MeshConfigStateMachine sm =
            new MeshConfigStateMachine(MeshValidator.acceptAll(), () -> 42L, 1 << 20,
                    ControlOptions.DEFAULT_HISTORY_LIMIT, ControlOptions.DEFAULT_HISTORY_MAX_BYTES);
    private long index;

    private WriteResult apply(byte[] logData) throws IOException {
        LogEntryProto entry = LogEntryProto.newBuilder().setTerm(1).setIndex(++index)
                .setStateMachineLogEntry(StateMachineLogEntryProto.newBuilder()
                        .setLogData(ByteString.copyFrom(logData)))
                .build();
        TransactionContext trx = TransactionContext.newBuilder().setServerRole(RaftPeerRole.FOLLOWER)
                .setStateMachine(sm).setLogEntry(entry).build();
        Message reply = sm.applyTransaction(trx).join();
        return Codec.readReply(reply.getContent().newInput());
    }

    private WriteResult apply(String yaml, long ifVersion, long at) throws IOException {
        return apply(Codec.entry(new Codec.Entry(at, ifVersion, "src", "me", yaml)));
    }

    @Test
    void versionsCountUpWithTheEntrysTimeAndDigest() throws IOException {
        assertThat(apply("a", Codec.NO_VERSION, 1000)).isEqualTo(new WriteResult.Committed(1, Codec.digest("a"), true));
        assertThat(apply("b", Codec.NO_VERSION, 2000)).isEqualTo(new WriteResult.Committed(2, Codec.digest("b"), true));
        assertThat(sm.history()).containsExactly(
                new ConfigVersion(1, "a", Codec.digest("a"), 1000, "src", "me"),
                new ConfigVersion(2, "b", Codec.digest("b"), 2000, "src", "me"));
        assertThat(sm.getLastAppliedTermIndex().getIndex()).isEqualTo(2);
    }

    @Test
    void compareAndSetIsDecidedAgainstTheLatestAtApply() throws IOException {
        assertThat(apply("a", 0, 1)).isInstanceOf(WriteResult.Committed.class);
        assertThat(apply("b", 1, 2)).isEqualTo(new WriteResult.Committed(2, Codec.digest("b"), true));
        // the second writer on version 1 loses, and learns the current version
        assertThat(apply("c", 1, 3)).isEqualTo(new WriteResult.Conflict(2));
        assertThat(apply("c", 0, 3)).isEqualTo(new WriteResult.Conflict(2));
        assertThat(sm.history()).hasSize(2);
        assertThat(sm.getLastAppliedTermIndex().getIndex()).as("a lost CAS is still applied").isEqualTo(4);
    }

    @Test
    void anUnchangedTextCommitsNothingNew() throws IOException {
        apply("a", Codec.NO_VERSION, 1);
        assertThat(apply("a", Codec.NO_VERSION, 2)).isEqualTo(new WriteResult.Committed(1, Codec.digest("a"), false));
        assertThat(apply("a", 1, 2)).isEqualTo(new WriteResult.Committed(1, Codec.digest("a"), false));
        assertThat(sm.history()).hasSize(1);
    }

    @Test
    void anUnreadableEntryIsAnsweredNotThrown() throws IOException {
        assertThat(apply(new byte[] {9, 9, 9})).isInstanceOf(WriteResult.Rejected.class);
        assertThat(sm.history()).isEmpty();
        assertThat(sm.getLastAppliedTermIndex().getIndex()).isEqualTo(1);
        assertThat(apply("a", Codec.NO_VERSION, 1)).isInstanceOf(WriteResult.Committed.class);
    }

    @Test
    void listenersHearEachNewVersionOnly() throws IOException {
        List<Long> heard = new ArrayList<>();
        sm.addListener(v -> heard.add(v.version()));
        sm.addListener(v -> {
            throw new IllegalStateException("a failing listener does not stop the others");
        });
        apply("a", Codec.NO_VERSION, 1);
        apply("a", Codec.NO_VERSION, 1);
        apply("b", 7, 1);
        apply("b", 1, 1);
        assertThat(heard).containsExactly(1L, 2L);
    }

    @Test
    void theOldestVersionsArePrunedPastTheCountAndNumbersAreNeverReused() throws IOException {
        sm = new MeshConfigStateMachine(MeshValidator.acceptAll(), () -> 42L, 1 << 20, 3, Long.MAX_VALUE);
        for (String text : List.of("a", "b", "c", "d", "e")) {
            apply(text, Codec.NO_VERSION, 1);
        }
        assertThat(sm.history()).extracting(ConfigVersion::version).containsExactly(3L, 4L, 5L);
        assertThat(sm.get(2)).as("pruned").isNull();
        assertThat(sm.get(3).yaml()).isEqualTo("c");
        assertThat(sm.latest().version()).isEqualTo(5);
        // "a" again is a new version 6, not a revival of version 1
        assertThat(apply("a", 5, 1)).isEqualTo(new WriteResult.Committed(6, Codec.digest("a"), true));
        assertThat(sm.history()).extracting(ConfigVersion::version).containsExactly(4L, 5L, 6L);
    }

    @Test
    void theOldestVersionsArePrunedPastTheByteBudgetButTheLatestAlwaysStays() throws IOException {
        sm = new MeshConfigStateMachine(MeshValidator.acceptAll(), () -> 42L, 1 << 20, 100, 10);
        apply("aaaa", Codec.NO_VERSION, 1);
        apply("bbbb", Codec.NO_VERSION, 1);
        assertThat(sm.history()).hasSize(2); // 8 bytes
        apply("cccc", Codec.NO_VERSION, 1);
        assertThat(sm.history()).extracting(ConfigVersion::yaml).containsExactly("bbbb", "cccc");
        apply("a text longer than the whole budget", Codec.NO_VERSION, 1);
        assertThat(sm.history()).extracting(ConfigVersion::version).containsExactly(4L);
    }

    @Test
    void aRollbackToAPrunedVersionIsRefusedWithTheKeptWindow() throws IOException {
        sm = new MeshConfigStateMachine(MeshValidator.acceptAll(), () -> 42L, 1 << 20, 2, Long.MAX_VALUE);
        apply("a", Codec.NO_VERSION, 1);
        apply("b", Codec.NO_VERSION, 1);
        apply("c", Codec.NO_VERSION, 1);
        org.apache.ratis.protocol.RaftClientRequest request = org.apache.ratis.protocol.RaftClientRequest.newBuilder()
                .setClientId(org.apache.ratis.protocol.ClientId.randomId())
                .setServerId(org.apache.ratis.protocol.RaftPeerId.valueOf("s"))
                .setGroupId(org.apache.ratis.protocol.RaftGroupId.randomId())
                .setCallId(1)
                .setMessage(Message.valueOf(ByteString.copyFrom(Codec.rollback(1, "cli", "me"))))
                .setType(org.apache.ratis.protocol.RaftClientRequest.writeRequestType())
                .build();
        TransactionContext trx = sm.startTransaction(request);
        assertThat(trx.getException()).isInstanceOf(ConfigRejectedException.class);
        assertThat(((ConfigRejectedException) trx.getException()).problems())
                .containsExactly("rollback: version 1 (expected: 2..3; older versions are no longer kept)");
    }
}
