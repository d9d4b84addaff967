package dev.gossamer.membership;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.ToDoubleFunction;

/**
 * Micrometer meters of a {@link Membership}, all named {@code gossamer_membership_*}: members by state, probes,
 * failed probes, suspicions, refutations, whether this node joined, bytes and packets sent and received, dropped inputs by reason, and the
 * local health multiplier. Values are read on scrape from thread-safe counters and the member snapshot.
 */
final class MembershipMetrics {

    private MembershipMetrics() {
    }

    static void bind(MeterRegistry r, Membership m) {
        MembershipStats s = m.stats();
        for (MemberState st : MemberState.values()) {
            Gauge.builder("gossamer_membership_members", m,
                            mm -> mm.members().stream().filter(x -> x.state() == st).count())
                    .tag("state", st.name().toLowerCase(java.util.Locale.ROOT))
                    .description("Members this node sees in each state")
                    .register(r);
        }
        Gauge.builder("gossamer_membership_joined", m, mm -> mm.joined() ? 1 : 0)
                .description("1 once a join through a seed succeeded (or no seeds are configured), 0 while this node "
                        + "is alone").register(r);
        Gauge.builder("gossamer_membership_local_health", m, Membership::localHealth)
                .description("Lifeguard local health multiplier (0 = healthy)").register(r);
        counter(r, "gossamer_membership_probes", s, MembershipStats::probes, "Probes started");
        counter(r, "gossamer_membership_failed_probes", s, MembershipStats::failedProbes, "Probes without any ack");
        counter(r, "gossamer_membership_suspicions", s, MembershipStats::suspicions, "Members suspected");
        counter(r, "gossamer_membership_refutations", s, MembershipStats::refutations, "Suspicions of self refuted");
        counter(r, "gossamer_membership_packets_sent", s, MembershipStats::packetsSent, "Packets and frames sent");
        counter(r, "gossamer_membership_bytes_sent", s, MembershipStats::bytesSent, "Bytes sent");
        counter(r, "gossamer_membership_packets_received", s, MembershipStats::packetsReceived, "Packets received");
        counter(r, "gossamer_membership_bytes_received", s, MembershipStats::bytesReceived, "Bytes received");
        for (DropReason reason : DropReason.values()) {
            FunctionCounter.builder("gossamer_membership_dropped", s, x -> x.dropped(reason))
                    .tag("reason", reason.name().toLowerCase(java.util.Locale.ROOT))
                    .description("Inputs dropped, by reason").register(r);
        }
    }

    private static void counter(MeterRegistry r, String name, MembershipStats s, ToDoubleFunction<MembershipStats> f,
                                String description) {
        FunctionCounter.builder(name, s, f).description(description).register(r);
    }
}
