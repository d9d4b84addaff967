package dev.gossamer.control;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.client.retry.RequestTypeDependentRetryPolicy;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.grpc.GrpcTlsConfig;
import org.apache.ratis.proto.RaftProtos.RaftClientRequestProto.TypeCase;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.retry.RetryPolicy;
import org.apache.ratis.util.TimeDuration;

/** What a voter and a client configure alike: the group, TLS, the client's retries. Stateless. */
final class RatisSetup {

    /** One Raft group per mesh, with a fixed id so every voter and client agree without configuring it. */
    static final RaftGroupId GROUP_ID =
            RaftGroupId.valueOf(UUID.nameUUIDFromBytes("gossamer-mesh-config".getBytes(StandardCharsets.UTF_8)));

    /** A client retries a failed attempt after this pause: short next to a failover, long enough not to spin. */
    private static final TimeDuration RETRY_SLEEP = TimeDuration.valueOf(50, TimeUnit.MILLISECONDS);

    private RatisSetup() {
    }

    static RaftGroup group(ControlOptions o) {
        return RaftGroup.valueOf(GROUP_ID, o.voters().stream()
                .map(v -> RaftPeer.newBuilder().setId(v.id()).setAddress(v.address()).build())
                .toList());
    }

    /** Mutual TLS on every Ratis port (server, client, admin) when the options name PEM files. */
    static Parameters parameters(ControlOptions o) {
        Parameters p = new Parameters();
        if (o.tls() != null) {
            GrpcConfigKeys.TLS.setConf(p, new GrpcTlsConfig(o.tls().key().toFile(), o.tls().cert().toFile(),
                    o.tls().ca().toFile(), true));
        }
        return p;
    }

    static TimeDuration duration(Duration d) {
        return TimeDuration.valueOf(d.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * A client of the group. With {@code retry}, every request retries (at whichever voter leads) until
     * {@link ControlOptions#requestTimeout}; without, a request fails at its first error, which is what an admin call
     * to one named voter wants (an unreachable voter reports as unreachable at once). Requests go first to
     * {@code firstTry} (null: the first voter); a follower redirects them to the leader.
     */
    static RaftClient client(ControlOptions o, RaftPeerId firstTry, boolean retry) {
        RaftProperties props = new RaftProperties();
        RaftClientConfigKeys.Rpc.setRequestTimeout(props, duration(o.requestTimeout().dividedBy(3)));
        RetryPolicy policy = RetryPolicies.noRetry();
        if (retry) {
            RequestTypeDependentRetryPolicy.Builder b = RequestTypeDependentRetryPolicy.newBuilder();
            for (TypeCase t : TypeCase.values()) {
                b.setRetryPolicy(t, RetryPolicies.retryForeverWithSleep(RETRY_SLEEP));
                b.setTimeout(t, duration(o.requestTimeout()));
            }
            policy = b.build();
        }
        RaftClient.Builder b = RaftClient.newBuilder();
        if (firstTry != null) {
            b.setLeaderId(firstTry);
        }
        return b
                .setClientId(ClientId.randomId())
                .setRaftGroup(group(o))
                .setProperties(props)
                .setParameters(parameters(o))
                .setRetryPolicy(policy)
                .build();
    }

    static RaftPeerId peerId(Voter v) {
        return RaftPeerId.valueOf(v.id());
    }
}
