package dev.gossamer.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gossamer.common.OptionProblem;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every rule of {@link MembershipOptions} as a value keyed by the YAML name: each bad value gives exactly its
 * problem, and the boundary values pass.
 */
class MembershipOptionsTest {

    private static Arguments row(String field, String message, UnaryOperator<MembershipOptions.Builder> change) {
        return Arguments.of(field, message, change);
    }

    static Stream<Arguments> badValues() {
        Duration neg = Duration.ofMillis(-1);
        return Stream.of(
                row("cluster_name", "0 bytes (expected: 1..64 bytes)", b -> b.clusterName("")),
                row("cluster_name", "65 bytes (expected: 1..64 bytes)", b -> b.clusterName("x".repeat(65))),
                row("cluster_name", "null (expected: 1..64 bytes)", b -> b.clusterName(null)),
                row("probe_interval", "0 (expected: > 0)", b -> b.probeInterval(Duration.ZERO)),
                row("probe_timeout", "-1ms (expected: > 0)", b -> b.probeTimeout(neg)),
                row("probe_timeout", "1s (expected: < probe_interval 1s)", b -> b.probeTimeout(Duration.ofSeconds(1))),
                row("probe_timeout", "500ms (expected: < probe_interval 500ms)",
                        b -> b.probeInterval(Duration.ofMillis(500)).probeTimeout(Duration.ofMillis(500))),
                row("probe_timeout", "1s500ms (expected: < probe_interval 1s)",
                        b -> b.probeTimeout(Duration.ofMillis(1500))),
                row("indirect_checks", "-1 (expected: 0..16)", b -> b.indirectChecks(-1)),
                row("indirect_checks", "17 (expected: 0..16)", b -> b.indirectChecks(17)),
                row("suspicion_mult", "0 (expected: 1..100)", b -> b.suspicionMult(0)),
                row("suspicion_mult", "101 (expected: 1..100)", b -> b.suspicionMult(101)),
                row("suspicion_max_timeout_mult", "0 (expected: 1..100)", b -> b.suspicionMaxTimeoutMult(0)),
                row("suspicion_max_timeout_mult", "101 (expected: 1..100)", b -> b.suspicionMaxTimeoutMult(101)),
                row("gossip_interval", "0 (expected: > 0)", b -> b.gossipInterval(Duration.ZERO)),
                row("gossip_nodes", "0 (expected: 1..64)", b -> b.gossipNodes(0)),
                row("gossip_nodes", "65 (expected: 1..64)", b -> b.gossipNodes(65)),
                row("gossip_to_the_dead_time", "-1ms (expected: >= 0)", b -> b.gossipToTheDeadTime(neg)),
                row("retransmit_mult", "0 (expected: 1..100)", b -> b.retransmitMult(0)),
                row("retransmit_mult", "101 (expected: 1..100)", b -> b.retransmitMult(101)),
                row("push_pull_interval", "-1ms (expected: >= 0)", b -> b.pushPullInterval(neg)),
                row("push_pull_interval", "null (expected: >= 0)", b -> b.pushPullInterval(null)),
                row("awareness_max_multiplier", "0 (expected: 1..100)", b -> b.awarenessMaxMultiplier(0)),
                row("awareness_max_multiplier", "101 (expected: 1..100)", b -> b.awarenessMaxMultiplier(101)),
                row("dead_node_reclaim_time", "-1ms (expected: >= 0)", b -> b.deadNodeReclaimTime(neg)),
                row("reconnect_interval", "0 (expected: > 0)", b -> b.reconnectInterval(Duration.ZERO)),
                row("tombstone_timeout", "0 (expected: > 0)", b -> b.tombstoneTimeout(Duration.ZERO)),
                row("stream_timeout", "0 (expected: > 0)", b -> b.streamTimeout(Duration.ZERO)),
                row("join_retry_initial_backoff", "0 (expected: > 0)", b -> b.joinRetryInitialBackoff(Duration.ZERO)),
                row("join_retry_max_backoff", "-2m (expected: > 0)",
                        b -> b.joinRetryMaxBackoff(Duration.ofMinutes(-2))),
                row("join_max_attempts", "-1 (expected: >= 0)", b -> b.joinMaxAttempts(-1)),
                row("max_packet_size", "511 (expected: 512..65507)", b -> b.maxPacketSize(511)),
                row("max_packet_size", "65508 (expected: 512..65507)", b -> b.maxPacketSize(65_508)),
                row("max_concurrent_streams", "0 (expected: 1..65536)", b -> b.maxConcurrentStreams(0)),
                row("seeds", "nohost (expected: host:port)", b -> b.seeds(List.of("a:1", "nohost"))),
                row("seeds", "null (expected: a list, may be empty)", b -> b.seeds(null)));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("badValues")
    void eachBadValueReportsExactlyItsProblem(String field, String message,
                                              UnaryOperator<MembershipOptions.Builder> change) {
        for (MembershipOptions profile : List.of(MembershipOptions.lan(), MembershipOptions.local())) {
            MembershipOptions.Builder b = change.apply(profile.toBuilder());
            assertThat(b.problems()).containsExactly(new OptionProblem(field, message));
            assertThatThrownBy(b::build).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(field + ": " + message);
        }
    }

    static Stream<Arguments> boundaryValues() {
        return Stream.of(
                row("indirect_checks 0 (no indirect probes)", "", b -> b.indirectChecks(0)),
                row("indirect_checks 16", "", b -> b.indirectChecks(16)),
                row("suspicion_mult 100", "", b -> b.suspicionMult(100).suspicionMaxTimeoutMult(100)),
                row("gossip_nodes 64", "", b -> b.gossipNodes(64)),
                row("retransmit_mult 100", "", b -> b.retransmitMult(100).awarenessMaxMultiplier(100)),
                row("push_pull_interval 0 (disabled)", "", b -> b.pushPullInterval(Duration.ZERO)),
                row("dead_node_reclaim_time 0 (at once)", "", b -> b.deadNodeReclaimTime(Duration.ZERO)),
                row("probe_timeout just under probe_interval", "",
                        b -> b.probeTimeout(Duration.ofMillis(999))),
                row("cluster_name 64 bytes", "", b -> b.clusterName("é".repeat(32))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("boundaryValues")
    void boundaryValuesAreAccepted(String what, String unused, UnaryOperator<MembershipOptions.Builder> change) {
        MembershipOptions.Builder b = change.apply(MembershipOptions.lan().toBuilder());
        assertThat(b.problems()).as(what).isEmpty();
        assertThat(b.build()).isNotNull();
    }

    @Test
    void everyProblemAtOnceInRuleOrder() {
        MembershipOptions.Builder b = MembershipOptions.lan().toBuilder().gossipNodes(0).indirectChecks(99)
                .probeTimeout(Duration.ofSeconds(2)).seeds(List.of("nohost"));
        assertThat(b.problems()).containsExactly(
                new OptionProblem("probe_timeout", "2s (expected: < probe_interval 1s)"),
                new OptionProblem("indirect_checks", "99 (expected: 0..16)"),
                new OptionProblem("gossip_nodes", "0 (expected: 1..64)"),
                new OptionProblem("seeds", "nohost (expected: host:port)"));
    }

    @Test
    void profilesByNameAndZeroSurvivesScaling() {
        assertThat(MembershipOptions.PROFILES).containsExactly("lan", "wan", "local");
        assertThat(MembershipOptions.profile("wan").probeInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(MembershipOptions.profile("local").indirectChecks()).isEqualTo(1);
        assertThat(MembershipOptions.profile("lan").pushPullInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThatThrownBy(() -> MembershipOptions.profile("lna"))
                .hasMessage("profile: lna (expected: lan, wan or local)");
        for (String name : MembershipOptions.PROFILES) {
            assertThat(MembershipOptions.profile(name).toBuilder().problems()).as(name).isEmpty();
        }
        MembershipOptions scaled = MembershipOptions.lan().toBuilder().pushPullInterval(Duration.ZERO)
                .scaleTimers(0.1).build();
        assertThat(scaled.pushPullInterval()).as("0 = disabled, also when scaled").isZero();
    }

}
