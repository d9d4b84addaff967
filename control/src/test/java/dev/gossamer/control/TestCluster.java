package dev.gossamer.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gossamer.common.WallClock;
import dev.gossamer.common.testing.Await;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Real Ratis voters on loopback, each with its own data dir under a test's temporary directory. Raft needs every
 * voter's address before any starts, so the ports are taken from the OS (port 0) and released just before the
 * voters bind them again; a voter restarted later binds the same port.
 *
 * <p>Each voter gets its own wall clock, offset by a million ms per voter, so a commit time read at apply time
 * instead of from the log entry would make the voters' histories differ.
 */
final class TestCluster implements AutoCloseable {

    static final Duration DEADLINE = Duration.ofSeconds(30);

    private final ControlOptions base;
    private final MeshValidator validator;
    private final ControlNode[] nodes;
    private java.util.function.IntFunction<ControlOptions.TlsFiles> tlsPerNode;
    private final List<ControlClient> clients = new ArrayList<>();

    private TestCluster(ControlOptions base, MeshValidator validator) {
        this.base = base;
        this.validator = validator;
        this.nodes = new ControlNode[base.voters().size()];
    }

    /** {@code n} voters n1..n{n}, started, with {@code tune} applied to the shared options. */
    static TestCluster start(int n, Path dir, MeshValidator validator,
                             Function<ControlOptions.Builder, ControlOptions.Builder> tune) throws IOException {
        return start(n, dir, validator, tune, null);
    }

    /** As {@link #start(int, Path, MeshValidator, Function)}, each voter with its own TLS files (null: shared). */
    static TestCluster start(int n, Path dir, MeshValidator validator,
                             Function<ControlOptions.Builder, ControlOptions.Builder> tune,
                             java.util.function.IntFunction<ControlOptions.TlsFiles> tlsPerNode) throws IOException {
        List<String> voters = new ArrayList<>();
        int[] ports = freePorts(n);
        for (int i = 0; i < n; i++) {
            voters.add("n" + (i + 1) + "@127.0.0.1:" + ports[i]);
        }
        ControlOptions base = tune.apply(ControlOptions.builder().voters(voters).dataDir(dir)).build();
        TestCluster c = new TestCluster(base, validator);
        c.tlsPerNode = tlsPerNode;
        for (int i = 0; i < n; i++) {
            c.startNode(i);
        }
        return c;
    }

    static int[] freePorts(int n) throws IOException {
        ServerSocket[] sockets = new ServerSocket[n];
        int[] ports = new int[n];
        try {
            for (int i = 0; i < n; i++) {
                sockets[i] = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                ports[i] = sockets[i].getLocalPort();
            }
        } finally {
            for (ServerSocket s : sockets) {
                if (s != null) {
                    s.close();
                }
            }
        }
        return ports;
    }

    ControlOptions options() {
        return base;
    }

    ControlOptions optionsOf(int i) {
        String id = base.voters().get(i).id();
        ControlOptions.Builder b = base.toBuilder().nodeId(id).dataDir(base.dataDir().resolve(id));
        if (tlsPerNode != null) {
            b.tls(tlsPerNode.apply(i));
        }
        return b.build();
    }

    void startNode(int i) throws IOException {
        assertThat(nodes[i]).as("node %s already running", i).isNull();
        AtomicLong ticks = new AtomicLong();
        long offset = 1_000_000L * (i + 1);
        WallClock clock = () -> offset + ticks.incrementAndGet();
        nodes[i] = ControlNode.start(optionsOf(i), validator, clock);
    }

    void stopNode(int i) {
        try {
            nodes[i].close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        nodes[i] = null;
    }

    ControlNode node(int i) {
        return nodes[i];
    }

    int size() {
        return nodes.length;
    }

    /** A client that is not a voter, as a plain sidecar would run it. */
    ControlClient newClient() {
        ControlClient c = ControlClient.connect(base);
        clients.add(c);
        return c;
    }

    /** Waits until one running voter leads and is ready for writes; returns its index. */
    int awaitLeader() {
        int[] found = {-1};
        Await.until("a ready leader", DEADLINE, () -> {
            for (int i = 0; i < nodes.length; i++) {
                if (nodes[i] != null && nodes[i].status().leaderReady()) {
                    found[0] = i;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    /** Some running voter that is not {@code leader}. */
    int aFollower(int leader) {
        for (int i = 0; i < nodes.length; i++) {
            if (i != leader && nodes[i] != null) {
                return i;
            }
        }
        throw new IllegalStateException("no follower running");
    }

    /** Waits until every running voter has applied exactly {@code versions} versions, and returns voter 0's... */
    void awaitAllApplied(long versions) {
        Await.until("every running voter applied " + versions + " versions", DEADLINE, () -> {
            for (ControlNode n : nodes) {
                if (n != null && n.latestApplied().map(ConfigVersion::version).orElse(0L) != versions) {
                    return false;
                }
            }
            return true;
        });
    }

    /** Every running voter's whole history; asserts they are identical and returns it. */
    List<ConfigVersion> identicalHistories() {
        List<ConfigVersion> first = null;
        for (ControlNode n : nodes) {
            if (n == null) {
                continue;
            }
            List<ConfigVersion> h = n.appliedHistory();
            if (first == null) {
                first = h;
            } else {
                assertThat(h).as("history of %s", n.id()).isEqualTo(first);
            }
        }
        return first;
    }

    Optional<Integer> indexOf(String id) {
        for (int i = 0; i < base.voters().size(); i++) {
            if (base.voters().get(i).id().equals(id)) {
                return Optional.of(i);
            }
        }
        return Optional.empty();
    }

    @Override
    public void close() {
        for (ControlClient c : clients) {
            c.close();
        }
        // Ratis takes up to a second to close a server; closing them together keeps the suite short
        List<Thread> closing = new ArrayList<>();
        for (int i = 0; i < nodes.length; i++) {
            if (nodes[i] != null) {
                int index = i;
                Thread t = new Thread(() -> stopNode(index), "close-n" + (i + 1));
                t.start();
                closing.add(t);
            }
        }
        for (Thread t : closing) {
            try {
                t.join(DEADLINE.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
