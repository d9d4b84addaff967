package dev.gossamer.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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

    private record Result(int exit, String output) {
    }

    private static Result launch(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("./gossamer"));
        command.addAll(List.of(args));
        Path log = Files.createTempFile(dir, "launcher", ".log");
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().remove("JAVA_OPTS");
        pb.environment().remove("MAVEN_OPTS");
        Process p = pb.start();
        // a deadline for a hung build, not a speed assertion: a cold build takes one to three minutes here
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError("./gossamer " + String.join(" ", args) + " did not finish in 10 minutes:\n"
                    + Files.readString(log));
        }
        return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
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
