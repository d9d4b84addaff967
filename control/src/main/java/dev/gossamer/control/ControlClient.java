package dev.gossamer.control;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.protocol.GroupInfoReply;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;

/**
 * Reads and writes the committed mesh config from any node: a voter or a plain sidecar that only knows the voters'
 * addresses. A request goes to the voter believed to lead; a follower answers "not leader" and Ratis's client
 * retries at the leader, across leader changes, until {@link ControlOptions#requestTimeout()}.
 *
 * <pre>{@code
 * try (ControlClient c = ControlClient.connect(options)) {
 *     c.put(yaml, OptionalLong.of(7), "mesh.yaml", "alice").thenAccept(r -> {
 *         if (r instanceof WriteResult.Committed ok) { ... }        // ok.version(), ok.digest()
 *         else if (r instanceof WriteResult.Rejected bad) { ... }   // bad.problems(): file:line:col: path: message
 *         else if (r instanceof WriteResult.Conflict c) { ... }     // c.currentVersion()
 *     });
 * }
 * }</pre>
 *
 * <p>Outcomes are values ({@link WriteResult}); a future fails only when nothing could be decided (no leader within
 * the request timeout, the client closed). Reads are linearizable: the leader answers after confirming it still
 * leads and has applied everything committed, so a read after an acknowledged write sees it.
 *
 * <p>Threading: thread-safe; every method returns at once and never blocks the caller, so it may be called from an
 * event loop. Futures complete on Ratis's client threads: do not block in their callbacks (a Vert.x caller hops
 * back with {@code Future.fromCompletionStage(f, context)}). Writes from one client are applied in the order sent;
 * writers that must not wait for each other use separate clients.
 */
public final class ControlClient implements AutoCloseable {

    private final ControlOptions options;
    private final RaftPeerId firstTry;
    // Ratis's ordered async client fails every later write once one write fails (its sliding window closes), so a
    // failed write swaps in a fresh client
    private final AtomicReference<RaftClient> raft;
    private final RaftClient adminRaft;
    private final ExecutorService admin;
    private volatile boolean closed;

    private ControlClient(ControlOptions options, RaftPeerId firstTry) {
        this.options = options;
        this.firstTry = firstTry;
        this.raft = new AtomicReference<>(RatisSetup.client(options, firstTry, true));
        this.adminRaft = RatisSetup.client(options, firstTry, false);
        AtomicInteger n = new AtomicInteger();
        // Ratis's group-info call is blocking: it runs here, never on the caller's thread
        this.admin = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "gossamer-control-admin-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** A client of the voters {@code options} names (its node id and data dir are not used). */
    public static ControlClient connect(ControlOptions options) {
        return new ControlClient(Objects.requireNonNull(options, "options"), null);
    }

    /** A client that sends to voter {@code firstTry} first (a voter's own client starts at itself). */
    static ControlClient connect(ControlOptions options, String firstTry) {
        return new ControlClient(Objects.requireNonNull(options, "options"), RaftPeerId.valueOf(firstTry));
    }

    /**
     * Proposes {@code yaml} as the next version.
     *
     * @param yaml      the whole mesh config
     * @param ifVersion when present, commit only if the latest version is exactly this (0 = nothing committed yet);
     *                  otherwise {@link WriteResult.Conflict}
     * @param source    where the text came from; also the name the validator positions problems in
     * @param author    who proposes it (free text)
     */
    public CompletableFuture<WriteResult> put(String yaml, OptionalLong ifVersion, String source, String author) {
        Objects.requireNonNull(yaml, "yaml");
        Objects.requireNonNull(ifVersion, "ifVersion");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(author, "author");
        int bytes = yaml.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > options.maxConfigBytes()) {
            return CompletableFuture.completedFuture(new WriteResult.Rejected(List.of(source + ": " + bytes
                    + " bytes (expected: <= " + options.maxConfigBytes() + " bytes)")));
        }
        if (ifVersion.isPresent() && ifVersion.getAsLong() < 0) {
            return CompletableFuture.completedFuture(new WriteResult.Rejected(List.of(
                    "if_version: " + ifVersion.getAsLong() + " (expected: >= 0)")));
        }
        return write(Codec.put(yaml, ifVersion.orElse(Codec.NO_VERSION), source, author));
    }

