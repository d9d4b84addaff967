package dev.gossamer.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class CodecTest {

    private static ByteArrayInputStream in(byte[] b) {
        return new ByteArrayInputStream(b);
    }

    @Test
    void requestsEntriesAndRepliesRoundTrip() throws IOException {
        Codec.Request put = Codec.readRequest(in(Codec.put("ü: 1\n", 7, "mesh.yaml", "alice")));
        assertThat(put)
                .isEqualTo(new Codec.Request(Codec.OP_PUT, 7, Codec.NO_VERSION, "mesh.yaml", "alice", "ü: 1\n"));
        Codec.Request rb = Codec.readRequest(in(Codec.rollback(3, "cli", "bob")));
        assertThat(rb).isEqualTo(new Codec.Request(Codec.OP_ROLLBACK, Codec.NO_VERSION, 3, "cli", "bob", null));

        Codec.Entry e = new Codec.Entry(123, -1, "s", "a", "y");
        assertThat(Codec.readEntry(in(Codec.entry(e)))).isEqualTo(e);

        for (WriteResult r : List.of(new WriteResult.Committed(4, "ab", true), new WriteResult.Conflict(9),
                new WriteResult.Rejected(List.of("m:1:2: x: y", "second")))) {
            assertThat(Codec.readReply(in(Codec.reply(r)))).isEqualTo(r);
        }
    }

    @Test
    void problemsSurviveTheExceptionMessage() {
        List<String> problems = List.of("a:1:1: x: multi\nline", "back\\slash", "", "plain");
        assertThat(Codec.decodeProblems(Codec.encodeProblems(problems))).isEqualTo(problems);
        assertThat(new ConfigRejectedException(Codec.encodeProblems(problems)).problems()).isEqualTo(problems);
    }

    @Test
    void snapshotsRoundTripAndRefuseForeignOrGappedFiles() throws IOException {
        List<ConfigVersion> h = List.of(new ConfigVersion(1, "a", Codec.digest("a"), 1, "s", "x"),
                new ConfigVersion(2, "b", Codec.digest("b"), 2, "s", ""),
                new ConfigVersion(3, "c", Codec.digest("c"), 3, "s", ""));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Codec.writeSnapshot(out, h);
        assertThat(Codec.readSnapshot(in(out.toByteArray()))).isEqualTo(h);

        // a pruned history starts past 1: still consecutive
        ByteArrayOutputStream pruned = new ByteArrayOutputStream();
        Codec.writeSnapshot(pruned, h.subList(1, 3));
        assertThat(Codec.readSnapshot(in(pruned.toByteArray()))).isEqualTo(h.subList(1, 3));

        assertThatThrownBy(() -> Codec.readSnapshot(in(new byte[16]))).hasMessageStartingWith("snapshot: magic");
        ByteArrayOutputStream gapped = new ByteArrayOutputStream();
        Codec.writeSnapshot(gapped, List.of(h.get(0), h.get(2)));
        assertThatThrownBy(() -> Codec.readSnapshot(in(gapped.toByteArray())))
                .hasMessage("snapshot: version 3 at position 1 (expected: 2)");
        assertThatThrownBy(() -> Codec.readSnapshot(in(java.util.Arrays.copyOf(out.toByteArray(), 30))))
                .isInstanceOf(IOException.class);
    }

    @Test
    void theDigestIsSha256Hex() {
        assertThat(Codec.digest("")).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }
}
