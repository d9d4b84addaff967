package dev.gossamer.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gossamer.config.ConfigLoader;
import dev.gossamer.config.ConfigValidator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line: validate's exit codes and messages, help and version. */
class CliTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int validate(Path... files) {
        return ValidateCommand.validate(List.of(files), new ConfigValidator(ConfigLoader.withSystemEnvironment(), Plans.RULES),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void shippedExamplesAreValid() {
        Path examples = Path.of("..", "examples");
        assertThat(validate(examples.resolve("sidecar.yaml"), examples.resolve("mesh.yaml"))).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("ok (sidecar document)").contains("ok (mesh document)");
    }

    @Test
    void everyProblemOfEveryFileIsPrintedAndTheExitCodeIsOne() throws Exception {
        Path mesh = dir.resolve("mesh.yaml");
        Files.writeString(mesh, """
                routes:
                  - {name: r, match: {path_prefix: /}, cluster: nope}
                clusters:
                  - name: c
                    endpoints: [127.0.0.1:99999]
                    balancer: {policy: round_robbin}
                """);
        Path good = dir.resolve("good.yaml");
        Files.writeString(good, "routes: []\nclusters: []\n");
        assertThat(validate(good, mesh)).isEqualTo(1);
        String e = err.toString(StandardCharsets.UTF_8);
        assertThat(e).contains(mesh + ":2:").contains("nope")
                .contains(mesh + ":5:").contains("99999")
                .contains(mesh + ":6:").contains("round_robbin").contains("did you mean 'round_robin'")
                .contains("1 of 2 file(s) invalid");
    }

    @Test
    void helpAndVersionExitZero() {
        assertThat(Main.execute("--help")).isZero();
        assertThat(Main.execute("version")).isZero();
        assertThat(Main.execute("run", "--help")).isZero();
        assertThat(Main.execute("validate")).isEqualTo(2); // missing FILE: picocli's usage error
    }

    @Test
    void theLaunchersTrainingRunServesOverBothProtocolsAndExitsZero() {
        // exit 0 only if every proxied request (HTTP/1.1 and h2c, kept alive and one per connection) and every
        // admin read answered 200
        assertThat(Main.execute("train", "--requests", "20", "--connections", "20")).isZero();
    }

    @Test
    void keygenPrintsABase64AesKeyTheLoaderAccepts() {
        KeygenCommand k = new KeygenCommand();
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        k.out = new PrintStream(buf, true, StandardCharsets.UTF_8);
        assertThat(k.call()).isZero();
        String key = buf.toString(StandardCharsets.UTF_8).trim();
        assertThat(java.util.Base64.getDecoder().decode(key)).hasSize(32);
        assertThat(new ConfigLoader(java.util.Map.<String, String>of()::get)
                .loadSidecar("s.yaml", "node: {id: n}\nmembership: {keys: [\"" + key + "\"]}\n").problems()).isEmpty();
        assertThat(Main.execute("keygen", "--bytes", "7")).isEqualTo(2);
    }

    @Test
    void membersNamesTheAddressItCouldNotReachInASentence() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream old = System.err;
        System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            assertThat(Main.execute("members", "--admin", "127.0.0.1:9")).isOne();
        } finally {
            System.setErr(old);
        }
        assertThat(buf.toString(StandardCharsets.UTF_8)).contains("cannot reach the admin API at 127.0.0.1:9: ")
                .doesNotContain(": null").contains("expected: a running sidecar");
    }
}