    /**
     * Re-commits version {@code version}'s text as a new version (validated again, as any write). Committing the text
     * that is already the latest answers {@link WriteResult.Committed} with {@code created == false}.
     */
    public CompletableFuture<WriteResult> rollback(long version, String source, String author) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(author, "author");
        return write(Codec.rollback(version, source, author));
    }

    /** The latest committed version, empty before the first. */
    public CompletableFuture<Optional<ConfigVersion>> latest() {
        return read(Codec.query(Codec.QUERY_LATEST, 0))
                .thenApply(r -> Optional.ofNullable(decode(() -> Codec.readOptionalVersion(r.newInput()))));
    }

    /**
     * The latest version voter {@code voterId} has applied, read from that voter alone: a stale read, which no leader
     * takes part in, so it answers while the voters elect one. What it returns is exact (a committed version never
     * changes; the caller checks its digest) but may be older than the leader's latest. Fails at the first error, an
     * unreachable voter or one that is not in the voter list: the caller asks another voter or the leader.
     */
    public CompletableFuture<Optional<ConfigVersion>> latestAt(String voterId) {
        Objects.requireNonNull(voterId, "voterId");
        if (options.voters().stream().noneMatch(v -> v.id().equals(voterId))) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("voter " + voterId
                    + " (expected: one of " + options.voters().stream().map(Voter::id).toList() + ")"));
        }
        // The blocking API, on the admin threads: Ratis's async client sends stale reads through a sliding window per
        // voter that stays closed once one request to that voter failed, so a voter that was down once could never
        // be asked again.
        Message query = Message.valueOf(ByteString.copyFrom(Codec.query(Codec.QUERY_LATEST, 0)));
        return CompletableFuture.supplyAsync(() -> {
            try {
                return adminRaft.io().sendStaleRead(query, 0, RaftPeerId.valueOf(voterId));
            } catch (IOException e) {
                throw new CompletionException(e);
            }
        }, admin).thenApply(ControlClient::content)
                .thenApply(r -> Optional.ofNullable(decode(() -> Codec.readOptionalVersion(r.newInput()))));
    }

    /** Version {@code version}, empty if there is none. */
    public CompletableFuture<Optional<ConfigVersion>> get(long version) {
        return read(Codec.query(Codec.QUERY_GET, version))
                .thenApply(r -> Optional.ofNullable(decode(() -> Codec.readOptionalVersion(r.newInput()))));
    }

    /** Every committed version without its text, oldest first. */
    public CompletableFuture<List<VersionInfo>> history() {
        return read(Codec.query(Codec.QUERY_HISTORY, 0))
                .thenApply(r -> decode(() -> Codec.readHistory(r.newInput())));
    }

    /** Asks every voter for its role and log; completes when all have answered or failed (at most one RPC timeout). */
    public CompletableFuture<LeaderInfo> leaderInfo() {
        List<CompletableFuture<Answer>> answers = new ArrayList<>();
        for (Voter v : options.voters()) {
            answers.add(CompletableFuture.supplyAsync(() -> ask(v), admin));
        }
        return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).thenApply(x -> {
            String leader = null;
            long term = 0;
            List<LeaderInfo.VoterStatus> voters = new ArrayList<>();
            for (CompletableFuture<Answer> f : answers) {
                Answer a = f.join();
                voters.add(a.status());
                if (a.role() == LeaderInfo.Role.LEADER && a.term() >= term) {
                    leader = a.status().id();
                    term = a.term();
                } else if (leader == null) {
                    term = Math.max(term, a.term());
                }
            }
            return new LeaderInfo(Optional.ofNullable(leader), term, voters);
        });
    }

    private record Answer(LeaderInfo.VoterStatus status, LeaderInfo.Role role, long term) {
    }

    private Answer ask(Voter v) {
        try {
            GroupInfoReply reply = adminRaft.getGroupManagementApi(RatisSetup.peerId(v)).info(RatisSetup.GROUP_ID);
            RoleInfoProto role = reply.getRoleInfoProto();
            LeaderInfo.Role r = role(role.getRole());
            long lastIndex = reply.getLogInfoProto().hasLastEntry() ? reply.getLogInfoProto().getLastEntry().getIndex()
                    : -1;
            long term = role.hasLeaderInfo() ? role.getLeaderInfo().getTerm()
                    : reply.getLogInfoProto().hasLastEntry() ? reply.getLogInfoProto().getLastEntry().getTerm() : 0;
            return new Answer(new LeaderInfo.VoterStatus(v.id(), v.address(), r, lastIndex), r, term);
        } catch (IOException | RuntimeException e) {
            return new Answer(new LeaderInfo.VoterStatus(v.id(), v.address(), LeaderInfo.Role.UNREACHABLE, -1),
                    LeaderInfo.Role.UNREACHABLE, 0);
        }
    }

    private static LeaderInfo.Role role(RaftPeerRole r) {
        return switch (r) {
            case LEADER -> LeaderInfo.Role.LEADER;
            case FOLLOWER -> LeaderInfo.Role.FOLLOWER;
            case CANDIDATE -> LeaderInfo.Role.CANDIDATE;
            default -> LeaderInfo.Role.OTHER;
        };
    }

    private CompletableFuture<WriteResult> write(byte[] request) {
        RaftClient current = raft.get();
        return current.async().send(Message.valueOf(ByteString.copyFrom(request))).handle((reply, err) -> {
            if (err != null) {
                ConfigRejectedException rejected = findRejection(err);
                if (rejected != null) {
                    return new WriteResult.Rejected(rejected.problems());
                }
                renew(current);
                throw err instanceof CompletionException ce ? ce : new CompletionException(err);
            }
            return decode(() -> Codec.readReply(content(reply).newInput()));
        });
    }

    private void renew(RaftClient failed) {
        if (closed) {
            return;
        }
        RaftClient fresh = RatisSetup.client(options, firstTry, true);
        RaftClient unused = raft.compareAndSet(failed, fresh) ? failed : fresh;
        admin.execute(() -> closeQuietly(unused));
    }

    // reads are not ordered with writes: the unordered API keeps them out of the write stream's sliding window
    private CompletableFuture<ByteString> read(byte[] query) {
        return raft.get().async().sendReadOnlyUnordered(Message.valueOf(ByteString.copyFrom(query)))
                .thenApply(ControlClient::content);
    }

    private static ByteString content(RaftClientReply reply) {
        if (!reply.isSuccess()) {
            throw new CompletionException(reply.getException() != null ? reply.getException()
                    : new IOException("reply " + reply + " (expected: success)"));
        }
        return reply.getMessage().getContent();
    }

    private static ConfigRejectedException findRejection(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ConfigRejectedException r) {
                return r;
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return null;
    }

    @FunctionalInterface
    private interface Decoder<T> {
        T decode() throws IOException;
    }

    private static <T> T decode(Decoder<T> d) {
        try {
            return d.decode();
        } catch (IOException e) {
            throw new CompletionException(e);
        }
    }

    /** Closes the connections; pending futures fail. */
    @Override
    public void close() {
        closed = true;
        closeQuietly(adminRaft);
        closeQuietly(raft.get());
        admin.shutdownNow();
    }

    private static void closeQuietly(RaftClient c) {
        try {
            c.close();
        } catch (IOException | RuntimeException e) {
            // closing only releases channels; nothing to recover
        }
    }
}
