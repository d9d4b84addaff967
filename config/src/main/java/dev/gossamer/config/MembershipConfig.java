package dev.gossamer.config;

import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Gossip membership ({@code membership:} in sidecar.yaml): SWIM with Lifeguard, in memberlist's vocabulary.
 * Every tuning value is already resolved: a key absent from the document takes the {@link #profile()}'s value.
 *
 * <p>{@link #toString()} never prints the keys.
 *
 * @param address                 bind address for UDP and TCP gossip; port 0 picks a free port
 * @param advertise               the address other members should use; empty means the bind address
 * @param seeds                   members to join through (DNS names allowed)
 * @param profile                 the defaults profile
 * @param clusterName             members with another cluster name are ignored
 * @param keys                    base64 AES keys (16, 24 or 32 bytes): the first encrypts, all decrypt;
 *                                empty means no encryption
 * @param probeInterval           time between probes of one random member, > 0
 * @param probeTimeout            wait for a direct ack before indirect probes, > 0 and <= probeInterval
 * @param indirectChecks          members asked to probe indirectly, 0..16
 * @param suspicionMult           suspicion timeout multiplier, 1..100
 * @param suspicionMaxTimeoutMult cap of the suspicion timeout as a multiple of its minimum, 1..100
 * @param gossipInterval          time between gossip rounds, > 0
 * @param gossipNodes             members gossiped to per round, 1..64
 * @param retransmitMult          a broadcast is sent {@code retransmitMult * ceil(log10(n + 1))} times, 1..100
 * @param pushPullInterval        time between full state syncs over TCP, >= 0 (0 disables)
 * @param awarenessMaxMultiplier  cap on Lifeguard's timeout stretch when this node is slow, 1..100
 * @param deadNodeReclaimTime     time after which a dead member's id may rejoin from another address, >= 0
 */
public record MembershipConfig(
        HostPort address,
        Optional<HostPort> advertise,
        List<HostPort> seeds,
        MembershipProfile profile,
        String clusterName,
        List<String> keys,
        Duration probeInterval,
        Duration probeTimeout,
        int indirectChecks,
        int suspicionMult,
        int suspicionMaxTimeoutMult,
        Duration gossipInterval,
        int gossipNodes,
        int retransmitMult,
        Duration pushPullInterval,
        int awarenessMaxMultiplier,
        Duration deadNodeReclaimTime) {

    /** memberlist's default port on every interface: gossip must be reachable from the other nodes. */
    public static final HostPort DEFAULT_ADDRESS = new HostPort("0.0.0.0", 7946);
    /** Most deployments are one data centre. */
    public static final MembershipProfile DEFAULT_PROFILE = MembershipProfile.LAN;
    /** One mesh per network unless told otherwise. */
    public static final String DEFAULT_CLUSTER_NAME = "default";

    public MembershipConfig {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(advertise, "advertise");
        seeds = List.copyOf(seeds);
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(clusterName, "clusterName");
        keys = List.copyOf(keys);
        Objects.requireNonNull(probeInterval, "probeInterval");
        Objects.requireNonNull(probeTimeout, "probeTimeout");
        Objects.requireNonNull(gossipInterval, "gossipInterval");
        Objects.requireNonNull(pushPullInterval, "pushPullInterval");
        Objects.requireNonNull(deadNodeReclaimTime, "deadNodeReclaimTime");
    }

    /** The keys decoded (fresh arrays on every call); the first is the primary. */
    public List<byte[]> decodedKeys() {
        return keys.stream().map(k -> Base64.getDecoder().decode(k)).toList();
    }

    @Override
    public String toString() {
        return "MembershipConfig[address=" + address + ", advertise=" + advertise + ", seeds=" + seeds
                + ", profile=" + profile + ", clusterName=" + clusterName + ", keys=<" + keys.size() + " redacted>"
                + ", probeInterval=" + probeInterval + ", probeTimeout=" + probeTimeout
                + ", indirectChecks=" + indirectChecks + ", suspicionMult=" + suspicionMult
                + ", suspicionMaxTimeoutMult=" + suspicionMaxTimeoutMult + ", gossipInterval=" + gossipInterval
                + ", gossipNodes=" + gossipNodes + ", retransmitMult=" + retransmitMult
                + ", pushPullInterval=" + pushPullInterval + ", awarenessMaxMultiplier=" + awarenessMaxMultiplier
                + ", deadNodeReclaimTime=" + deadNodeReclaimTime + "]";
    }
}
