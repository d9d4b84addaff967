package dev.gossamer.control;

import dev.gossamer.common.WallClock;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.util.SizeInBytes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One voter of the mesh-config Raft group: a Ratis server with the {@link MeshConfigStateMachine}, bound to its own
 * {@code host:port} from {@link ControlOptions#voters()}, keeping its log and snapshots under
 * {@code data_dir/raft}. A voter restarted on the same data dir recovers from its last snapshot plus its log and
 * catches up from the leader (by log entries, or by the leader's snapshot when the leader purged them).
 *
 * <pre>{@code
 * ControlNode node = ControlNode.start(options.toBuilder().nodeId("n1").build(), validator, WallClock.system());
 * node.onApplied(v -> dataPlane.apply(v.yaml()));   // then read node.latestApplied()
 * node.client().put(yaml, OptionalLong.empty(), "admin-api", "alice");
 * }</pre>
 *
 * <p>The {@code latestApplied}, {@code appliedHistory} and {@link #status()} views are this voter's own, without a
 * round trip: they may lag the leader by the entries not yet applied here. {@link #client()} answers
 * linearizably from the leader.
 *
 * <p>Threading: thread-safe. {@link #start} and {@link #close()} block (binding a port, flushing the log) and must
 * not run on an event loop; everything else returns at once.
 */
public final class ControlNode implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ControlNode.class);

    private final ControlOptions options;
    private final Voter self;
    private final RaftServer server;
    private final MeshConfigStateMachine stateMachine;
    private final ControlClient client;

    private ControlNode(ControlOptions options, Voter self, RaftServer server, MeshConfigStateMachine stateMachine) {
        this.options = options;
        this.self = self;
        this.server = server;
        this.stateMachine = stateMachine;
        this.client = ControlClient.connect(options, self.id());
    }

    /**
     * Starts the voter {@code options.nodeId()} and returns once its Raft port is bound; the group elects a leader
     * as soon as a majority of voters runs.
     *
     * @param validator phase one of applying a mesh config; runs on the leader before a write enters the log
     * @param clock     the leader stamps this clock into each write as its commit time
     * @throws IllegalArgumentException when the node id is not a voter or the data dir is missing
     * @throws IOException              when the port cannot be bound or the data dir cannot be read
     */
    public static ControlNode start(ControlOptions options, MeshValidator validator, WallClock clock)
            throws IOException {
        Objects.requireNonNull(options, "options");
        Voter self = options.self().orElseThrow(() -> new IllegalArgumentException("node_id: " + options.nodeId()
                + " (expected: one of the voters " + options.voters().stream().map(Voter::id).toList() + ")"));
        if (options.dataDir() == null) {
            throw new IllegalArgumentException("data_dir: null (expected: a directory for the Raft log)");
        }
        MeshConfigStateMachine sm = new MeshConfigStateMachine(validator, clock, options);
        RaftServer server = RaftServer.newBuilder()
                .setServerId(RaftPeerId.valueOf(self.id()))
                .setGroup(RatisSetup.group(options))
                .setProperties(properties(options, self))
                .setParameters(RatisSetup.parameters(options))
                .setStateMachine(sm)
                .setOption(RaftStorage.StartupOption.RECOVER)
                .build();
        try {
            server.start();
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        return new ControlNode(options, self, server, sm);
    }

    private static RaftProperties properties(ControlOptions o, Voter self) {
        RaftProperties p = new RaftProperties();
        Path raftDir = o.dataDir().resolve("raft");
        RaftServerConfigKeys.setStorageDir(p, List.of(raftDir.toFile()));
        GrpcConfigKeys.Server.setHost(p, self.host());
        GrpcConfigKeys.Server.setPort(p, self.port());
        RaftServerConfigKeys.Rpc.setTimeoutMin(p, RatisSetup.duration(o.electionTimeoutMin()));
        RaftServerConfigKeys.Rpc.setTimeoutMax(p, RatisSetup.duration(o.electionTimeoutMax()));
        RaftServerConfigKeys.LeaderElection.setPreVote(p, true);
        // reads from the leader confirm leadership first (ReadIndex), so a deposed leader never answers stale
        RaftServerConfigKeys.Read.setOption(p, RaftServerConfigKeys.Read.Option.LINEARIZABLE);
        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, o.snapshotThreshold());
        RaftServerConfigKeys.Snapshot.setCreationGap(p, 1);
        RaftServerConfigKeys.Snapshot.setRetentionFileNum(p, 2);
        // the log does not grow forever: after each snapshot, closed segments are deleted up to the lowest index
        // every voter has committed. Not up to the snapshot index (purge.upto.snapshot.index): with that, a voter
        // coming back whose next index is exactly the leader's first one made Ratis 3.2.2's log appender fail for
        // good ("Previous TermIndex not found"), so it never caught up (seen in HistoryCheckIT). The price: while a
        // voter is down the leader keeps the log it lacks; a voter that is gone for good must be replaced.
        RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(p, false);
        RaftServerConfigKeys.Log.setPurgeGap(p, 1);
        RaftServerConfigKeys.Log.setSegmentSizeMax(p, SizeInBytes.valueOf(o.logSegmentSize()));
        // Ratis's own default is /tmp/raft-server/removed-groups: keep everything under the data dir
        RaftServerConfigKeys.setRemovedGroupsDir(p, raftDir.resolve("removed-groups").toFile());
        return p;
    }

    /** This voter's id. */
    public String id() {
        return self.id();
    }

    /** This voter's {@code id@host:port}. */
    public Voter voter() {
        return self;
    }

    /**
     * A client of the whole group that sends to this voter first: when this voter follows, it answers with the
     * leader's id and the client retries there, so a write through any voter reaches the leader. Closed with this
     * node.
     */
    public ControlClient client() {
        return client;
    }

    /** The latest version this voter has applied, empty before the first. */
    public Optional<ConfigVersion> latestApplied() {
        return Optional.ofNullable(stateMachine.latest());
    }

    /** Every version this voter has applied, oldest first. */
    public List<ConfigVersion> appliedHistory() {
        return stateMachine.history();
    }

    /**
     * Calls {@code listener} with each version this voter applies from now on, in version order, on Ratis's apply
     * thread: it must return quickly and not block (hand work to another thread). After a restart the versions
     * replayed from the log are reported again, and a snapshot installed from the leader reports the versions it
     * adds. Register first, then read {@link #latestApplied()}: a version may then be seen twice, never missed.
     *
     * @return closing it removes the listener
     */
    public AutoCloseable onApplied(Consumer<ConfigVersion> listener) {
        stateMachine.addListener(listener);
        return () -> stateMachine.removeListener(listener);
    }

    /** This voter's Raft state, read locally. */
    public Status status() {
        try {
            RaftServer.Division d = server.getDivision(RatisSetup.GROUP_ID);
            DivisionInfo info = d.getInfo();
            RaftLog log = d.getRaftLog();
            TermIndex last = log.getLastEntryTermIndex();
            RaftPeerId leader = info.getLeaderId();
            return new Status(self.id(), info.getCurrentRole().name(), info.isLeader() && info.isLeaderReady(),
                    info.getCurrentTerm(), Optional.ofNullable(leader).map(RaftPeerId::toString),
                    last == null ? -1 : last.getIndex(), log.getLastCommittedIndex(), info.getLastAppliedIndex(),
                    log.getStartIndex(), Optional.ofNullable(d.getStateMachine().getLatestSnapshot())
                            .map(s -> s.getIndex()).orElse(-1L));
        } catch (IOException e) {
            throw new IllegalStateException("node " + self.id() + ": not running", e);
        }
    }

    /**
     * This voter's Raft state.
     *
     * @param id            node id
     * @param role          LEADER, FOLLOWER, CANDIDATE, ...
     * @param leaderReady   this voter leads and has committed an entry of its term, so it serves writes
     * @param term          current term
     * @param leader        the leader this voter knows of
     * @param lastIndex     index of the last log entry (-1 when empty)
     * @param commitIndex   highest index known committed
     * @param appliedIndex  highest index applied to the state machine
     * @param logStartIndex first index still in the log (entries before it were purged after a snapshot)
     * @param snapshotIndex index of the latest snapshot, -1 when none
     */
    public record Status(String id, String role, boolean leaderReady, long term, Optional<String> leader,
                         long lastIndex, long commitIndex, long appliedIndex, long logStartIndex,
                         long snapshotIndex) {
    }

    /**
     * Takes a snapshot of this voter's state now (besides the automatic ones every
     * {@link ControlOptions#snapshotThreshold()} entries) and purges the log up to it.
     *
     * @return the snapshot's log index; the blocking admin call runs on a thread of its own, not the caller's
     */
    public CompletableFuture<Long> takeSnapshot() {
        return CompletableFuture.supplyAsync(() -> {
            try {
                try (org.apache.ratis.client.RaftClient admin = RatisSetup.client(options, null, false)) {
                    RaftClientReply reply = admin.getSnapshotManagementApi(RaftPeerId.valueOf(self.id()))
                            .create(1, options.requestTimeout().toMillis());
                    if (!reply.isSuccess()) {
                        throw new IOException("snapshot on " + self.id() + ": " + reply.getException());
                    }
                    return reply.getLogIndex();
                }
            } catch (IOException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }, task -> {
            Thread t = new Thread(task, "gossamer-control-snapshot-" + self.id());
            t.setDaemon(true);
            t.start();
        });
    }

    /**
     * Stops this voter; its data dir stays for a restart. A leader first hands its leadership to another voter (Raft's
     * leadership transfer: the chosen voter is brought up to date, then starts an election at once), so a rolling
     * restart of the voters does not leave the mesh without a leader for an election timeout each time; if no voter
     * takes over within {@link #HANDOVER_TIMEOUT} it stops anyway and the others elect one as after a crash.
     */
    @Override
    public void close() throws IOException {
        try {
            handOverLeadership();
            client.close();
        } finally {
            server.close();
        }
    }

    /** How long a stopping leader tries to hand over in all (it waits no longer once a voter has taken over). */
    static final Duration HANDOVER_TIMEOUT = Duration.ofSeconds(3);

    private void handOverLeadership() {
        Status st;
        try {
            st = status();
        } catch (IllegalStateException e) {
            return;
        }
        if (!"LEADER".equals(st.role()) || options.voters().size() < 2) {
            return;
        }
        // each other voter in turn gets its share of the time (the first that is up to date takes over at once)
        long perVoter = HANDOVER_TIMEOUT.toMillis() / (options.voters().size() - 1);
        try (org.apache.ratis.client.RaftClient admin = RatisSetup.client(options, RaftPeerId.valueOf(self.id()),
                false)) {
            for (Voter v : options.voters()) {
                if (v.equals(self)) {
                    continue;
                }
                try {
                    RaftClientReply reply = admin.admin().transferLeadership(RaftPeerId.valueOf(v.id()),
                            RaftPeerId.valueOf(self.id()), perVoter);
                    if (reply.isSuccess()) {
                        LOG.info("control plane: leadership handed to {} before {} stops", v.id(), self.id());
                        return;
                    }
                } catch (IOException | RuntimeException e) {
                    LOG.debug("handing leadership to {} failed: {}", v.id(), e.toString());
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("leadership hand-over: {}", e.toString());
        }
    }
}
