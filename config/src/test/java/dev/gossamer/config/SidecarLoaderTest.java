package dev.gossamer.config;

import static dev.gossamer.config.Yaml.sidecar;
import static dev.gossamer.config.Yaml.sidecarProblems;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class SidecarLoaderTest {

    @Test
    void substitutesEnvironmentVariablesWithDefaults() {
        SidecarConfig c = sidecar("""
                node: {id: "${HOSTNAME}", zone: "${ZONE:-zone-b}"}
                admin: {address: "127.0.0.1:${ADMIN_PORT:-0}"}
                services:
                  - name: "svc-${EMPTY:-x}"
                    port: ${PORT:-8080}
                    weight: ${HOSTNAME_WEIGHT:-3}
                    tags: ["$$1"]
                """);
        assertThat(c.node()).isEqualTo(new NodeConfig("web-7", "zone-b"));
        assertThat(c.admin().address()).isEqualTo(new HostPort("127.0.0.1", 0));
        assertThat(c.services().get(0).name()).isEqualTo("svc-x");
        assertThat(c.services().get(0).port()).isEqualTo(8080);
        assertThat(c.services().get(0).weight()).isEqualTo(3);
        assertThat(c.services().get(0).tags()).containsExactly("$1");
    }

    @Test
    void unsetVariableWithoutDefaultIsAProblem() {
        assertThat(sidecarProblems("node: {id: \"${NODE_ID}\"}\nadmin: {address: \"${A:-x}\"}\n")).containsExactly(
                "sidecar.yaml:1:12: node.id: \"${NODE_ID}\" (expected: environment variable NODE_ID to be set, or a "
                        + "default: ${NODE_ID:-default})",
                "sidecar.yaml:2:18: admin.address: \"x\" (expected: host:port, like 127.0.0.1:15001 or [::1]:15001)");
        assertThat(sidecarProblems("node: {id: \"${NODE_ID\"}\n")).containsExactly(
                "sidecar.yaml:1:12: node.id: \"${NODE_ID\" (expected: a closing '}' for '${'; write $$ for a "
                        + "literal $)");
        assertThat(sidecarProblems("node: {id: \"${1X}\"}\n")).containsExactly(
                "sidecar.yaml:1:12: node.id: \"${1X}\" (expected: ${NAME} or ${NAME:-default} with NAME of letters, "
                        + "digits and '_')");
    }

    @Test
    void meshDocumentsDoNotSubstitute() {
        assertThat(Yaml.meshProblems("clusters: [{name: \"${HOSTNAME}\"}]\n")).containsExactly(
                "mesh.yaml:1:19: clusters[0].name: \"${HOSTNAME}\" (expected: a name of letters, digits, '.', '_', "
                        + "'-', at most 128 characters)");
    }


    @Test
    void keysAreNeverEchoed() {
        String secret = "c2VjcmV0LXNlY3JldA";  // 13 bytes
        List<String> problems = sidecarProblems("node: {id: n}\nmembership: {keys: [" + secret + "]}\n");
        assertThat(problems).hasSize(1);
        assertThat(problems.get(0)).doesNotContain(secret);
        SidecarConfig ok = sidecar("node: {id: n}\nmembership: {keys: [MDEyMzQ1Njc4OWFiY2RlZg==]}\n");
        assertThat(ok.membership().orElseThrow().toString()).doesNotContain("MDEy").contains("<1 redacted>");
        assertThat(ok.membership().orElseThrow().decodedKeys().get(0)).hasSize(16);
    }


    @Test
    void meshConfigIsResolvedAgainstTheSidecarFileWhenLoadedFromAFile(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        Path file = dir.resolve("conf/sidecar.yaml");
        java.nio.file.Files.createDirectories(file.getParent());
        java.nio.file.Files.writeString(file, "node: {id: n}\nmesh_config: ../mesh/mesh.yaml\n");
        SidecarConfig c = Yaml.LOADER.loadSidecar(file).value();
        assertThat(c.meshConfig()).contains(dir.resolve("mesh/mesh.yaml"));
        assertThat(sidecar("node: {id: n}\nmesh_config: ./m.yaml\n").meshConfig()).contains(Path.of("./m.yaml"));
    }

    @Test
    void ipv6AndPortZeroAddresses() {
        SidecarConfig c = sidecar("""
                node: {id: n}
                admin: {address: "[::1]:0"}
                listeners: [{name: out, address: "[2001:db8::1]:15001"}, {name: in, address: localhost:0}]
                """);
        assertThat(c.admin().address()).isEqualTo(new HostPort("::1", 0));
        assertThat(c.admin().address().toString()).isEqualTo("[::1]:0");
        assertThat(c.listeners()).extracting(ListenerConfig::address)
                .containsExactly(new HostPort("2001:db8::1", 15001), new HostPort("localhost", 0));
        assertThat(c.listenerNames()).containsExactlyInAnyOrder("out", "in");
    }

    @Test
    void environmentIsInjected() {
        ConfigLoader loader = new ConfigLoader(Map.of("ID", "from-map")::get);
        assertThat(loader.loadSidecar("s.yaml", "node: {id: \"${ID}\"}\n").value().node().id()).isEqualTo("from-map");
        assertThat(loader.loadSidecar("s.yaml", "node: {id: \"${ID}\"}\nmesh_config: x.yaml\n").value().meshConfig())
                .isEqualTo(Optional.of(Path.of("x.yaml")));
    }
}
