package dev.gossamer.config;

import java.time.Duration;

/**
 * Named sets of gossip (SWIM) defaults, as in HashiCorp memberlist's DefaultLANConfig, DefaultWANConfig and
 * DefaultLocalConfig. A {@code membership:} key that is absent takes the value of the chosen profile.
 */
public enum MembershipProfile {
    /** A data-centre network: sub-millisecond RTTs, rare loss. memberlist's DefaultLANConfig. */
    LAN(ms(1000), ms(500), 3, 4, 6, ms(200), 3, 4, ms(30_000), 8, ms(30_000)),
    /** Across regions: slower probes, longer timeouts, more suspicion. memberlist's DefaultWANConfig. */
    WAN(ms(5000), ms(3000), 3, 6, 6, ms(500), 4, 4, ms(60_000), 8, ms(60_000)),
    /** One host or a test bed: fast, tolerant of little. memberlist's DefaultLocalConfig. */
    LOCAL(ms(1000), ms(200), 1, 3, 6, ms(100), 3, 2, ms(15_000), 8, ms(15_000));

    final Duration probeInterval;
    final Duration probeTimeout;
    final int indirectChecks;
    final int suspicionMult;
    final int suspicionMaxTimeoutMult;
    final Duration gossipInterval;
    final int gossipNodes;
    final int retransmitMult;
    final Duration pushPullInterval;
    final int awarenessMaxMultiplier;
    final Duration deadNodeReclaimTime;

    MembershipProfile(Duration probeInterval, Duration probeTimeout, int indirectChecks, int suspicionMult,
                      int suspicionMaxTimeoutMult, Duration gossipInterval, int gossipNodes, int retransmitMult,
                      Duration pushPullInterval, int awarenessMaxMultiplier, Duration deadNodeReclaimTime) {
        this.probeInterval = probeInterval;
        this.probeTimeout = probeTimeout;
        this.indirectChecks = indirectChecks;
        this.suspicionMult = suspicionMult;
        this.suspicionMaxTimeoutMult = suspicionMaxTimeoutMult;
        this.gossipInterval = gossipInterval;
        this.gossipNodes = gossipNodes;
        this.retransmitMult = retransmitMult;
        this.pushPullInterval = pushPullInterval;
        this.awarenessMaxMultiplier = awarenessMaxMultiplier;
        this.deadNodeReclaimTime = deadNodeReclaimTime;
    }

    private static Duration ms(long millis) {
        return Duration.ofMillis(millis);
    }

    /** The YAML spelling: {@code lan}, {@code wan}, {@code local}. */
    public String yamlName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** This profile's time between probes of one random member. */
    public Duration probeInterval() {
        return probeInterval;
    }

    /** This profile's wait for a direct ack before indirect probes. */
    public Duration probeTimeout() {
        return probeTimeout;
    }

    /** This profile's number of members asked to probe indirectly. */
    public int indirectChecks() {
        return indirectChecks;
    }

    /** This profile's suspicion timeout multiplier. */
    public int suspicionMult() {
        return suspicionMult;
    }

    /** This profile's upper bound on the suspicion timeout, as a multiple of the minimum. */
    public int suspicionMaxTimeoutMult() {
        return suspicionMaxTimeoutMult;
    }

    /** This profile's time between gossip rounds. */
    public Duration gossipInterval() {
        return gossipInterval;
    }

    /** This profile's members gossiped to per round. */
    public int gossipNodes() {
        return gossipNodes;
    }

    /** This profile's retransmit multiplier. */
    public int retransmitMult() {
        return retransmitMult;
    }

    /** This profile's time between full state syncs over TCP. */
    public Duration pushPullInterval() {
        return pushPullInterval;
    }

    /** This profile's cap on Lifeguard's local-health timeout stretch. */
    public int awarenessMaxMultiplier() {
        return awarenessMaxMultiplier;
    }

    /** This profile's time after which a dead member's name may rejoin from another address. */
    public Duration deadNodeReclaimTime() {
        return deadNodeReclaimTime;
    }
}
