package dev.gossamer.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command on a fresh clone: {@code ./gossamer} finds no jar, builds it with Maven, and runs it.
 * The tree is copied from this checkout's files as git lists them (tracked or new, never ignored ones such as
 * {@code target/}), so nothing built here can help. The first run also trains the class-data archive the
 * launcher starts the JVM with; the second finds both up to date. It failed when the launcher skipped compiling tests
 * ({@code -Dmaven.test.skip}): the modules share fixtures as test-jars, which then did not exist.
 */
class LauncherIT {

    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();

    @Test
    void aFreshCloneBuildsTheJarAndRunsIt(@TempDir Path clone) throws Exception {
        List<String> files = gitFiles();
        for (String f : files) {
            Path from = REPO.resolve(f);
            if (!Files.isRegularFile(from)) {
                continue; // listed but deleted in this working tree
            }
            Path to = clone.resolve(f);
            Files.createDirectories(to.getParent());
            Files.copy(from, to, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        }
        assertThat(clone.resolve("gossamer")).isExecutable();

        Result first = launch(clone, "version");
        assertThat(first.exit).as(first.output).isZero();
        assertThat(first.output).contains("building sidecar/target/gossamer.jar")
                .contains("training the JVM's class-data archive").contains("gossamer 0.");
        assertThat(first.output).as("the training run succeeded").doesNotContain("training run failed");
        assertThat(clone.resolve("sidecar/target/gossamer.jar")).exists();
        try (Stream<Path> target = Files.list(clone.resolve("sidecar/target"))) {
            assertThat(target.map(p -> p.getFileName().toString()))
                    .as("a class-data archive (AOT cache on Java 25+, CDS on 17-24)")
                    .anyMatch(n -> n.matches("gossamer\\.jdk\\d+\\.(aot|jsa)"));
        }

        Result second = launch(clone, "version");
        assertThat(second.exit).as(second.output).isZero();
        assertThat(second.output).as("an up-to-date jar is not rebuilt, its archive not retrained")
                .doesNotContain("building").doesNotContain("training").contains("gossamer 0.");
    }

    /**
     * deploy/Dockerfile's runtime stage without Docker (none runs here): its {@code COPY --from=build} lines laid out
     * under a directory from this build's files, its training {@code RUN} as root, then its {@code ENTRYPOINT} as its
     * {@code USER} under a container's memory limit (a cgroup file bound over in a mount namespace of its own). The
     * pod's user cannot write the archive, so one that did not match the flags of a limited container would mean a
     * training run at every start: it must be used as it is, and the heap must follow the limit.
     */
    @Test
    void theImagesLauncherUsesItsBuildTimeArchiveAsItsUserUnderAMemoryLimit(@TempDir Path image) throws Exception {
        assumeThat(Path.of(JDK25, "bin/java")).as("the image's JDK, Temurin 25").isExecutable();
        assumeThat(run(List.of("id", "-u"), Map.of()).output.strip()).as("root, for setpriv and mount").isEqualTo("0");
        Path limitFile = Stream.of("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes")
                .map(Path::of).filter(Files::isReadable).findFirst().orElse(null);
        assumeThat(limitFile).as("a cgroup memory limit file where the launcher reads it").isNotNull();

        List<String> dockerfile = Files.readAllLines(REPO.resolve("deploy/Dockerfile"));
        List<String> runtime = dockerfile.subList(lastIndexOf(dockerfile, "FROM "), dockerfile.size());
        String entrypoint = null;
        String user = null;
        Map<String, String> env = new java.util.HashMap<>(Map.of("JAVA_HOME", JDK25));
        boolean trains = false;
        for (String line : runtime) {
            String[] w = line.trim().split("\\s+");
            switch (w[0]) {
                case "COPY" -> {
                    assertThat(w[1]).as(line).isEqualTo("--from=build");
                    assertThat(w[2]).as(line).startsWith("/src/");
                    Path to = image.resolve(w[3].substring(1));
                    Files.createDirectories(to.getParent());
                    Files.copy(REPO.resolve(w[2].substring("/src/".length())), to,
                            java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                }
                case "ENV" -> {
                    String[] kv = line.trim().substring(4).split("=", 2);
                    env.put(kv[0], kv[1].replaceAll("^\"|\"$", ""));
                }
                case "ENTRYPOINT" -> entrypoint = line.replaceAll(".*\\[\"([^\"]+)\".*", "$1");
                case "USER" -> user = w[1];
                default -> { }
            }
        }
        assertThat(entrypoint).as("the image's entrypoint").isNotNull();
        String launcher = image.resolve(entrypoint.substring(1)).toString();
        assertThat(runtime).as("the archive is trained at build time, by the entrypoint")
                .contains("RUN " + entrypoint + " version");
        assertThat(user).as("a numeric non-root user").matches("[1-9][0-9]*:[0-9]+");
        try (Stream<Path> tree = Files.walk(image)) { // JUnit makes its directory for its owner only
            for (Path d : tree.filter(Files::isDirectory).toList()) {
                Files.setPosixFilePermissions(d, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        }

        Result build = run(List.of(launcher, "version"), env);
        assertThat(build.exit).as(build.output).isZero();
        assertThat(build.output).contains("training the JVM's class-data archive").doesNotContain("training run failed");

        // 128 MiB: the heap may grow to 96 MiB. The user's id, not the image's name for it (setpriv takes ids).
        Path limit = image.resolve("memory-limit");
        Files.writeString(limit, "134217728\n");
        String[] ids = user.split(":");
        Map<String, String> runEnv = new java.util.HashMap<>(env);
        runEnv.put("JDK_JAVA_OPTIONS", "-XX:+PrintFlagsFinal -Xlog:aot=info");
        Result pod = run(List.of("unshare", "--mount", "sh", "-c",
                "mount --bind \"$1\" \"$2\" && exec setpriv --reuid=\"$3\" --regid=\"$4\" --clear-groups \"$5\" version",
                "sh", limit.toString(), limitFile.toString(), ids[0], ids[1], launcher), runEnv);
        assertThat(pod.exit).as(pod.output).isZero();
        assertThat(pod.output).as("the build's archive serves the limited container as it is")
                .doesNotContain("training").contains("Opened AOT cache").contains("gossamer 0.")
                .containsPattern("size_t MaxHeapSize +?= 100663296 ");

        // Netty's io_uring library from the copy the build's training left beside the jar: with a temporary directory
        // nothing can be written to, Netty's own way (a copy there at every start) fails, and so does --transport
        // io_uring ("cannot load here", exit 2). The missing config is read after the transport loaded (exit 1).
        assumeThat(io.netty.channel.uring.IoUring.isAvailable()).as("io_uring on this kernel").isTrue();
        Map<String, String> noTmp = new java.util.HashMap<>(env);
        noTmp.put("JDK_JAVA_OPTIONS", "-Djava.io.tmpdir=/proc");
        Result transport = run(List.of("setpriv", "--reuid=" + ids[0], "--regid=" + ids[1], "--clear-groups", launcher,
                "run", "--transport", "io_uring", "--config", "/nonexistent/sidecar.yaml"), noTmp);
        assertThat(transport.output).as("io_uring loads without a temporary copy")
                .doesNotContain("cannot load here").contains("/nonexistent/sidecar.yaml").doesNotContain("training");
        assertThat(transport.exit).as(transport.output).isEqualTo(1);
    }

    private static final String JDK25 = "/usr/lib/jvm/temurin-25-jdk-amd64";

    private static int lastIndexOf(List<String> lines, String prefix) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (lines.get(i).startsWith(prefix)) {
                return i;
            }
        }
        throw new AssertionError("no line starts with " + prefix);
    }

    private record Result(int exit, String output) {
    }

    private static Result launch(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("./gossamer"));
        command.addAll(List.of(args));
        return run(command, dir, Map.of());
    }

    private static Result run(List<String> command, Map<String, String> env) throws IOException, InterruptedException {
        return run(command, Path.of(System.getProperty("java.io.tmpdir")), env);
    }

    private static Result run(List<String> command, Path dir, Map<String, String> env)
            throws IOException, InterruptedException {
        Path log = Files.createTempFile("launcher", ".log");
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().remove("JAVA_OPTS");
        pb.environment().remove("MAVEN_OPTS");
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.environment().remove("JDK_JAVA_OPTIONS");
        pb.environment().putAll(env);
        Process p = pb.start();
        // a deadline for a hung build, not a speed assertion: a cold build takes one to three minutes here
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish in 10 minutes:\n"
                    + Files.readString(log));
        }
        try {
            return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static List<String> gitFiles() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")
                .directory(REPO.toFile()).redirectErrorStream(false).start();
        byte[] out = p.getInputStream().readAllBytes();
        int exit = p.waitFor();
        assumeThat(exit).as("this tree is a git checkout (git ls-files)").isZero();
        return List.of(new String(out, StandardCharsets.UTF_8).split("\0")).stream()
                .filter(s -> !s.isEmpty()).toList();
    }
}
