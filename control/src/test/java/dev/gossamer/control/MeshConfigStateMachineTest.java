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

    private final MeshConfigStateMachine sm =
            new MeshConfigStateMachine(MeshValidator.acceptAll(), () -> 42L, 1 << 20);
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
}
