package dev.gossamer.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigValidatorTest {

    private final ConfigValidator validator = new ConfigValidator(new ConfigLoader(Map.<String, String>of()::get));

    @Test
    void detectsTheDocumentKindFromTopLevelKeys() {
        assertThat(ConfigLoader.detect("routes: []\n")).isEqualTo(DocumentKind.MESH);
        assertThat(ConfigLoader.detect("clusters: []\n")).isEqualTo(DocumentKind.MESH);
        assertThat(ConfigLoader.detect("node: {id: a}\n")).isEqualTo(DocumentKind.SIDECAR);
        assertThat(ConfigLoader.detect("admin: {}\n")).isEqualTo(DocumentKind.SIDECAR);
        assertThat(ConfigLoader.detect("listeners: []\n")).isEqualTo(DocumentKind.SIDECAR);
        assertThat(ConfigLoader.detect("node: {}\nroutes: []\n")).isEqualTo(DocumentKind.UNKNOWN);
        assertThat(ConfigLoader.detect("metrics: {}\n")).isEqualTo(DocumentKind.UNKNOWN);
        assertThat(ConfigLoader.detect("[1]\n")).isEqualTo(DocumentKind.UNKNOWN);
        assertThat(ConfigLoader.detect("a: [\n")).isEqualTo(DocumentKind.UNKNOWN);
    }

    @Test
    void unknownDocumentsAreAProblem() {
        ValidationResult r = validator.validate("x.yaml", "drain: {timeout: 1s}\n");
        assertThat(r.kind()).isEqualTo(DocumentKind.UNKNOWN);
        assertThat(r.problemsText()).isEqualTo("x.yaml:1:1: $: cannot tell which document this is (expected: a "
                + "sidecar document with top-level 'node'/'listeners'/'admin', or a mesh document with top-level "
                + "'routes'/'clusters', not both)");
    }

    @Test
    void theExamplesAreValid() {
        Path examples = Path.of("..", "examples");
        ValidationResult sidecar = validator.validate(examples.resolve("sidecar.yaml"));
        assertThat(sidecar.problems()).isEmpty();
        assertThat(sidecar.kind()).isEqualTo(DocumentKind.SIDECAR);
        assertThat(sidecar.sidecar()).isPresent();
        assertThat(sidecar.mesh()).isPresent(); // followed mesh_config: ./mesh.yaml
        ValidationResult mesh = validator.validate(examples.resolve("mesh.yaml"));
        assertThat(mesh.problems()).isEmpty();
        assertThat(mesh.kind()).isEqualTo(DocumentKind.MESH);
        assertThat(mesh.mesh()).isEqualTo(sidecar.mesh());
    }

    @Test
    void aSidecarFollowsItsMeshConfigAndChecksListenerReferences(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("sidecar.yaml"), """
                node: {id: n}
                listeners: [{name: outbound, address: 127.0.0.1:0}]
                mesh_config: mesh/mesh.yaml
                """);
        Files.createDirectories(dir.resolve("mesh"));
        Files.writeString(dir.resolve("mesh/mesh.yaml"), """
                routes:
                  - {name: r, listener: inbound, cluster: c}
                clusters: [{name: c}]
                """);
        ValidationResult r = validator.validate(dir.resolve("sidecar.yaml"));
        assertThat(r.kind()).isEqualTo(DocumentKind.SIDECAR);
        assertThat(r.sidecar()).isPresent();
        assertThat(r.mesh()).isEmpty();
        assertThat(r.problemsText()).isEqualTo(dir.resolve("mesh/mesh.yaml") + ":2:25: routes[0].listener: "
                + "\"inbound\" (expected: a listener of the sidecar: outbound)");
    }

    @Test
    void problemsOfBothFilesAreReportedTogether(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("sidecar.yaml"), "node: {id: n, zone: [a]}\nmesh_config: mesh.yaml\n");
        Files.writeString(dir.resolve("mesh.yaml"), "clusters: [{name: c, protocol: http3}]\n");
        ValidationResult r = validator.validate(dir.resolve("sidecar.yaml"));
        assertThat(r.problems()).extracting(ConfigProblem::path)
                .containsExactly("clusters[0].protocol", "node.zone");
        assertThat(r.isOk()).isFalse();
    }

    @Test
    void aMissingMeshFileIsReportedWhereTheSidecarFileNamesIt(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("sidecar.yaml"), "node: {id: n}\nmesh_config: nope.yaml\n");
        ValidationResult r = validator.validate(dir.resolve("sidecar.yaml"));
        assertThat(r.problemsText()).isEqualTo(dir.resolve("sidecar.yaml") + ":2:14: mesh_config: \""
                + dir.resolve("nope.yaml") + "\": no such file (expected: an existing YAML file; a relative path is "
                + "resolved against the sidecar file's directory)");
    }

    @Test
    void aMeshConfigThatIsADirectoryOrTooLargeIsRefusedBeforeReading(@TempDir Path dir) throws Exception {
        Files.createDirectory(dir.resolve("d.yaml"));
        Files.writeString(dir.resolve("sidecar.yaml"), "node: {id: n}\nmesh_config: d.yaml\n");
        assertThat(validator.validate(dir.resolve("sidecar.yaml")).problemsText())
                .endsWith("d.yaml\": a directory (expected: a YAML file)");
        Files.write(dir.resolve("big.yaml"), new byte[ConfigLoader.MAX_DOCUMENT_BYTES + 1]);
        Files.writeString(dir.resolve("sidecar.yaml"), "node: {id: n}\nmesh_config: big.yaml\n");
        assertThat(validator.validate(dir.resolve("sidecar.yaml")).problemsText())
                .startsWith(dir.resolve("sidecar.yaml") + ":2:14: mesh_config: ")
                .endsWith((ConfigLoader.MAX_DOCUMENT_BYTES + 1) + " bytes (expected: at most 4194304 bytes, 4 MiB)");
    }

    @Test
    void nonUtf8AndOversizedFilesAreProblems(@TempDir Path dir) throws Exception {
        Path bin = dir.resolve("bin.yaml");
        Files.write(bin, new byte[] {'a', ':', ' ', (byte) 0xff, (byte) 0xfe, '\n'});
        assertThat(validator.validate(bin).problemsText())
                .isEqualTo(bin + ":1:1: $: not UTF-8 text (expected: a UTF-8 YAML file)");
        Path big = dir.resolve("big.yaml");
        Files.write(big, new byte[ConfigLoader.MAX_DOCUMENT_BYTES + 1]);
        assertThat(validator.validate(big).problemsText()).isEqualTo(big + ":1:1: $: "
                + (ConfigLoader.MAX_DOCUMENT_BYTES + 1) + " bytes (expected: at most 4194304 bytes)");
    }
}
