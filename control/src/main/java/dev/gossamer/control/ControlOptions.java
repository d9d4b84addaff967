package dev.gossamer.control;

import dev.gossamer.common.OptionProblem;
import dev.gossamer.common.OptionRules;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Everything the control module needs to run a voter or a client, immutable and validated. These options own the
 * control defaults and ranges: {@link Builder#problems()} reports every broken rule at once, keyed by the
 * {@code control:} YAML name ({@code voters: 2 voters (expected: 1, 3 or 5)}), and {@link Builder#build()} throws
 * them.
 *
 * <pre>{@code
 * ControlOptions o = ControlOptions.builder()
 *     .voters(List.of("n1@10.0.0.1:7950", "n2@10.0.0.2:7950", "n3@10.0.0.3:7950"))
 *     .dataDir(Path.of("/var/lib/gossamer"))
 *     .build();
 * }</pre>
 *
 * <h2>Election timeouts</h2>
 * A follower that hears nothing from the leader for a random time in
 * [{@link #electionTimeoutMin}, {@link #electionTimeoutMax}] starts an election; the leader heartbeats at half the
 * minimum. Ratis checks at the end of each such wait, so a leader's loss is noticed after one to two waits: failover
 * is about 1.5 times the mean timeout plus the election. Measured here (docs/control.md, close of the leader to the
 * first acknowledged write, median/max of 10): Ratis's 150–300 ms gives 0.6/1.1 s, 300–600 ms 1.0/1.2 s,
 * 500–1000 ms 1.3/1.5 s (1–2 s about 1.5 s, as measured for issue 10). The defaults, 300–600 ms, meet the 1 s
 * target at the median while leaving the leader two heartbeats (150 ms apart) of slack, twice Ratis's. A 1 s GC
 * pause does not make the
 * cluster flap: a paused <em>follower</em> sees its own oversleep (Ratis's {@code sleep.deviation.threshold},
 * 300 ms) and skips that election round, and pre-vote (on) keeps a node that returns from a pause from disrupting a
 * healthy leader; a paused <em>leader</em> costs at most one leader change, after which it steps down on seeing the
 * higher term. No timeout under 1 s can avoid that one change: a pause and a crash look alike until the pause ends.
 *
 * <p>Threading: immutable, so thread-safe; the {@link Builder} is not.
 */
public final class ControlOptions {

    /** See the class comment: about 1 s failover, two heartbeats of slack. */
    public static final Duration DEFAULT_ELECTION_TIMEOUT_MIN = Duration.ofMillis(300);
    /** Twice the minimum, so two followers rarely time out together and split the vote. */
    public static final Duration DEFAULT_ELECTION_TIMEOUT_MAX = Duration.ofMillis(600);
    /**
     * How long a client keeps retrying one request (across leader changes) before failing its future: room for
     * several failovers, short enough for a CLI user to wait.
     */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /**
     * Log entries between automatic snapshots. A config is a few KB to a few hundred KB, so 256 entries keep the log
     * replayed at start-up to tens of MB at most, while snapshots (the whole history) stay rare.
     */
    public static final long DEFAULT_SNAPSHOT_THRESHOLD = 256;
    /** A closed log segment is the unit Ratis purges after a snapshot; 1 MiB holds many versions of a mesh config. */
    public static final long DEFAULT_LOG_SEGMENT_SIZE = 1L << 20;
    /** The largest mesh config accepted: far above any real mesh, far below Ratis's 64 MB message limit. */
    public static final int DEFAULT_MAX_CONFIG_BYTES = 4 << 20;

    /**
     * Versions each voter keeps (the latest included): enough to roll back through weeks of daily changes and to
     * diff any recent pair, while a voter's memory and its snapshots stay bounded. Older versions are pruned on
     * apply, the same way on every voter; their numbers are never reused.
     */
    public static final int DEFAULT_HISTORY_LIMIT = 100;
    /**
     * The most bytes of config text the kept versions may hold together; the oldest go first, the latest is always
     * kept. With {@link #DEFAULT_MAX_CONFIG_BYTES} configs a count alone would allow 400 MiB; 64 MiB keeps a voter's
     * heap and snapshot small while holding 100 versions of any config under 640 KiB.
     */
    public static final long DEFAULT_HISTORY_MAX_BYTES = 64L << 20;

    private static final int MIN_LOG_SEGMENT_SIZE = 8 << 10;

    private final String nodeId;
    private final List<Voter> voters;
    private final Path dataDir;
    private final TlsFiles tls;
    private final Duration electionTimeoutMin;
    private final Duration electionTimeoutMax;
    private final Duration requestTimeout;
    private final long snapshotThreshold;
    private final long logSegmentSize;
    private final int maxConfigBytes;
    private final int historyLimit;
    private final long historyMaxBytes;

    private ControlOptions(Builder b) {
        nodeId = b.nodeId;
        voters = b.voters.stream().map(Voter::parse).toList();
        dataDir = b.dataDir;
        tls = b.tls;
        electionTimeoutMin = b.electionTimeoutMin;
        electionTimeoutMax = b.electionTimeoutMax;
        requestTimeout = b.requestTimeout;
        snapshotThreshold = b.snapshotThreshold;
        logSegmentSize = b.logSegmentSize;
        maxConfigBytes = b.maxConfigBytes;
        historyLimit = b.historyLimit;
        historyMaxBytes = b.historyMaxBytes;
    }

    /** A builder with every default. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these values. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** This node's id; must be one of {@link #voters()} to run a {@link ControlNode}; null for a plain client. */
    public String nodeId() { return nodeId; }
    /** The voters, in the order written: 1, 3 or 5 of them. */
    public List<Voter> voters() { return voters; }
    /** Where a voter keeps its Raft log and snapshots ({@code data_dir/raft}); unused by a plain client. */
    public Path dataDir() { return dataDir; }
    /** Mutual TLS between voters and for clients, or null for plaintext. */
    public TlsFiles tls() { return tls; }
    /** The shortest time a follower waits for the leader before an election. */
    public Duration electionTimeoutMin() { return electionTimeoutMin; }
    /** The longest such wait; each wait is random in [min, max]. */
    public Duration electionTimeoutMax() { return electionTimeoutMax; }
    /** How long a client retries one request before failing its future. */
    public Duration requestTimeout() { return requestTimeout; }
    /** Log entries between automatic snapshots. */
    public long snapshotThreshold() { return snapshotThreshold; }
    /** Bytes per log segment. */
    public long logSegmentSize() { return logSegmentSize; }
    /** The largest mesh config text accepted, in UTF-8 bytes. */
    public int maxConfigBytes() { return maxConfigBytes; }
    /** How many versions a voter keeps, the latest included. */
    public int historyLimit() { return historyLimit; }
    /** How many bytes of config text the kept versions may hold together (the latest is always kept). */
    public long historyMaxBytes() { return historyMaxBytes; }

    /** The voter this node runs as, if {@link #nodeId()} is one of {@link #voters()}. */
    public java.util.Optional<Voter> self() {
        return voters.stream().filter(v -> v.id().equals(nodeId)).findFirst();
    }

    /**
     * PEM files for mutual TLS: this node's certificate chain and private key (PKCS#8), and the CA that signs every
     * voter's and client's certificate. A peer whose certificate another CA signed cannot connect.
     */
    public record TlsFiles(Path cert, Path key, Path ca) {
        public TlsFiles {
            Objects.requireNonNull(cert, "cert");
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(ca, "ca");
        }
    }

    /** Fluent, mutable builder; {@link #problems()} and {@link #build()} check everything at once. Not thread-safe. */
    public static final class Builder {
        private String nodeId;
        private List<String> voters = List.of();
        private Path dataDir;
        private TlsFiles tls;
        private Duration electionTimeoutMin = DEFAULT_ELECTION_TIMEOUT_MIN;
        private Duration electionTimeoutMax = DEFAULT_ELECTION_TIMEOUT_MAX;
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private long snapshotThreshold = DEFAULT_SNAPSHOT_THRESHOLD;
        private long logSegmentSize = DEFAULT_LOG_SEGMENT_SIZE;
        private int maxConfigBytes = DEFAULT_MAX_CONFIG_BYTES;
        private int historyLimit = DEFAULT_HISTORY_LIMIT;
        private long historyMaxBytes = DEFAULT_HISTORY_MAX_BYTES;

        private Builder() {
        }

        private Builder(ControlOptions o) {
            nodeId = o.nodeId;
            voters = o.voters.stream().map(Voter::toString).toList();
            dataDir = o.dataDir;
            tls = o.tls;
            electionTimeoutMin = o.electionTimeoutMin;
            electionTimeoutMax = o.electionTimeoutMax;
            requestTimeout = o.requestTimeout;
            snapshotThreshold = o.snapshotThreshold;
            logSegmentSize = o.logSegmentSize;
            maxConfigBytes = o.maxConfigBytes;
            historyLimit = o.historyLimit;
            historyMaxBytes = o.historyMaxBytes;
        }

        public Builder nodeId(String v) { nodeId = v; return this; }
        /** {@code id@host:port} each. */
        public Builder voters(List<String> v) { voters = v; return this; }
        public Builder dataDir(Path v) { dataDir = v; return this; }
        public Builder tls(TlsFiles v) { tls = v; return this; }
        public Builder electionTimeoutMin(Duration v) { electionTimeoutMin = v; return this; }
        public Builder electionTimeoutMax(Duration v) { electionTimeoutMax = v; return this; }
        public Builder requestTimeout(Duration v) { requestTimeout = v; return this; }
        public Builder snapshotThreshold(long v) { snapshotThreshold = v; return this; }
        public Builder logSegmentSize(long v) { logSegmentSize = v; return this; }
        public Builder maxConfigBytes(int v) { maxConfigBytes = v; return this; }
        public Builder historyLimit(int v) { historyLimit = v; return this; }
        public Builder historyMaxBytes(long v) { historyMaxBytes = v; return this; }

        /**
         * Every rule these values break, as values keyed by the {@code control:} YAML name; empty when
         * {@link #build()} would succeed. The data dir is not required here: only a voter needs one, and
         * {@link ControlNode#start} checks it.
         */
        public List<OptionProblem> problems() {
            OptionRules r = new OptionRules();
            List<Voter> parsed = new ArrayList<>();
            if (voters == null) {
                r.add("voters", "null (expected: 1, 3 or 5 of id@host:port)");
            } else {
                Set<String> ids = new HashSet<>();
                Set<String> addresses = new HashSet<>();
                for (String s : voters) {
                    try {
                        Voter v = Voter.parse(s);
                        parsed.add(v);
                        r.check(ids.add(v.id()), "voters", v.id() + " twice (expected: unique ids)");
                        r.check(addresses.add(v.address()), "voters",
                                v.address() + " twice (expected: unique addresses)");
                    } catch (IllegalArgumentException e) {
                        r.add("voters", e.getMessage());
                    }
                }
                int n = voters.size();
                // an even count adds a voter without adding a tolerated failure; more than 5 slows every commit
                r.check(n == 1 || n == 3 || n == 5, "voters", n + " voters (expected: 1, 3 or 5)");
            }
            r.positive("election_timeout_min", electionTimeoutMin);
            r.positive("election_timeout_max", electionTimeoutMax);
            if (electionTimeoutMin != null && electionTimeoutMax != null
                    && electionTimeoutMax.compareTo(electionTimeoutMin) <= 0) {
                r.add("election_timeout_max", OptionRules.format(electionTimeoutMax)
                        + " (expected: > election_timeout_min " + OptionRules.format(electionTimeoutMin) + ")");
            }
            r.positive("request_timeout", requestTimeout);
            r.atLeast("snapshot_threshold", snapshotThreshold, 1);
            r.atLeast("log_segment_size", logSegmentSize, MIN_LOG_SEGMENT_SIZE);
            r.atLeast("max_config_bytes", maxConfigBytes, 1);
            // two: a rollback to the previous version must always be possible
            r.atLeast("history_limit", historyLimit, 2);
            r.atLeast("history_max_bytes", historyMaxBytes, 1);
            return r.problems();
        }

        /** The options, or {@link dev.gossamer.common.InvalidOptionsException} naming every problem. */
        public ControlOptions build() {
            OptionProblem.throwIfAny(problems());
            return new ControlOptions(this);
        }
    }
}
