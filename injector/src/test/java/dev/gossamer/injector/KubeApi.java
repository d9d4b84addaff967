package dev.gossamer.injector;

import dev.gossamer.common.testing.Tools;
import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real kube-apiserver 1.20.2 + etcd for one test class (io.fabric8:kube-api-test), and kubectl against it.
 *
 * <p>The binaries come from {@code deploy/test/kube-binaries.sh}, run here (under a file lock, so two JVMs do not
 * build at once) before the server starts: on a fresh machine {@code mvn -B verify} builds them into
 * {@code Tools.cache()/kube} once (minutes), then finds them there. kube-api-test never downloads them (it cannot
 * here); its offline env var is left unset (7.4.0 would fail casting it).
 */
final class KubeApi implements AutoCloseable {

    static final String VERSION = "1.20.2";
    private static final long BUILD_MINUTES = 45;

    private final KubeAPIServer server;
    private final Path kubeconfig;
    private final Path binDir;
    private final Path testDir;

    private KubeApi(KubeAPIServer server, Path kubeconfig, Path binDir, Path testDir) {
        this.server = server;
        this.kubeconfig = kubeconfig;
        this.binDir = binDir;
        this.testDir = testDir;
    }

    /**
     * Builds the binaries when missing, starts etcd and the API server, and writes a kubeconfig for kubectl. A start
     * that fails is tried once more, in a new folder: once in a full {@code mvn -B verify} (2026-12-07) the API
     * server exited during its start ("API Server process stopped unexpectedly", after DeployManifestsIT's server had
     * just stopped) and the same test passed alone right after; kube-api-test picks the ports of etcd and the API
     * server itself and keeps their logs at debug level, so the cause was not seen. The tests' assertions run only
     * against a server that started.
     */
    static KubeApi start(List<String> extraApiServerFlags) throws IOException {
        try {
            return startOnce(extraApiServerFlags);
        } catch (RuntimeException first) {
            System.err.println("KubeApi: the API server did not start (" + first + "); starting it once more");
            return startOnce(extraApiServerFlags);
        }
    }

    private static KubeApi startOnce(List<String> extraApiServerFlags) throws IOException {
        Path cache = ensureBinaries();
        // kube-api-test writes the API server's and the client's certificates into its folder: one per run, so two
        // builds on one machine do not overwrite each other's; the binaries are linked from the cache.
        Path dir = Files.createTempDirectory("gossamer-kube-api");
        Files.createSymbolicLink(dir.resolve("k8s"), cache.resolve("k8s"));
        KubeAPIServerConfigBuilder config = KubeAPIServerConfigBuilder.anAPIServerConfig()
                .withTestDir(dir.toString())
                .withApiServerVersion(VERSION)
                .withUpdateKubeConfig(false)
                .withStartupTimeout(180_000);
        if (!extraApiServerFlags.isEmpty()) {
            config.withApiServerFlags(extraApiServerFlags);
        }
        KubeAPIServer server = new KubeAPIServer(config.build());
        try {
            server.start();
        } catch (RuntimeException e) {
            try {
                server.stop(); // whatever of etcd and the API server is still running
            } catch (RuntimeException ignored) {
                // nothing left to stop
            }
            throw e;
        }
        Path kubeconfig = Files.createTempFile("gossamer-kubeconfig", ".yaml");
        Files.writeString(kubeconfig, server.getKubeConfigYaml());
        return new KubeApi(server, kubeconfig, dir.resolve("k8s").resolve(VERSION + "-linux-amd64"), dir);
    }

    /** The kubeconfig file for kubectl and kube-controller-manager. */
    Path kubeconfig() {
        return kubeconfig;
    }

    /** The folder of kube-apiserver, etcd, kubectl (and kube-controller-manager when built). */
    Path binDir() {
        return binDir;
    }

    /** The result of one kubectl run. */
    record Result(int exit, String out, String err) {
        Result ok() {
            if (exit != 0) {
                throw new AssertionError("kubectl failed (exit " + exit + "): " + err + out);
            }
            return this;
        }
    }

    /** Runs {@code kubectl --kubeconfig ... args} with {@code stdin} (may be null). */
    Result kubectl(String stdin, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(binDir.resolve("kubectl").toString());
        cmd.add("--kubeconfig");
        cmd.add(kubeconfig.toString());
        cmd.addAll(List.of(args));
        return run(cmd, stdin);
    }

    static Result run(List<String> cmd, String stdin) {
        return run(cmd, stdin, null);
    }

    /** Runs {@code cmd}; {@code nodePath} (may be null) becomes NODE_PATH, for node scripts. */
    static Result run(List<String> cmd, String stdin, Path nodePath) {
        try {
            Path out = Files.createTempFile("gossamer-cmd", ".out");
            Path err = Files.createTempFile("gossamer-cmd", ".err");
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
            if (nodePath != null) {
                pb.environment().put("NODE_PATH", nodePath.toString());
            }
            if (stdin == null) {
                pb.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            }
            Process p = pb.start();
            if (stdin != null) {
                try (var in = p.getOutputStream()) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!p.waitFor(3, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new AssertionError(cmd + " did not finish in 3 minutes");
            }
            Result r = new Result(p.exitValue(), Files.readString(out), Files.readString(err));
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The repository's root (where deploy/ is), from the module's working directory. */
    static Path repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("deploy/test/kube-binaries.sh"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new AssertionError("no deploy/test/kube-binaries.sh above " + Path.of("").toAbsolutePath());
        }
        return p;
    }

    /** Runs deploy/test/kube-binaries.sh (a no-op when the cache is complete) under a file lock. */
    static Path ensureBinaries() throws IOException {
        Path dir = Tools.cache().resolve("kube");
        Files.createDirectories(dir);
        Path script = repoRoot().resolve("deploy/test/kube-binaries.sh");
        try (FileChannel ch = FileChannel.open(Tools.cache().resolve("kube.lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
             FileLock ignored = ch.lock()) {
            Path log = Files.createTempFile("gossamer-kube-binaries", ".log");
            Process p = new ProcessBuilder("sh", script.toString(), dir.toString()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            if (!p.waitFor(BUILD_MINUTES, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new AssertionError(script + " did not finish in " + BUILD_MINUTES + " minutes; see " + log);
            }
            if (p.exitValue() != 0) {
                String tail = Files.readString(log);
                throw new AssertionError(script + " failed (exit " + p.exitValue() + "):\n"
                        + tail.substring(Math.max(0, tail.length() - 3000)));
            }
            Files.deleteIfExists(log);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        return dir;
    }

    @Override
    public void close() throws IOException {
        server.stop();
        Files.deleteIfExists(kubeconfig);
        // Files.walk does not follow the k8s link: the cached binaries stay.
        try (var paths = Files.walk(testDir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
