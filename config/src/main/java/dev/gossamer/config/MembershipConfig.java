package dev.gossamer.config;

import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Gossip membership ({@code membership:} in sidecar.yaml): SWIM with Lifeguard, in memberlist's vocabulary, as the
 * user wrote it. The tuning fields are optional: an empty one takes the value of the {@link #profile()} (LAN when
 * unset), and the membership module ({@code MembershipOptions}) owns the profiles' values, every range and its
 * reason.
 *
 * <p>{@link #toString()} never prints the keys.
 *
 * @param address                 bind address for UDP and TCP gossip; port 0 picks a free port
 * @param advertise               the address other members should use; empty means the bind address
 * @param seeds                   members to join through (DNS names allowed)
 * @param profile                 the defaults profile; empty: LAN
 * @param clusterName             members with another cluster name are ignored; empty: the module's default
 * @param keys                    base64 AES keys (16, 24 or 32 bytes): the first encrypts, all decrypt;
 *                                empty means no encryption
 * @param probeInterval           time between probes of one random member
 * @param probeTimeout            wait for a direct ack before indirect probes
 * @param indirectChecks          members asked to probe indirectly
 * @param suspicionMult           suspicion timeout multiplier
 * @param suspicionMaxTimeoutMult cap of the suspicion timeout as a multiple of its minimum
 * @param gossipInterval          time between gossip rounds
 * @param gossipNodes             members gossiped to per round
 * @param retransmitMult          a broadcast is sent {@code retransmitMult * ceil(log10(n + 1))} times
 * @param pushPullInterval        time between full state syncs over TCP (0 disables)
 * @param awarenessMaxMultiplier  cap on Lifeguard's timeout stretch when this node is slow
 * @param deadNodeReclaimTime     time after which a dead member's id may rejoin from another address
 */
public record MembershipConfig(
        HostPort address,
        Optional<HostPort> advertise,
        List<HostPort> seeds,
        Optional<MembershipProfile> profile,
        Optional<String> clusterName,
        List<String> keys,
        Optional<Duration> probeInterval,
        Optional<Duration> probeTimeout,
        OptionalInt indirectChecks,
        OptionalInt suspicionMult,
        OptionalInt suspicionMaxTimeoutMult,
        Optional<Duration> gossipInterval,
        OptionalInt gossipNodes,
        OptionalInt retransmitMult,
        Optional<Duration> pushPullInterval,
        OptionalInt awarenessMaxMultiplier,
        Optional<Duration> deadNodeReclaimTime) {

    /** memberlist's default port on every interface: gossip must be reachable from the other nodes. */
    public static final HostPort DEFAULT_ADDRESS = new HostPort("0.0.0.0", 7946);

    public MembershipConfig {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(advertise, "advertise");
        seeds = List.copyOf(seeds);
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(clusterName, "clusterName");
        keys = List.copyOf(keys);
        Objects.requireNonNull(probeInterval, "probeInterval");
        Objects.requireNonNull(probeTimeout, "probeTimeout");
        Objects.requireNonNull(indirectChecks, "indirectChecks");
        Objects.requireNonNull(suspicionMult, "suspicionMult");
        Objects.requireNonNull(suspicionMaxTimeoutMult, "suspicionMaxTimeoutMult");
        Objects.requireNonNull(gossipInterval, "gossipInterval");
        Objects.requireNonNull(gossipNodes, "gossipNodes");
        Objects.requireNonNull(retransmitMult, "retransmitMult");
        Objects.requireNonNull(pushPullInterval, "pushPullInterval");
        Objects.requireNonNull(awarenessMaxMultiplier, "awarenessMaxMultiplier");
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
