package dev.gossamer.membership;

import java.time.Duration;
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
 * {@code DefaultLocalConfig}; each value below carries its reason. {@link Builder#build()} reports every invalid
 * argument at once, e.g. {@code "gossipNodes: 0 (expected: > 0)"}.
 */
public final class MembershipOptions {

    /** A UDP payload that fits a 1500-byte Ethernet MTU with IP/UDP headers to spare (memberlist UDPBufferSize). */
    public static final int DEFAULT_MAX_PACKET_SIZE = 1400;
    /** Two meshes on one network must use different names; this is the name when nobody chose one. */
    public static final String DEFAULT_CLUSTER_NAME = "default";

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
    /** Full state sync period, scaled up past 32 members. */
    public Duration pushPullInterval() { return pushPullInterval; }
    /** Local health multiplier ranges over 0..awarenessMaxMultiplier-1; timeouts scale by (multiplier + 1). */
    public int awarenessMaxMultiplier() { return awarenessMaxMultiplier; }
    /** After this long dead, a member's id may rejoin from a different address. */
    public Duration deadNodeReclaimTime() { return deadNodeReclaimTime; }
    /** Period of push-pull attempts to a random dead member (heals partitions). */
    public Duration reconnectInterval() { return reconnectInterval; }
    /** How long dead and left members are remembered (tombstones, reconnect targets). */
    public Duration tombstoneTimeout() { return tombstoneTimeout; }
    /** Timeout of one push-pull exchange over TCP. */
    public Duration streamTimeout() { return streamTimeout; }
    public Duration joinRetryInitialBackoff() { return joinRetryInitialBackoff; }
    public Duration joinRetryMaxBackoff() { return joinRetryMaxBackoff; }
    /** Join attempts through the seeds before giving up; 0 = forever. */
    public int joinMaxAttempts() { return joinMaxAttempts; }
    /** Largest UDP payload sent, in bytes; piggybacked updates fill up to it. */
    public int maxPacketSize() { return maxPacketSize; }
    /** {@code host:port} of members to join through; host names are resolved at every attempt. */
    public List<String> seeds() { return seeds; }
    /** Keys for AES-GCM; null or empty = plaintext (with a CRC32C). */
    public Keyring keyring() { return keyring; }

    /** Fluent, mutable builder; {@link #build()} validates everything at once. */
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
            return d == null ? null : Duration.ofNanos(Math.max(1, (long) (d.toNanos() * f)));
        }

        public MembershipOptions build() {
            List<String> p = new ArrayList<>();
            if (clusterName == null || clusterName.isEmpty()
                    || clusterName.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 64) {
                p.add("clusterName: " + clusterName + " (expected: 1..64 bytes)");
            }
            positive(p, "probeInterval", probeInterval);
            positive(p, "probeTimeout", probeTimeout);
            if (probeInterval != null && probeTimeout != null && probeTimeout.compareTo(probeInterval) >= 0) {
                p.add("probeTimeout: " + probeTimeout + " (expected: < probeInterval " + probeInterval + ")");
            }
            atLeast(p, "indirectChecks", indirectChecks, 0);
            atLeast(p, "suspicionMult", suspicionMult, 1);
            atLeast(p, "suspicionMaxTimeoutMult", suspicionMaxTimeoutMult, 1);
            positive(p, "gossipInterval", gossipInterval);
            atLeast(p, "gossipNodes", gossipNodes, 1);
            nonNegative(p, "gossipToTheDeadTime", gossipToTheDeadTime);
            atLeast(p, "retransmitMult", retransmitMult, 1);
            positive(p, "pushPullInterval", pushPullInterval);
            atLeast(p, "awarenessMaxMultiplier", awarenessMaxMultiplier, 1);
            nonNegative(p, "deadNodeReclaimTime", deadNodeReclaimTime);
            positive(p, "reconnectInterval", reconnectInterval);
            positive(p, "tombstoneTimeout", tombstoneTimeout);
            positive(p, "streamTimeout", streamTimeout);
            positive(p, "joinRetryInitialBackoff", joinRetryInitialBackoff);
            positive(p, "joinRetryMaxBackoff", joinRetryMaxBackoff);
            atLeast(p, "joinMaxAttempts", joinMaxAttempts, 0);
            if (maxPacketSize < 512 || maxPacketSize > WireCodec.MAX_UDP_PAYLOAD) {
                p.add("maxPacketSize: " + maxPacketSize + " (expected: 512.." + WireCodec.MAX_UDP_PAYLOAD + ")");
            }
            if (seeds == null) {
                p.add("seeds: null (expected: a list, may be empty)");
            } else {
                for (String s : seeds) {
                    try {
                        LocalMember.checkAddress(s);
                    } catch (RuntimeException e) {
                        p.add("seeds[]: " + s + " (expected: host:port)");
                    }
                }
            }
            if (!p.isEmpty()) {
                throw new IllegalArgumentException(String.join("; ", p));
            }
            return new MembershipOptions(this);
        }

        private static void positive(List<String> p, String name, Duration d) {
            if (d == null || d.isZero() || d.isNegative()) {
                p.add(name + ": " + d + " (expected: > 0)");
            }
        }

        private static void nonNegative(List<String> p, String name, Duration d) {
            if (d == null || d.isNegative()) {
                p.add(name + ": " + d + " (expected: >= 0)");
            }
        }

        private static void atLeast(List<String> p, String name, int v, int min) {
            if (v < min) {
                p.add(name + ": " + v + " (expected: >= " + min + ")");
            }
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
