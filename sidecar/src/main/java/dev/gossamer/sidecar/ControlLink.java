package dev.gossamer.sidecar;

import dev.gossamer.common.Scheduler;
import dev.gossamer.common.WallClock;
import dev.gossamer.control.ConfigVersion;
import dev.gossamer.control.ControlClient;
import dev.gossamer.control.ControlNode;
import dev.gossamer.control.ControlOptions;
import dev.gossamer.control.LeaderInfo;
import dev.gossamer.control.MeshValidator;
import dev.gossamer.control.VersionInfo;
import dev.gossamer.control.WriteResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's link to the control plane ({@code control:} in sidecar.yaml): the Raft-elected owner of the mesh
 * config, on Apache Ratis ({@code dev.gossamer.control}).
 *
 * <ul>
 *   <li>A node whose id is a voter runs a {@link ControlNode}: it applies every version its state machine applies,
 *       announces it by gossip as committed, and, when it leads and {@code mesh_config} names a file, proposes the
 *       file's content whenever it changes (a mounted ConfigMap keeps working).</li>
 *   <li>Every other node is a plain sidecar with a {@link ControlClient}. When gossip shows a voter announcing a
 *       newer committed version than it applied, it reads that voter's latest version from the voter itself (a
 *       stale read, exact for an immutable version, and answered while the voters elect a leader), asking the next
 *       announcing voter when one fails; every {@link #POLL_INTERVAL} it looks at the announcements again and asks
 *       the leader (a linearizable read), which is all it has without gossip. It checks the digest, applies through the same two phases as a file,
 *       persists the version and announces it.</li>
 *   <li>Writes ({@code PUT /admin/config}, rollback) go through the client to the leader; the leader validates with
 *       the sidecar's phase one before the log ({@link MeshValidator}).</li>
 * </ul>
 *
 * <p>Threading: Ratis completes futures on its own threads; everything that touches the sidecar hops back to the
 * sidecar's context first. Starting and closing a voter block, so they run on a worker thread.
 */
final class ControlLink {

    private static final Logger log = LoggerFactory.getLogger(ControlLink.class);

    /** A plain sidecar's fallback when no gossip announces versions: one cheap linearizable read every 2 s. */
    static final Duration POLL_INTERVAL = Duration.ofSeconds(2);
    /**
     * How long a sidecar waits for one announcing voter before it asks the next: a voter being shut down can keep a
     * request unanswered until Ratis's RPC timeout (seconds), while a live voter answers a local read in milliseconds.
     */
    static final Duration ASK_TIMEOUT = Duration.ofSeconds(1);
    /** How often the leader looks at the mesh_config file, as the file-only sidecar does. */
    static final Duration FILE_INTERVAL = FileWatcher.DEFAULT_INTERVAL;

    private final Vertx vertx;
    private final Context context;
    private final Sidecar sidecar;
    private final Scheduler scheduler;
    private final ControlNode voter; // null on a plain sidecar
    private final ControlClient client;
    private final Optional<Path> meshFile;
    private volatile long committed; // the highest version known committed (applied by a voter, or fetched)
    private boolean polling; // a poll's read through the leader is in flight; on the context
    private boolean following; // a read from the announcing voters is in flight; on the context
    private boolean announcedAgain; // gossip changed while it was; on the context
    private String lastProposed; // hex digest of the file text last proposed from the file; on the context
    private volatile boolean closed;
    private AutoCloseable appliedListener;
    // Metrics: leader changes seen by this voter, its term and role, and commit latency of writes through here.
    private final Counter leaderChanges;
    private final Timer commits;
    private volatile ControlNode.Status lastStatus;
    private Optional<String> lastLeader = Optional.empty(); // on the context

    private ControlLink(Vertx vertx, Context context, Sidecar sidecar, Scheduler scheduler, ControlNode voter,
                        ControlClient client, Optional<Path> meshFile) {
        this.vertx = vertx;
        this.context = context;
        this.sidecar = sidecar;
        this.scheduler = scheduler;
        this.voter = voter;
        this.client = client;
        this.meshFile = meshFile;
        MeterRegistry registry = sidecar.registry();
        this.leaderChanges = Counter.builder("gossamer.control.leader.changes")
                .description("Leader changes this voter has seen").register(registry);
        this.commits = Timer.builder("gossamer.control.commit")
                .description("Time from a write through this node's admin API to its commit by a majority")
                .register(registry);
        if (voter != null) {
            Gauge.builder("gossamer.control.term", this, l -> l.lastStatus == null ? 0 : l.lastStatus.term())
                    .description("This voter's Raft term (it grows with every election)").register(registry);
            Gauge.builder("gossamer.control.leader", this,
                    l -> l.lastStatus != null && l.lastStatus.leaderReady() ? 1 : 0)
                    .description("1 while this voter is the leader").register(registry);
        }
    }

    /** Starts the voter (when this node is one) or the client, and begins following the committed versions. */
    static Future<ControlLink> start(Vertx vertx, ControlOptions options, Sidecar sidecar, Scheduler scheduler,
                                     MeshValidator validator, WallClock clock) {
        Context context = vertx.getOrCreateContext();
        Future<ControlNode> node = options.self().isEmpty() ? Future.succeededFuture(null)
                : vertx.executeBlocking(() -> ControlNode.start(options, validator, clock));
        return node.map(n -> {
            ControlLink link = new ControlLink(vertx, context, sidecar, scheduler, n,
                    n != null ? n.client() : ControlClient.connect(options), sidecar.config().meshConfig());
            link.follow();
            return link;
        });
    }

    private void follow() {
        if (voter != null) {
            observe();
            appliedListener = voter.onApplied(v -> context.runOnContext(x -> applyVersion(v)));
            voter.latestApplied().ifPresent(v -> context.runOnContext(x -> applyVersion(v)));
            meshFile.ifPresent(f -> scheduler.schedule(FILE_INTERVAL, () -> context.runOnContext(x -> proposeFile(f))));
        } else {
            poll();
        }
    }

    /** Whether this node runs a voter. */
    boolean isVoter() {
        return voter != null;
    }

    /** The leader this voter last saw and its term, from its Raft status (empty on a plain sidecar or before any). */
    Optional<String> knownLeader() {
        ControlNode.Status st = lastStatus;
        return st == null ? Optional.empty() : st.leader();
    }

    /** This voter's Raft term as last observed, 0 on a plain sidecar. */
    long knownTerm() {
        ControlNode.Status st = lastStatus;
        return st == null ? 0 : st.term();
    }

    /** The highest version this node knows was committed (0 before any). */
    long committedVersion() {
        return committed;
    }

    /** Gossip changed: a voter may announce a newer committed version than this sidecar applied. */
    void membershipChanged() {
        if (voter == null && !closed) {
            context.runOnContext(v -> followAnnounced());
        }
    }

    /** Reads this voter's Raft status once a second, for the gauges and the leader-change counter. */
    private void observe() {
        if (closed) {
            return;
        }
        try {
            ControlNode.Status st = voter.status();
            lastStatus = st;
            if (st.leader().isPresent() && !st.leader().equals(lastLeader)) {
                sidecar.events().publish(Events.Kind.LEADER_CHANGED, st.leader().get(), lastLeader
                        .map(l -> "control plane leader changed: " + l + " -> " + st.leader().get())
                        .orElse("control plane leader: " + st.leader().get()) + " (term " + st.term() + ")");
                if (lastLeader.isPresent()) {
                    leaderChanges.increment();
                    log.info("control plane leader changed: {} -> {} (term {})", lastLeader.get(),
                            st.leader().get(), st.term());
                } else {
                    log.info("control plane leader: {} (term {})", st.leader().get(), st.term());
                }
                lastLeader = st.leader();
            }
        } catch (IllegalStateException e) {
            return; // closing
        }
        scheduler.schedule(Duration.ofSeconds(1), () -> context.runOnContext(v -> observe()));
    }

    // ---- following ----

    private void applyVersion(ConfigVersion v) {
        if (closed) {
            return;
        }
        committed = Math.max(committed, v.version());
        if (voter != null) {
            sidecar.membership().ifPresent(m -> m.announceCommitted(committed));
        }
        if (v.version() > sidecar.meshState().version()) {
            sidecar.applyCommitted(v.version(), v.yaml(), v.digest(), v.source());
        }
    }

    private void poll() {
        if (closed) {
            return;
        }
        // an announcement seen before this link existed, or whose voters did not answer, is asked for again here
        followAnnounced();
        if (!polling) {
            polling = true;
            onContext(client.latest()).onComplete(ar -> {
                polling = false;
                if (ar.succeeded()) {
                    ar.result().ifPresent(this::applyVersion);
                } else if (!closed) {
                    log.debug("control plane unreachable; version {} keeps serving: {}",
                            sidecar.meshState().version(), ar.cause().toString());
                }
            });
        }
        scheduler.schedule(POLL_INTERVAL, () -> context.runOnContext(v -> poll()));
    }

    /**
     * Fetches the newest version the voters announce by gossip from an announcing voter, one read at a time; gossip
     * that changes meanwhile is looked at again once the read ends.
     */
    private void followAnnounced() {
        if (closed) {
            return;
        }
        if (following) {
            announcedAgain = true;
            return;
        }
        MeshMembership.Committed announced = sidecar.membership().map(MeshMembership::newestCommitted).orElse(null);
        if (announced == null || announced.version() <= sidecar.meshState().version()) {
            return;
        }
        following = true;
        // each sidecar starts at another voter, so a new version's fetches spread over the voters
        List<String> voters = new ArrayList<>(announced.voters());
        Collections.rotate(voters, Math.floorMod(sidecar.config().node().id().hashCode(), voters.size()));
        askVoters(voters, 0, announced.version()).onComplete(ar -> {
            following = false;
            if (announcedAgain) {
                announcedAgain = false;
                followAnnounced();
            }
        });
    }

    /** Asks {@code voters} from index {@code i} on for their latest version until one has {@code version}. */
    private Future<Void> askVoters(List<String> voters, int i, long version) {
        if (closed || i == voters.size()) {
            return Future.succeededFuture(); // none had it: the next gossip change or poll tick asks again
        }
        String id = voters.get(i);
        return onContext(client.latestAt(id)).timeout(ASK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .transform(ar -> {
                    if (ar.succeeded() && ar.result().isPresent() && ar.result().get().version() >= version) {
                        applyVersion(ar.result().get());
                        return Future.succeededFuture();
                    }
                    log.debug("voter {} did not give version {}: {}", id, version,
                            ar.failed() ? ar.cause().toString() : ar.result().map(v -> "it has " + v.version())
                                    .orElse("it has none"));
                    return askVoters(voters, i + 1, version);
                });
    }

    /** The leader proposes the mesh_config file when its text changed since it last proposed it. */
    private void proposeFile(Path file) {
        if (closed) {
            return;
        }
        MeshFile.read(vertx, file).onComplete(ar -> {
            scheduler.schedule(FILE_INTERVAL, () -> context.runOnContext(x -> proposeFile(file)));
            if (ar.failed() || closed || !voter.status().leaderReady()) {
                return;
            }
            String text = ar.result().toString(StandardCharsets.UTF_8);
            String digest = HexFormat.of().formatHex(FileWatcher.digest(ar.result()));
            if (lastProposed == null) {
                // A new leader: what the file said when it was last proposed (by any leader) is in the history.
                // Proposing an unchanged file again would undo versions written through the API since.
                onContext(client.history()).onSuccess(h -> {
                    lastProposed = h.stream().filter(v -> v.source().equals(file.toString()))
                            .reduce((a, b) -> b).map(VersionInfo::digest).orElse("");
                });
                return;
            }
            if (digest.equals(lastProposed)) {
                return;
            }
            lastProposed = digest;
            onContext(client.put(text, OptionalLong.empty(), file.toString(), voter.id())).onComplete(put -> {
                if (put.failed()) {
                    lastProposed = null; // try again next time
                    log.warn("proposing {} failed: {}", file, put.cause().toString());
                } else if (put.result() instanceof WriteResult.Rejected r) {
                    log.warn("{} rejected by the control plane; the committed version keeps serving:\n{}", file,
                            String.join("\n", r.problems()));
                } else if (put.result() instanceof WriteResult.Committed c && c.created()) {
                    log.info("{} committed as version {}", file, c.version());
                }
            });
        });
    }

    // ---- the admin API's calls ----

    Future<WriteResult> put(String yaml, OptionalLong ifVersion, String source, String author) {
        return timed(client.put(yaml, ifVersion, source, author));
    }

    Future<WriteResult> rollback(long version, String source, String author) {
        return timed(client.rollback(version, source, author));
    }

    private Future<WriteResult> timed(CompletionStage<WriteResult> write) {
        long start = scheduler.ticker().nanoTime();
        return onContext(write).onSuccess(r -> {
            if (r instanceof WriteResult.Committed c && c.created()) {
                commits.record(scheduler.ticker().nanoTime() - start, TimeUnit.NANOSECONDS);
            }
        });
    }

    Future<List<VersionInfo>> history() {
        return onContext(client.history());
    }

    Future<Optional<ConfigVersion>> get(long version) {
        return onContext(client.get(version));
    }

    Future<LeaderInfo> leader() {
        return onContext(client.leaderInfo());
    }

    private <T> Future<T> onContext(CompletionStage<T> stage) {
        return Future.fromCompletionStage(stage, context);
    }

    /** Stops following; a voter leaves the group (the others elect a leader if it led). */
    Future<Void> close() {
        closed = true;
        return vertx.executeBlocking(() -> {
            if (appliedListener != null) {
                appliedListener.close();
            }
            if (voter != null) {
                voter.close();
            } else {
                client.close();
            }
            return null;
        });
    }
}
