package dev.gossamer.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gossamer.common.InvalidOptionsException;
import dev.gossamer.common.OptionProblem;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ControlOptionsTest {

    @Test
    void votersParseAsIdAtHostPort() {
        assertThat(Voter.parse("n1@10.0.0.1:7950")).isEqualTo(new Voter("n1", "10.0.0.1", 7950));
        assertThat(Voter.parse("n2@[fd00::2]:7950").address()).isEqualTo("[fd00::2]:7950");
        assertThat(Voter.parse("n2@[fd00::2]:7950")).hasToString("n2@[fd00::2]:7950");
        assertThatThrownBy(() -> Voter.parse("n1@host")).hasMessage("n1@host (expected: id@host:port)");
        assertThatThrownBy(() -> Voter.parse("n1@host:0")).hasMessage("n1@host:0: port: 0 (expected: 1..65535)");
        assertThatThrownBy(() -> Voter.parse("n 1@host:1")).hasMessageContaining("id: n 1 (expected:");
    }

    @Test
    void oneThreeOrFiveVotersAreValid() {
        for (int n : new int[] {1, 3, 5}) {
            List<String> voters = java.util.stream.IntStream.rangeClosed(1, n)
                    .mapToObj(i -> "n" + i + "@127.0.0.1:" + (7950 + i)).toList();
            assertThat(ControlOptions.builder().voters(voters).problems()).as("%s voters", n).isEmpty();
        }
        assertThat(ControlOptions.builder().voters(List.of("a@h:1", "b@h:2")).problems())
                .containsExactly(new OptionProblem("voters", "2 voters (expected: 1, 3 or 5)"));
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        ControlOptions.Builder b = ControlOptions.builder()
                .voters(List.of("a@h:1", "a@h:2", "bad"))
                .electionTimeoutMin(Duration.ofSeconds(2))
                .electionTimeoutMax(Duration.ofSeconds(1))
                .requestTimeout(Duration.ZERO)
                .snapshotThreshold(0)
                .logSegmentSize(100)
                .historyLimit(1)
                .historyMaxBytes(0);
        assertThat(b.problems()).containsExactly(
                new OptionProblem("voters", "a twice (expected: unique ids)"),
                new OptionProblem("voters", "bad (expected: id@host:port)"),
                new OptionProblem("election_timeout_max", "1s (expected: > election_timeout_min 2s)"),
                new OptionProblem("request_timeout", "0 (expected: > 0)"),
                new OptionProblem("snapshot_threshold", "0 (expected: >= 1)"),
                new OptionProblem("log_segment_size", "100 (expected: >= 8192)"),
                new OptionProblem("history_limit", "1 (expected: >= 2)"),
                new OptionProblem("history_max_bytes", "0 (expected: >= 1)"));
        assertThatThrownBy(b::build).isInstanceOf(InvalidOptionsException.class);
    }

    @Test
    void theDefaultsAreTheDocumentedOnes() {
        ControlOptions o = ControlOptions.builder().voters(List.of("n1@h:1")).nodeId("n1").build();
        assertThat(o.electionTimeoutMin()).isEqualTo(Duration.ofMillis(300));
        assertThat(o.electionTimeoutMax()).isEqualTo(Duration.ofMillis(600));
        assertThat(o.self()).contains(new Voter("n1", "h", 1));
        assertThat(o.historyLimit()).isEqualTo(100);
        assertThat(o.historyMaxBytes()).isEqualTo(64L << 20);
        assertThat(o.toBuilder().build().voters()).isEqualTo(o.voters());
    }
}
