package dev.gossamer.proxy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Process-wide settings of the {@link DataPlane}. Immutable; build with {@link #builder()}, which validates every
 * argument at once in {@link Builder#build()}.
 *
 * @param acceptorInstances      server instances per listener, each on its own event loop (Vert.x spreads
 *                               accepted connections across them)
 * @param maxHeaderSize          largest request header block in bytes; beyond it the listener answers 431
 * @param maxInitialLineLength   longest HTTP/1 request line; beyond it the listener answers 414
 * @param replayBufferBytes      request bytes kept for replay on retry; a longer body is not retried
 * @param drainTimeout           default time {@link DataPlane#drain} waits for in-flight requests
 * @param perEndpointMetrics     record per-endpoint Micrometer series (off: per-host series make sidecars heavy)
 * @param downstreamIdleTimeout  a client connection idle this long is closed; ZERO = never
 * @param upstreamIdleTimeout    an endpoint connection idle this long is closed; ZERO = never
 * @param deadEndpointBackoff    how long an endpoint that refused a connection is skipped at first
 * @param deadEndpointMaxBackoff the longest skip; the skip doubles on every consecutive refusal
 * @param http1Server            which server reads HTTP/1.x clients: Vert.x's ({@link Http1Server#VERTX}) or Netty's
 *                               codec ({@link Http1Server#NETTY}, {@link H1Connection}); HTTP/2 is Vert.x's either way
 */
public record DataPlaneOptions(int acceptorInstances, int maxHeaderSize, int maxInitialLineLength,
                               int replayBufferBytes, Duration drainTimeout, boolean perEndpointMetrics,
                               Duration downstreamIdleTimeout, Duration upstreamIdleTimeout,
                               Duration deadEndpointBackoff, Duration deadEndpointMaxBackoff,
                               Http1Server http1Server) {

    /**
     * The server that reads HTTP/1.x client connections (issue 13). Chosen per data plane, Netty's codec by default;
     * no YAML key: the system property {@value #HTTP1_SERVER_PROPERTY} ({@code vertx} or {@code netty}) sets the
     * builder's default, so a whole test suite or a sidecar ({@code JAVA_OPTS}) can run on either without a config
     * change, and Vert.x's server stays a fallback should a client meet a difference (docs/design.md).
     */
    public enum Http1Server {
        /** Vert.x's {@code HttpServer}: requests and responses as Vert.x objects. */
        VERTX,
        /** Netty's HTTP/1.x codec ({@link H1ServerCodec}) under {@link H1Connection}; h2c still goes to Vert.x. */
        NETTY;

        /** {@code vertx} or {@code netty}, any case; null when {@code text} is neither. */
        static Http1Server parse(String text) {
            for (Http1Server s : values()) {
                if (s.name().equalsIgnoreCase(text.trim())) {
                    return s;
                }
            }
            return null;
        }
    }

    /** The system property read, once per builder, for the default of {@link #http1Server()}. */
    public static final String HTTP1_SERVER_PROPERTY = "gossamer.http1.server";

    /** One acceptor per core: the sidecar shares the machine with its application. */
    public static final int DEFAULT_ACCEPTOR_INSTANCES = Math.max(1, Runtime.getRuntime().availableProcessors());
    /** Vert.x's and Netty's default: 8 KiB of headers. */
    public static final int DEFAULT_MAX_HEADER_SIZE = 8 * 1024;
    /** Vert.x's default: 4 KiB request line. */
    public static final int DEFAULT_MAX_INITIAL_LINE_LENGTH = 4 * 1024;
    /** Linkerd's replay limit: 64 KiB covers nearly every API request body. */
    public static final int DEFAULT_REPLAY_BUFFER_BYTES = 64 * 1024;
    /**
     * Kubernetes' default terminationGracePeriodSeconds is 30 s: a drain of at most 25 s lets requests in flight
     * finish and leaves room to exit before the kubelet's SIGKILL.
     */
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(25);
    /** Off: per-endpoint series multiply the metrics' cardinality by the size of the mesh. */
    public static final boolean DEFAULT_PER_ENDPOINT_METRICS = false;
    /** Longer than typical application keep-alive so the app, not the sidecar, closes idle connections. */
    public static final Duration DEFAULT_DOWNSTREAM_IDLE_TIMEOUT = Duration.ofMinutes(5);
    /** Shorter than common server keep-alive timeouts (nginx 75 s, Node 5 s is an outlier) to avoid races. */
    public static final Duration DEFAULT_UPSTREAM_IDLE_TIMEOUT = Duration.ofSeconds(60);
    /**
     * Netty's codec: about a fifth less allocated per request than Vert.x's server, the same throughput
     * (docs/performance.md, "Allocation per request"); Vert.x's stays as the fallback the property selects.
     */
    public static final Http1Server DEFAULT_HTTP1_SERVER = Http1Server.NETTY;
    /** A refused endpoint is retried after 1 s (a restart often takes about that). */
    public static final Duration DEFAULT_DEAD_ENDPOINT_BACKOFF = Duration.ofSeconds(1);
    /** Cap of the doubling skip: a long-dead endpoint is still tried twice a minute. */
    public static final Duration DEFAULT_DEAD_ENDPOINT_MAX_BACKOFF = Duration.ofSeconds(30);

    public DataPlaneOptions {
        List<String> problems = new ArrayList<>();
        if (acceptorInstances < 1 || acceptorInstances > 256) {
            problems.add("acceptorInstances: " + acceptorInstances + " (expected: 1..256)");
        }
        if (maxHeaderSize < 1024) {
            problems.add("maxHeaderSize: " + maxHeaderSize + " (expected: >= 1024)");
        }
        if (maxInitialLineLength < 256) {
            problems.add("maxInitialLineLength: " + maxInitialLineLength + " (expected: >= 256)");
        }
        if (replayBufferBytes < 0) {
            problems.add("replayBufferBytes: " + replayBufferBytes + " (expected: >= 0)");
        }
        checkDuration(problems, "drainTimeout", drainTimeout, true);
        checkDuration(problems, "downstreamIdleTimeout", downstreamIdleTimeout, true);
        checkDuration(problems, "upstreamIdleTimeout", upstreamIdleTimeout, true);
        checkDuration(problems, "deadEndpointBackoff", deadEndpointBackoff, false);
        checkDuration(problems, "deadEndpointMaxBackoff", deadEndpointMaxBackoff, false);
        if (http1Server == null) {
            problems.add("http1Server: null (expected: vertx or netty)");
        }
        if (problems.isEmpty() && deadEndpointMaxBackoff.compareTo(deadEndpointBackoff) < 0) {
            problems.add("deadEndpointMaxBackoff: " + deadEndpointMaxBackoff + " (expected: >= deadEndpointBackoff "
                    + deadEndpointBackoff + ")");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
    }

    private static void checkDuration(List<String> problems, String name, Duration d, boolean zeroOk) {
        if (d == null) {
            problems.add(name + ": null (expected: a duration)");
        } else if (d.isNegative() || (!zeroOk && d.isZero())) {
            problems.add(name + ": " + d + " (expected: " + (zeroOk ? ">= 0" : "> 0") + ")");
        }
    }

    /** All defaults. */
    public static DataPlaneOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this options' values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.acceptorInstances = acceptorInstances;
        b.maxHeaderSize = maxHeaderSize;
        b.maxInitialLineLength = maxInitialLineLength;
        b.replayBufferBytes = replayBufferBytes;
        b.drainTimeout = drainTimeout;
        b.perEndpointMetrics = perEndpointMetrics;
        b.downstreamIdleTimeout = downstreamIdleTimeout;
        b.upstreamIdleTimeout = upstreamIdleTimeout;
        b.deadEndpointBackoff = deadEndpointBackoff;
        b.deadEndpointMaxBackoff = deadEndpointMaxBackoff;
        b.http1Server = http1Server;
        b.http1ServerText = null;
        return b;
    }

    /** Mutable builder; not thread-safe. */
    public static final class Builder {
        private int acceptorInstances = DEFAULT_ACCEPTOR_INSTANCES;
        private int maxHeaderSize = DEFAULT_MAX_HEADER_SIZE;
        private int maxInitialLineLength = DEFAULT_MAX_INITIAL_LINE_LENGTH;
        private int replayBufferBytes = DEFAULT_REPLAY_BUFFER_BYTES;
        private Duration drainTimeout = DEFAULT_DRAIN_TIMEOUT;
        private boolean perEndpointMetrics = DEFAULT_PER_ENDPOINT_METRICS;
        private Duration downstreamIdleTimeout = DEFAULT_DOWNSTREAM_IDLE_TIMEOUT;
        private Duration upstreamIdleTimeout = DEFAULT_UPSTREAM_IDLE_TIMEOUT;
        private Duration deadEndpointBackoff = DEFAULT_DEAD_ENDPOINT_BACKOFF;
        private Duration deadEndpointMaxBackoff = DEFAULT_DEAD_ENDPOINT_MAX_BACKOFF;
        private Http1Server http1Server = DEFAULT_HTTP1_SERVER;
        // The property's text when it is set and unreadable: build() refuses it, naming the property.
        private String http1ServerText;

        private Builder() {
            String p = System.getProperty(HTTP1_SERVER_PROPERTY);
            if (p != null) {
                Http1Server s = Http1Server.parse(p);
                if (s != null) {
                    http1Server = s;
                } else {
                    http1ServerText = p;
                }
            }
        }

        public Builder acceptorInstances(int v) {
            acceptorInstances = v;
            return this;
        }

        public Builder maxHeaderSize(int v) {
            maxHeaderSize = v;
            return this;
        }

        public Builder maxInitialLineLength(int v) {
            maxInitialLineLength = v;
            return this;
        }

        public Builder replayBufferBytes(int v) {
            replayBufferBytes = v;
            return this;
        }

        public Builder drainTimeout(Duration v) {
            drainTimeout = v;
            return this;
        }

        public Builder perEndpointMetrics(boolean v) {
            perEndpointMetrics = v;
            return this;
        }

        public Builder downstreamIdleTimeout(Duration v) {
            downstreamIdleTimeout = v;
            return this;
        }

        public Builder upstreamIdleTimeout(Duration v) {
            upstreamIdleTimeout = v;
            return this;
        }

        public Builder deadEndpointBackoff(Duration initial, Duration max) {
            deadEndpointBackoff = initial;
            deadEndpointMaxBackoff = max;
            return this;
        }

        /** Which server reads HTTP/1.x clients; overrides the system property {@value #HTTP1_SERVER_PROPERTY}. */
        public Builder http1Server(Http1Server v) {
            http1Server = v;
            http1ServerText = null;
            return this;
        }

        public DataPlaneOptions build() {
            if (http1ServerText != null) {
                throw new IllegalArgumentException("-D" + HTTP1_SERVER_PROPERTY + ": " + http1ServerText
                        + " (expected: vertx or netty)");
            }
            return new DataPlaneOptions(acceptorInstances, maxHeaderSize, maxInitialLineLength, replayBufferBytes,
                    drainTimeout, perEndpointMetrics, downstreamIdleTimeout,
                    upstreamIdleTimeout, deadEndpointBackoff, deadEndpointMaxBackoff, http1Server);
        }
    }
}
