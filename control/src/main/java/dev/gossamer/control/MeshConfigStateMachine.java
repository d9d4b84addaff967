package dev.gossamer.control;

import dev.gossamer.common.WallClock;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.apache.ratis.io.MD5Hash;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.AtomicFileOutputStream;
import org.apache.ratis.util.LifeCycle;
import org.apache.ratis.util.MD5FileUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The committed history of mesh configs as a Ratis state machine.
 *
 * <p>A write goes through three places, each with one job:
 * <ol>
 *   <li>{@link #startTransaction} (leader only, before the log): decode, resolve a rollback to the text it names,
 *       check the size, run the {@link MeshValidator}, stamp the leader's wall clock. A refused write never
 *       enters the log (Ratis answers the client with {@link ConfigRejectedException}); an accepted one becomes a
 *       self-contained entry, so applying needs nothing but the entry and the history.</li>
 *   <li>the Raft log: a majority stores the entry.</li>
 *   <li>{@link #applyTransaction} (every voter, in log order): compare-and-set against the latest version, skip an
 *       unchanged text, else append version n+1. Deterministic: the same log gives the same history, digests and
 *       times on every voter. It never throws for an application-level outcome: a lost CAS is a
 *       {@link WriteResult.Conflict} value.</li>
 * </ol>
 *
 * <p>Retention: a voter keeps the latest {@code historyLimit} versions, and drops the oldest while the kept texts
 * hold more than {@code historyMaxBytes} (the latest is always kept). Pruning happens in {@link #applyTransaction},
 * so voters with the same options keep the same window; numbers of pruned versions are never reused, and a
 * rollback to one is refused with the window that is kept.
 *
 * <p>Snapshots hold the kept history in one file ({@code snapshot.<term>_<index>} plus Ratis's MD5 file),
 * written through a temporary file and renamed, so a crash leaves the old snapshot or the new one, never half.
 *
 * <p>Threading: Ratis applies entries and takes snapshots on one thread per group; queries and
 * {@code startTransaction} come from its RPC threads. The history is guarded by this object's monitor; readers
 * get copies. Listeners run on the apply thread, in version order.
 */
final class MeshConfigStateMachine extends BaseStateMachine {

    private static final Logger LOG = LoggerFactory.getLogger(MeshConfigStateMachine.class);

    private final MeshValidator validator;
    private final WallClock clock;
    private final int maxConfigBytes;
    private final int historyLimit;
    private final long historyMaxBytes;
    private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
    private final List<Consumer<ConfigVersion>> listeners = new CopyOnWriteArrayList<>();

    // guarded by this: consecutive versions, oldest first, and the UTF-8 bytes of their texts
    private final List<ConfigVersion> history = new ArrayList<>();
    private long historyBytes;

    MeshConfigStateMachine(MeshValidator validator, WallClock clock, int maxConfigBytes, int historyLimit,
                           long historyMaxBytes) {
        this.validator = Objects.requireNonNull(validator, "validator");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.maxConfigBytes = maxConfigBytes;
        this.historyLimit = historyLimit;
        this.historyMaxBytes = historyMaxBytes;
    }

    /** A state machine with {@code options}' size and retention limits. */
    MeshConfigStateMachine(MeshValidator validator, WallClock clock, ControlOptions options) {
        this(validator, clock, options.maxConfigBytes(), options.historyLimit(), options.historyMaxBytes());
    }

    void addListener(Consumer<ConfigVersion> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    boolean removeListener(Consumer<ConfigVersion> listener) {
        return listeners.remove(listener);
    }

    /** The latest applied version on this voter, or null before the first. */
    synchronized ConfigVersion latest() {
        return history.isEmpty() ? null : history.get(history.size() - 1);
    }

    /** Version {@code n} as applied on this voter, or null if it was never committed or is no longer kept. */
    synchronized ConfigVersion get(long n) {
        if (history.isEmpty()) {
            return null;
        }
        long i = n - history.get(0).version();
        return i >= 0 && i < history.size() ? history.get((int) i) : null;
    }

    /** Every version applied on this voter, oldest first (a copy). */
    synchronized List<ConfigVersion> history() {
        return List.copyOf(history);
    }

    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
        getLifeCycle().startAndTransition(() -> {
            super.initialize(server, groupId, raftStorage);
            storage.init(raftStorage);
            load(storage.loadLatestSnapshot());
        });
    }

    /** Before installing the leader's snapshot Ratis pauses the state machine; it reloads only a paused one. */
    @Override
    public void pause() {
        getLifeCycle().transition(LifeCycle.State.PAUSING);
        getLifeCycle().transition(LifeCycle.State.PAUSED);
    }

    /** After Ratis installed a snapshot from the leader: the history is the snapshot's. */
    @Override
    public void reinitialize() throws IOException {
        load(storage.loadLatestSnapshot());
        if (getLifeCycleState() == LifeCycle.State.PAUSED) {
            getLifeCycle().transition(LifeCycle.State.STARTING);
            getLifeCycle().transition(LifeCycle.State.RUNNING);
        }
    }

    @Override
    public SimpleStateMachineStorage getStateMachineStorage() {
        return storage;
    }

    @Override
    public TransactionContext startTransaction(RaftClientRequest request) throws IOException {
        Codec.Request r;
        try {
            r = Codec.readRequest(request.getMessage().getContent().newInput());
        } catch (IOException e) {
            return refuse(request, List.of("request: " + e.getMessage()));
        }
        String yaml = r.yaml();
        String sourceName = r.source();
        if (r.op() == Codec.OP_ROLLBACK) {
            ConfigVersion target = get(r.rollbackVersion());
            if (target == null) {
                return refuse(request, List.of("rollback: version " + r.rollbackVersion() + " (expected: "
                        + keptWindow() + ")"));
            }
            yaml = target.yaml();
            sourceName = "version " + target.version();
        }
        int bytes = yaml.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > maxConfigBytes) {
            return refuse(request, List.of(sourceName + ": " + bytes + " bytes (expected: <= " + maxConfigBytes
                    + " bytes)"));
        }
        List<String> problems;
        try {
            problems = validator.problems(sourceName, yaml);
        } catch (RuntimeException e) {
            LOG.warn("validator failed on {}", sourceName, e);
            problems = List.of(sourceName + ": validator failed: " + e);
        }
        if (problems != null && !problems.isEmpty()) {
            return refuse(request, problems);
        }
        // the leader's clock, once, into the entry: every voter records the same commit time
        Codec.Entry entry = new Codec.Entry(clock.currentTimeMillis(), r.ifVersion(), r.source(), r.author(), yaml);
        return TransactionContext.newBuilder()
                .setStateMachine(this)
                .setClientRequest(request)
                .setLogData(ByteString.copyFrom(Codec.entry(entry)))
                .build();
    }

    private synchronized String keptWindow() {
        if (history.isEmpty()) {
            return "none committed yet";
        }
        long first = history.get(0).version();
        long last = history.get(history.size() - 1).version();
        return first + ".." + last + (first > 1 ? "; older versions are no longer kept" : "");
    }

    private TransactionContext refuse(RaftClientRequest request, List<String> problems) {
        TransactionContext trx = TransactionContext.newBuilder()
                .setStateMachine(this)
                .setClientRequest(request)
                .build();
        trx.setException(ConfigRejectedException.of(problems));
        return trx;
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        LogEntryProto logEntry = trx.getLogEntry();
        TermIndex termIndex = TermIndex.valueOf(logEntry);
        WriteResult result;
        ConfigVersion created = null;
        synchronized (this) {
            Codec.Entry e = null;
            try {
                e = Codec.readEntry(logEntry.getStateMachineLogEntry().getLogData().newInput());
            } catch (IOException ex) {
                // only a newer leader's format can get here; every voter skips it alike
                LOG.error("log entry {} unreadable, skipped: {}", termIndex, ex.getMessage());
            }
            ConfigVersion latest = history.isEmpty() ? null : history.get(history.size() - 1);
            long current = latest == null ? 0 : latest.version();
            if (e == null) {
                result = new WriteResult.Rejected(List.of("log entry " + termIndex.getIndex() + ": unreadable"));
            } else if (e.ifVersion() != Codec.NO_VERSION && e.ifVersion() != current) {
                result = new WriteResult.Conflict(current);
            } else {
                String digest = Codec.digest(e.yaml());
                if (latest != null && latest.digest().equals(digest)) {
                    result = new WriteResult.Committed(current, digest, false);
                } else {
                    created = new ConfigVersion(current + 1, e.yaml(), digest, e.committedAt(), e.source(),
                            e.author());
                    history.add(created);
                    historyBytes += utf8Length(created.yaml());
                    prune();
                    result = new WriteResult.Committed(created.version(), digest, true);
                }
            }
            updateLastAppliedTermIndex(termIndex);
        }
        if (created != null) {
            notifyListeners(created);
        }
        return CompletableFuture.completedFuture(Message.valueOf(ByteString.copyFrom(Codec.reply(result))));
    }

    /** Drops the oldest versions past the count or the byte budget; the latest always stays. Caller holds this. */
    private void prune() {
        while (history.size() > 1 && (history.size() > historyLimit || historyBytes > historyMaxBytes)) {
            historyBytes -= utf8Length(history.remove(0).yaml());
        }
    }

    private static long utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    @Override
    public CompletableFuture<Message> query(Message request) {
        try {
            Codec.Query q = Codec.readQuery(request.getContent().newInput());
            byte[] reply = switch (q.op()) {
                case Codec.QUERY_LATEST -> Codec.optionalVersion(latest());
                case Codec.QUERY_GET -> Codec.optionalVersion(get(q.version()));
                case Codec.QUERY_HISTORY -> Codec.history(history().stream().map(ConfigVersion::info).toList());
                default -> throw new IOException("query: op " + q.op() + " (expected: 1..3)");
            };
            return CompletableFuture.completedFuture(Message.valueOf(ByteString.copyFrom(reply)));
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public long takeSnapshot() throws IOException {
        List<ConfigVersion> copy;
        TermIndex applied;
        synchronized (this) {
            copy = List.copyOf(history);
            applied = getLastAppliedTermIndex();
        }
        if (applied == null || applied.getIndex() < 0) {
            return -1;
        }
        File file = storage.getSnapshotFile(applied.getTerm(), applied.getIndex());
        try (OutputStream out = new BufferedOutputStream(new AtomicFileOutputStream(file))) {
            Codec.writeSnapshot(out, copy);
        }
        MD5Hash md5 = MD5FileUtil.computeAndSaveMd5ForFile(file);
        storage.updateLatestSnapshot(new SingleFileSnapshotInfo(new FileInfo(file.toPath(), md5), applied));
        LOG.info("snapshot of {} versions at {}", copy.size(), applied);
        return applied.getIndex();
    }

    private void load(SingleFileSnapshotInfo snapshot) throws IOException {
        if (snapshot == null) {
            return;
        }
        File file = snapshot.getFile().getPath().toFile();
        if (!file.exists()) {
            LOG.warn("snapshot file {} missing", file);
            return;
        }
        MD5Hash md5 = snapshot.getFile().getFileDigest();
        if (md5 != null) {
            MD5FileUtil.verifySavedMD5(file, md5);
        }
        List<ConfigVersion> loaded;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file.toPath()))) {
            loaded = Codec.readSnapshot(in);
        }
        TermIndex last = SimpleStateMachineStorage.getTermIndexFromSnapshotFile(file);
        List<ConfigVersion> fresh;
        synchronized (this) {
            long before = history.isEmpty() ? 0 : history.get(history.size() - 1).version();
            history.clear();
            history.addAll(loaded);
            historyBytes = loaded.stream().mapToLong(v -> utf8Length(v.yaml())).sum();
            prune(); // a snapshot from a voter with wider limits, or from before a limit was lowered
            setLastAppliedTermIndex(last);
            fresh = history.stream().filter(v -> v.version() > before).toList();
        }
        LOG.info("loaded snapshot {}: {} versions", last, loaded.size());
        fresh.forEach(this::notifyListeners);
    }

    private void notifyListeners(ConfigVersion v) {
        for (Consumer<ConfigVersion> l : listeners) {
            try {
                l.accept(v);
            } catch (RuntimeException e) {
                LOG.warn("listener failed on version {}", v.version(), e);
            }
        }
    }
}
