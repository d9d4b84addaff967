package dev.gossamer.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Small parts: suspicion formula, awareness, broadcast queue, options validation. */
class UnitsTest {

    @Test
    void suspicionTimeoutShrinksLogarithmicallyFromMaxToMin() {
        long min = 4_000, max = 24_000;
        assertThat(SwimMath.suspicionTimeoutNanos(0, 3, min, max)).isEqualTo(max);
        // memberlist: max - log(c+1)/log(k+1) * (max - min)
        assertThat(SwimMath.suspicionTimeoutNanos(1, 3, min, max))
                .isEqualTo((long) Math.floor(max - 0.5 * (max - min)));
        assertThat(SwimMath.suspicionTimeoutNanos(3, 3, min, max)).isEqualTo(min);
        assertThat(SwimMath.suspicionTimeoutNanos(0, 0, min, max)).as("k = 0: no confirmations expected")
                .isEqualTo(min);
        Suspicion s = new Suspicion("a", 2, min, max, 0);
        assertThat(s.confirm("a")).as("the accuser does not confirm itself").isFalse();
        assertThat(s.confirm("b")).isTrue();
        assertThat(s.confirm("b")).isFalse();
        assertThat(s.confirm("c")).isTrue();
        assertThat(s.confirm("d")).as("beyond k").isFalse();
        assertThat(s.remainingNanos(1_000)).isEqualTo(min - 1_000);
    }

    @Test
    void awarenessIsBoundedAndScalesTimeouts() {
        Awareness a = new Awareness(8);
        a.applyDelta(-3);
        assertThat(a.score()).isZero();
        a.applyDelta(100);
        assertThat(a.score()).isEqualTo(7);
        assertThat(a.scale(500)).isEqualTo(4_000);
    }

    @Test
    void broadcastQueueReplacesPerMemberLimitsTransmitsAndPrefersFewestSent() {
        BroadcastQueue q = new BroadcastQueue();
        q.add("a", new byte[10]);
        q.add("b", new byte[10]);
        q.add("a", new byte[20]);
        assertThat(q.size()).isEqualTo(2);
        assertThat(q.take(1000, 255, 2)).hasSize(2);
        q.add("c", new byte[10]);
        List<byte[]> one = q.take(15, 255, 2);
        assertThat(one).hasSize(1);
        assertThat(one.get(0)).hasSize(10); // c: sent 0 times, first
        q.take(1000, 255, 2);
        assertThat(q.isEmpty()).as("each sent twice, then gone").isTrue();
    }

    @Test
    void optionsReportEveryProblemAtOnce() {
        assertThatThrownBy(() -> MembershipOptions.lan().toBuilder().gossipNodes(0)
                .probeTimeout(Duration.ofSeconds(2)).seeds(List.of("nohost")).build())
                .hasMessageContaining("gossip_nodes: 0 (expected: 1..64)")
                .hasMessageContaining("probe_timeout: 2s (expected: < probe_interval 1s)")
                .hasMessageContaining("seeds: nohost (expected: host:port)");
        MembershipOptions wan = MembershipOptions.wan();
        assertThat(wan.probeInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(wan.suspicionMult()).isEqualTo(6);
        MembershipOptions local = MembershipOptions.local();
        assertThat(local.indirectChecks()).isEqualTo(1);
        assertThat(local.probeTimeout()).isEqualTo(Duration.ofMillis(200));
        MembershipOptions fast = MembershipOptions.lan().toBuilder().scaleTimers(0.1).build();
        assertThat(fast.probeInterval()).isEqualTo(Duration.ofMillis(100));
        assertThat(fast.suspicionMult()).isEqualTo(4);
    }

    @Test
    void metadataAndIdsAreValidated() {
        assertThatThrownBy(() -> new ServiceEndpoint("x", 0)).hasMessage("port: 0 (expected: 1..65535)");
        assertThatThrownBy(() -> new LocalMember("", "h:1", Metadata.EMPTY))
                .hasMessage("id: 0 bytes (expected: 1..128)");
        assertThatThrownBy(() -> new LocalMember("a", "nohost", Metadata.EMPTY))
                .hasMessage("address: nohost (expected: host:port)");
    }
}
