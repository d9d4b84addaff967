package dev.gossamer.membership;

import java.time.Duration;
import dev.gossamer.common.OptionProblem;
import dev.gossamer.common.OptionRules;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Every tunable of the SWIM + Lifeguard protocol, immutable and validated. Start from a profile and override:
 *
 * <pre>{@code
 * MembershipOptions o = MembershipOptions.lan().toBuilder()
 *     .clusterName("prod").seeds(List.of("gossip.mesh.svc:7946")).keyring(keyring).build();
 * }</pre>
 *
 * <p>Profiles are HashiCorp memberlist's {@code DefaultLANConfig}, {@code DefaultWANConfig} and
 * {@code DefaultLocalConfig}; each value below carries its reason. These options own every membership default and
 * range: {@link Builder#problems()} reports every broken rule at once as values keyed by the YAML name
 * ({@code gossip_nodes: 0 (expected: 1..64)}), and {@link Builder#build()} throws them.
 *
 * <p>Zero means something for three durations: {@code pushPullInterval = 0} disables periodic push-pull
 * (memberlist's semantics; a join still does its one push-pull), {@code deadNodeReclaimTime = 0} lets a dead
 * member's id rejoin from another address at once, {@code gossipToTheDeadTime = 0} gossips to no dead member.
 *
 * <p>Threading: immutable, so thread-safe; the {@link Builder} is not.
 */
public final class MembershipOptions {

    /** A UDP payload that fits a 1500-byte Ethernet MTU with IP/UDP headers to spare (memberlist UDPBufferSize). */
    public static final int DEFAULT_MAX_PACKET_SIZE = 1400;
    /** Two meshes on one network must use different names; this is the name when nobody chose one. */
    public static final String DEFAULT_CLUSTER_NAME = "default";
    /**
     * Concurrent incoming push-pull connections served at once. In steady state a node serves about one push-pull
     * per {@code pushPullInterval}; 128 leaves room for a join storm of 128 nodes through one seed while bounding the
     * buffered state (each frame may be up to 16 MiB) and the file descriptors an idle-connection flood can hold.
     */
    public static final int DEFAULT_MAX_CONCURRENT_STREAMS = 128;
    /** The profile names {@link #profile(String)} knows. */
    public static final List<String> PROFILES = List.of("lan", "wan", "local");

    private static final int MAX_CLUSTER_NAME_BYTES = 64;
    // Upper bounds where a larger value is surely a mistake (memberlist has none; these came from the YAML parser,
    // which now asks these options instead of keeping its own copy).
    /** More helpers than this add load without making a lossy path less likely to matter. */
    private static final int MAX_INDIRECT_CHECKS = 16;
    /** A fan-out past this floods the network without spreading measurably faster. */
    private static final int MAX_GOSSIP_NODES = 64;
    /** Multipliers beyond 100 mean hours-long suspicion or endless retransmits. */
    private static final int MAX_MULT = 100;
    /** Room for the header and one small message. */
    private static final int MIN_PACKET_SIZE = 512;
    /** Far above any join storm; beyond it the cap no longer bounds memory. */
    private static final int MAX_CONCURRENT_STREAMS_LIMIT = 65_536;

    private final String clusterName;
    private final Duration probeInterval;
    private final Duration probeTimeout;
    private final int indirectChecks;
    private final int suspicionMult;
    private final int suspicionMaxTimeoutMult;
    private final Duration gossipInterval;
    private final int gossipNodes;
    private final Duration gossipToTheDeadTime;
    private final int retransmitMult;
    private final Duration pushPullInterval;
    private final int awarenessMaxMultiplier;
    private final Duration deadNodeReclaimTime;
    private final Duration reconnectInterval;
    private final Duration tombstoneTimeout;
    private final Duration streamTimeout;
    private final Duration joinRetryInitialBackoff;
    private final Duration joinRetryMaxBackoff;
    private final int joinMaxAttempts;
    private final int maxPacketSize;
    private final int maxConcurrentStreams;
    private final List<String> seeds;
    private final Keyring keyring;

    private MembershipOptions(Builder b) {
        clusterName = b.clusterName;
        probeInterval = b.probeInterval;
        probeTimeout = b.probeTimeout;
        indirectChecks = b.indirectChecks;
        suspicionMult = b.suspicionMult;
        suspicionMaxTimeoutMult = b.suspicionMaxTimeoutMult;
        gossipInterval = b.gossipInterval;
        gossipNodes = b.gossipNodes;
        gossipToTheDeadTime = b.gossipToTheDeadTime;
        retransmitMult = b.retransmitMult;
        pushPullInterval = b.pushPullInterval;
        awarenessMaxMultiplier = b.awarenessMaxMultiplier;
        deadNodeReclaimTime = b.deadNodeReclaimTime;
        reconnectInterval = b.reconnectInterval;
        tombstoneTimeout = b.tombstoneTimeout;
        streamTimeout = b.streamTimeout;
        joinRetryInitialBackoff = b.joinRetryInitialBackoff;
        joinRetryMaxBackoff = b.joinRetryMaxBackoff;
        joinMaxAttempts = b.joinMaxAttempts;
        maxPacketSize = b.maxPacketSize;
        maxConcurrentStreams = b.maxConcurrentStreams;
        seeds = List.copyOf(b.seeds);
        keyring = b.keyring;
    }

    /** A data-centre LAN: sub-millisecond RTT, rare loss (memberlist DefaultLANConfig). */
    public static MembershipOptions lan() {
        Builder b = new Builder();
        b.probeInterval = Duration.ofSeconds(1);           // one probe per second bounds first detection near 1.6 s
        b.probeTimeout = Duration.ofMillis(500);           // 99.9th-percentile LAN RTT with room for a busy peer
        b.indirectChecks = 3;                              // three independent paths make a lossy link unlikely to matter
        b.suspicionMult = 4;                               // suspicion lasts 4 probe rounds (× log10 n) at least
        b.suspicionMaxTimeoutMult = 6;                     // Lifeguard: start 6× longer, shrink with confirmations
        b.gossipInterval = Duration.ofMillis(200);         // fast dissemination, cheap on a LAN
        b.gossipNodes = 3;                                 // fan-out 3 spreads in O(log n) rounds
        b.gossipToTheDeadTime = Duration.ofSeconds(30);    // let a wrongly dead member hear it and refute
        b.retransmitMult = 4;                              // 4 × log10(n+1) sends reach everyone with high probability
        b.pushPullInterval = Duration.ofSeconds(30);       // anti-entropy is expensive (full state over TCP)
        b.awarenessMaxMultiplier = 8;                      // a slow node stretches its timeouts up to 8×
        b.deadNodeReclaimTime = Duration.ofSeconds(30);    // after this a dead id may come back at a new address
        b.reconnectInterval = Duration.ofSeconds(30);      // Serf reconnect_interval: heal partitions without restart
        b.tombstoneTimeout = Duration.ofHours(24);         // Serf reconnect_timeout: remember dead members a day
        b.streamTimeout = Duration.ofSeconds(10);          // memberlist TCPTimeout for push-pull
        b.joinRetryInitialBackoff = Duration.ofSeconds(1); // seeds often start together; retry soon
        b.joinRetryMaxBackoff = Duration.ofSeconds(30);    // do not hammer a seed that is down for long
        return b.build();
    }

    /** Across regions: 10-100 ms RTT, more loss (memberlist DefaultWANConfig). */
    public static MembershipOptions wan() {
        Builder b = lan().toBuilder();
        b.probeInterval = Duration.ofSeconds(5);           // WAN RTTs and costs call for fewer probes
        b.probeTimeout = Duration.ofSeconds(3);            // inter-region RTT with room for congestion
        b.suspicionMult = 6;                               // more loss, so longer suspicion before death
        b.gossipInterval = Duration.ofMillis(500);         // bandwidth costs more across regions
        b.gossipNodes = 4;                                 // compensate slower rounds with wider fan-out
        b.gossipToTheDeadTime = Duration.ofSeconds(60);    // refutations take longer to come back
        b.pushPullInterval = Duration.ofSeconds(60);       // full state sync is costly across regions
        b.deadNodeReclaimTime = Duration.ofSeconds(60);    // twice the LAN wait, like the other WAN timers
        b.streamTimeout = Duration.ofSeconds(30);          // memberlist WAN TCPTimeout
        return b.build();
    }

    /** One host or a small fast network, e.g. tests and demos (memberlist DefaultLocalConfig). */
    public static MembershipOptions local() {
        Builder b = lan().toBuilder();
        b.probeTimeout = Duration.ofMillis(200);           // loopback RTT is microseconds
        b.indirectChecks = 1;                              // paths on one host are not independent anyway
        b.suspicionMult = 3;                               // little loss locally, so shorter suspicion
        b.gossipInterval = Duration.ofMillis(100);         // cheap locally; spreads twice as fast
        b.retransmitMult = 2;                              // little loss locally
        b.gossipToTheDeadTime = Duration.ofSeconds(15);    // half the LAN time, like the other local timers
        b.pushPullInterval = Duration.ofSeconds(15);       // small clusters sync often at little cost
        b.deadNodeReclaimTime = Duration.ofSeconds(15);    // restarts on one host are quick
        b.streamTimeout = Duration.ofSeconds(1);           // memberlist local TCPTimeout
        return b.build();
    }

    /**
     * The profile named {@code name}: {@code lan}, {@code wan} or {@code local} ({@link #PROFILES}).
     *
     * @throws IllegalArgumentException for another name, {@code "profile: x (expected: lan, wan or local)"}
     */
    public static MembershipOptions profile(String name) {
        return switch (name == null ? "" : name) {
            case "lan" -> lan();
            case "wan" -> wan();
            case "local" -> local();
            default -> throw new IllegalArgumentException("profile: " + name + " (expected: lan, wan or local)");
        };
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    public String clusterName() { return clusterName; }
    /** Period between probes of one member; stretched by the local health multiplier. */
    public Duration probeInterval() { return probeInterval; }
    /** Wait for a direct ack before asking {@link #indirectChecks()} helpers; stretched by local health. */
    public Duration probeTimeout() { return probeTimeout; }
    /** k: members asked to ping-req a member that did not ack. */
    public int indirectChecks() { return indirectChecks; }
    /** min suspicion timeout = suspicionMult × max(1, log10 n) × probeInterval. */
    public int suspicionMult() { return suspicionMult; }
    /** max suspicion timeout = suspicionMaxTimeoutMult × min. */
    public int suspicionMaxTimeoutMult() { return suspicionMaxTimeoutMult; }
    /** Period of the gossip tick that sends queued updates. */
    public Duration gossipInterval() { return gossipInterval; }
    /** Members gossiped to per gossip tick. */
    public int gossipNodes() { return gossipNodes; }
    /** Dead members still receive gossip this long, so a wrongly dead one can refute. */
    public Duration gossipToTheDeadTime() { return gossipToTheDeadTime; }
    /** Each update is sent retransmitMult × ⌈log10(n+1)⌉ times. */
    public int retransmitMult() { return retransmitMult; }
    /** Full state sync period, scaled up past 32 members; zero disables periodic push-pull (joins still do one). */
    public Duration pushPullInterval() { return pushPullInterval; }
    /** Local health multiplier ranges over 0..awarenessMaxMultiplier-1; timeouts scale by (multiplier + 1). */
    public int awarenessMaxMultiplier() { return awarenessMaxMultiplier; }
    /** After this long dead, a member's id may rejoin from a different address; zero: at once. */
    public Duration deadNodeReclaimTime() { return deadNodeReclaimTime; }
    /** Period of push-pull attempts to a random dead member (heals partitions). */
    public Duration reconnectInterval() { return reconnectInterval; }
    /** How long dead and left members are remembered (tombstones, reconnect targets). */
    public Duration tombstoneTimeout() { return tombstoneTimeout; }
    /**
     * Timeout of one push-pull exchange over TCP, and how long an incoming stream connection may stay idle before
     * it is closed (memberlist TCPTimeout).
     */
    public Duration streamTimeout() { return streamTimeout; }
    public Duration joinRetryInitialBackoff() { return joinRetryInitialBackoff; }
    public Duration joinRetryMaxBackoff() { return joinRetryMaxBackoff; }
    /** Join attempts through the seeds before giving up; 0 = forever. */
    public int joinMaxAttempts() { return joinMaxAttempts; }
    /** Largest UDP payload sent, in bytes; piggybacked updates fill up to it. */
    public int maxPacketSize() { return maxPacketSize; }
    /** Incoming stream (push-pull) connections served at once; more are closed and counted as dropped. */
    public int maxConcurrentStreams() { return maxConcurrentStreams; }
    /** {@code host:port} of members to join through; host names are resolved at every attempt. */
    public List<String> seeds() { return seeds; }
    /** Keys for AES-GCM; null or empty = plaintext (with a CRC32C). */
    public Keyring keyring() { return keyring; }

    /**
     * Fluent, mutable builder; {@link #problems()} and {@link #build()} check everything at once. Not thread-safe.
     */
    public static final class Builder {
        private String clusterName = DEFAULT_CLUSTER_NAME;
        private Duration probeInterval;
        private Duration probeTimeout;
        private int indirectChecks;
        private int suspicionMult;
        private int suspicionMaxTimeoutMult;
        private Duration gossipInterval;
        private int gossipNodes;
        private Duration gossipToTheDeadTime;
        private int retransmitMult;
        private Duration pushPullInterval;
        private int awarenessMaxMultiplier;
        private Duration deadNodeReclaimTime;
        private Duration reconnectInterval;
        private Duration tombstoneTimeout;
        private Duration streamTimeout;
        private Duration joinRetryInitialBackoff;
        private Duration joinRetryMaxBackoff;
        private int joinMaxAttempts;
        private int maxPacketSize = DEFAULT_MAX_PACKET_SIZE;
        private int maxConcurrentStreams = DEFAULT_MAX_CONCURRENT_STREAMS;
        private List<String> seeds = List.of();
        private Keyring keyring;

        private Builder() {
        }

        private Builder(MembershipOptions o) {
            clusterName = o.clusterName;
            probeInterval = o.probeInterval;
            probeTimeout = o.probeTimeout;
            indirectChecks = o.indirectChecks;
            suspicionMult = o.suspicionMult;
            suspicionMaxTimeoutMult = o.suspicionMaxTimeoutMult;
            gossipInterval = o.gossipInterval;
            gossipNodes = o.gossipNodes;
            gossipToTheDeadTime = o.gossipToTheDeadTime;
            retransmitMult = o.retransmitMult;
            pushPullInterval = o.pushPullInterval;
            awarenessMaxMultiplier = o.awarenessMaxMultiplier;
            deadNodeReclaimTime = o.deadNodeReclaimTime;
            reconnectInterval = o.reconnectInterval;
            tombstoneTimeout = o.tombstoneTimeout;
            streamTimeout = o.streamTimeout;
            joinRetryInitialBackoff = o.joinRetryInitialBackoff;
            joinRetryMaxBackoff = o.joinRetryMaxBackoff;
            joinMaxAttempts = o.joinMaxAttempts;
            maxPacketSize = o.maxPacketSize;
            maxConcurrentStreams = o.maxConcurrentStreams;
            seeds = o.seeds;
            keyring = o.keyring;
        }

        public Builder clusterName(String v) { clusterName = v; return this; }
        public Builder probeInterval(Duration v) { probeInterval = v; return this; }
        public Builder probeTimeout(Duration v) { probeTimeout = v; return this; }
        public Builder indirectChecks(int v) { indirectChecks = v; return this; }
        public Builder suspicionMult(int v) { suspicionMult = v; return this; }
        public Builder suspicionMaxTimeoutMult(int v) { suspicionMaxTimeoutMult = v; return this; }
        public Builder gossipInterval(Duration v) { gossipInterval = v; return this; }
        public Builder gossipNodes(int v) { gossipNodes = v; return this; }
        public Builder gossipToTheDeadTime(Duration v) { gossipToTheDeadTime = v; return this; }
        public Builder retransmitMult(int v) { retransmitMult = v; return this; }
        public Builder pushPullInterval(Duration v) { pushPullInterval = v; return this; }
        public Builder awarenessMaxMultiplier(int v) { awarenessMaxMultiplier = v; return this; }
        public Builder deadNodeReclaimTime(Duration v) { deadNodeReclaimTime = v; return this; }
        public Builder reconnectInterval(Duration v) { reconnectInterval = v; return this; }
        public Builder tombstoneTimeout(Duration v) { tombstoneTimeout = v; return this; }
        public Builder streamTimeout(Duration v) { streamTimeout = v; return this; }
        public Builder joinRetryInitialBackoff(Duration v) { joinRetryInitialBackoff = v; return this; }
        public Builder joinRetryMaxBackoff(Duration v) { joinRetryMaxBackoff = v; return this; }
        public Builder joinMaxAttempts(int v) { joinMaxAttempts = v; return this; }
        public Builder maxPacketSize(int v) { maxPacketSize = v; return this; }
        public Builder maxConcurrentStreams(int v) { maxConcurrentStreams = v; return this; }
        public Builder seeds(List<String> v) { seeds = v; return this; }
        public Builder keyring(Keyring v) { keyring = v; return this; }

        /**
         * Scales every timer by {@code factor} (e.g. 0.1 for fast tests), keeping the protocol's ratios. Counts and
         * sizes are unchanged.
         */
        public Builder scaleTimers(double factor) {
            if (!(factor > 0)) {
                throw new IllegalArgumentException("factor: " + factor + " (expected: > 0)");
            }
            probeInterval = scale(probeInterval, factor);
            probeTimeout = scale(probeTimeout, factor);
            gossipInterval = scale(gossipInterval, factor);
            gossipToTheDeadTime = scale(gossipToTheDeadTime, factor);
            pushPullInterval = scale(pushPullInterval, factor);
            deadNodeReclaimTime = scale(deadNodeReclaimTime, factor);
            reconnectInterval = scale(reconnectInterval, factor);
            joinRetryInitialBackoff = scale(joinRetryInitialBackoff, factor);
            joinRetryMaxBackoff = scale(joinRetryMaxBackoff, factor);
            return this;
        }

        private static Duration scale(Duration d, double f) {
            // zero keeps its meaning (e.g. push-pull disabled); anything else stays at least 1 ns
            return d == null || d.isZero() ? d : Duration.ofNanos(Math.max(1, (long) (d.toNanos() * f)));
        }

        /**
         * Every rule this builder's values break, all at once, as values: {@code field} is the key a user writes in
         * {@code sidecar.yaml}'s {@code membership:} section ({@code probe_timeout}, {@code gossip_nodes}, ...;
         * options without a YAML key keep a snake_case name such as {@code stream_timeout}) and {@code message}
         * is shaped {@code "0 (expected: 1..64)"}. Empty when {@link #build()} would succeed. These options are
         * the only owner of the membership ranges: the config parser asks them instead of keeping copies.
         */
        public List<OptionProblem> problems() {
            OptionRules r = new OptionRules();
            r.check(clusterName != null && !clusterName.isEmpty()
                    && clusterName.getBytes(StandardCharsets.UTF_8).length <= MAX_CLUSTER_NAME_BYTES, "cluster_name",
                    (clusterName == null ? "null" : clusterName.getBytes(StandardCharsets.UTF_8).length + " bytes")
                            + " (expected: 1.." + MAX_CLUSTER_NAME_BYTES + " bytes)");
            r.positive("probe_interval", probeInterval);
            r.positive("probe_timeout", probeTimeout);
            // memberlist needs time within one interval after the direct timeout for the indirect probes and their
            // nacks; a timeout as long as the interval would leave them none and suspect on every lost ack
            if (isPositive(probeInterval) && isPositive(probeTimeout) && probeTimeout.compareTo(probeInterval) >= 0) {
                r.add("probe_timeout", OptionRules.format(probeTimeout) + " (expected: < probe_interval "
                        + OptionRules.format(probeInterval) + ")");
            }
            r.range("indirect_checks", indirectChecks, 0, MAX_INDIRECT_CHECKS);
            r.range("suspicion_mult", suspicionMult, 1, MAX_MULT);
            r.range("suspicion_max_timeout_mult", suspicionMaxTimeoutMult, 1, MAX_MULT);
            r.positive("gossip_interval", gossipInterval);
            r.range("gossip_nodes", gossipNodes, 1, MAX_GOSSIP_NODES);
            r.nonNegative("gossip_to_the_dead_time", gossipToTheDeadTime);
            r.range("retransmit_mult", retransmitMult, 1, MAX_MULT);
            r.nonNegative("push_pull_interval", pushPullInterval);
            r.range("awareness_max_multiplier", awarenessMaxMultiplier, 1, MAX_MULT);
            r.nonNegative("dead_node_reclaim_time", deadNodeReclaimTime);
            r.positive("reconnect_interval", reconnectInterval);
            r.positive("tombstone_timeout", tombstoneTimeout);
            r.positive("stream_timeout", streamTimeout);
            r.positive("join_retry_initial_backoff", joinRetryInitialBackoff);
            r.positive("join_retry_max_backoff", joinRetryMaxBackoff);
            r.atLeast("join_max_attempts", joinMaxAttempts, 0);
            r.range("max_packet_size", maxPacketSize, MIN_PACKET_SIZE, WireCodec.MAX_UDP_PAYLOAD);
            r.range("max_concurrent_streams", maxConcurrentStreams, 1, MAX_CONCURRENT_STREAMS_LIMIT);
            if (seeds == null) {
                r.add("seeds", "null (expected: a list, may be empty)");
            } else {
                for (String s : seeds) {
                    try {
                        LocalMember.checkAddress(s);
                    } catch (RuntimeException e) {
                        r.add("seeds", s + " (expected: host:port)");
                    }
                }
            }
            return r.problems();
        }

        /** The options, or {@link IllegalArgumentException} naming every {@link #problems() problem}. */
        public MembershipOptions build() {
            OptionProblem.throwIfAny(problems());
            return new MembershipOptions(this);
        }

        private static boolean isPositive(Duration d) {
            return d != null && !d.isZero() && !d.isNegative();
        }
    }

    @Override
    public String toString() {
        return "MembershipOptions{cluster=" + clusterName + ", probe=" + probeInterval + "/" + probeTimeout
                + ", k=" + indirectChecks + ", suspicion=" + suspicionMult + "x" + suspicionMaxTimeoutMult
                + ", gossip=" + gossipInterval + "x" + gossipNodes + ", retransmit=" + retransmitMult
                + ", pushPull=" + pushPullInterval + ", awareness=" + awarenessMaxMultiplier + "}";
    }
}
