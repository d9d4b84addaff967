package dev.gossamer.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gossamer.config.ConfigLoader;
import dev.gossamer.config.ConfigValidator;
import dev.gossamer.injector.Decision;
import dev.gossamer.injector.InjectorConfig;
import dev.gossamer.injector.InjectorOptions;
import dev.gossamer.injector.PatchBuilder;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code gossamer injector certs}, and what the injector writes into pods passes {@code gossamer validate}'s phase
 * one (the same checks a sidecar runs at start), as do deploy/'s voter sidecar.yaml and injector.yaml.
 */
class InjectorCommandTest {

    @TempDir
    Path dir;

    private static final Map<String, String> POD_ENV = Map.of("POD_NAME", "orders-7d9f-x2x4k",
            "POD_NAMESPACE", "shop", "POD_IP", "10.1.2.3", "NODE_NAME", "node-a", "GOSSIP_KEY",
            "MDEyMzQ1Njc4OWFiY2RlZg==");

    @Test
    void certsWritesACaAndAServingCertificateAndPrintsTheCaBundle() throws Exception {
        InjectorCommand.Certs certs = new InjectorCommand.Certs();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        certs.stdout = new PrintStream(out, true, StandardCharsets.UTF_8);
        int exit = new CommandLine(certs).execute("--service", "inj", "--namespace", "mesh", "--out",
                dir.toString(), "--ip", "127.0.0.1");
        assertThat(exit).isZero();
        String bundle = out.toString(StandardCharsets.UTF_8).trim();
        String caPem = new String(Base64.getDecoder().decode(bundle), StandardCharsets.US_ASCII);
        assertThat(caPem).isEqualTo(Files.readString(dir.resolve("ca.crt")));
        CertificateFactory f = CertificateFactory.getInstance("X.509");
        X509Certificate ca = (X509Certificate) f.generateCertificate(Files.newInputStream(dir.resolve("ca.crt")));
        X509Certificate tls = (X509Certificate) f.generateCertificate(Files.newInputStream(dir.resolve("tls.crt")));
        tls.verify(ca.getPublicKey());
        assertThat(tls.getSubjectAlternativeNames().toString())
                .contains("inj.mesh.svc", "inj.mesh.svc.cluster.local", "127.0.0.1");
        assertThat(Files.readString(dir.resolve("tls.key"))).startsWith("-----BEGIN PRIVATE KEY-----");

        // A second run renews the serving certificate under the same CA: the registered caBundle stays valid.
        ByteArrayOutputStream again = new ByteArrayOutputStream();
        certs.stdout = new PrintStream(again, true, StandardCharsets.UTF_8);
        assertThat(new CommandLine(certs).execute("--out", dir.toString())).isZero();
        assertThat(again.toString(StandardCharsets.UTF_8).trim()).isEqualTo(bundle);
        X509Certificate renewed = (X509Certificate) f.generateCertificate(Files.newInputStream(dir.resolve("tls.crt")));
        assertThat(renewed).isNotEqualTo(tls);
        renewed.verify(ca.getPublicKey());
    }

    @Test
    void theInjectorNeedsACertificateAndAValidConfig() throws Exception {
        assertThat(Main.execute("injector", "--key", "k.pem")).isEqualTo(2);
        Path bad = dir.resolve("injector.yaml");
        Files.writeString(bad, "voters: [a@b:1, c@d:2]\nresources: {cpu_request: lots}\nimagee: x\n");
        assertThat(Main.execute("injector", "--cert", "c", "--key", "k", "--config", bad.toString())).isEqualTo(1);
    }

    private static int validate(Path file) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = ValidateCommand.validate(List.of(file), new ConfigValidator(new ConfigLoader(POD_ENV::get),
                Plans.RULES), new PrintStream(new ByteArrayOutputStream()), new PrintStream(err));
        assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isZero();
        return exit;
    }

    private String renderedFor(InjectorOptions options) throws Exception {
        JsonObject pod = new JsonObject()
                .put("metadata", new JsonObject().put("generateName", "orders-7d9f-")
                        .put("labels", new JsonObject().put("app", "orders")))
                .put("spec", new JsonObject().put("containers", new JsonArray().add(new JsonObject()
                        .put("name", "orders").put("ports", new JsonArray().add(new JsonObject().put("containerPort", 8080))))));
        Decision d = new PatchBuilder(options).decide(pod, true);
        assertThat(d.outcome()).isEqualTo(Decision.Outcome.INJECTED);
        for (Object op : d.patch()) {
            JsonObject o = (JsonObject) op;
            if (o.getString("path").equals("/metadata/annotations")) {
                return o.getJsonObject("value").getString(PatchBuilder.ANNOTATION_CONFIG);
            }
        }
        throw new AssertionError("no annotations in " + d.patch());
    }

    @Test
    void theSidecarYamlTheInjectorWritesPassesValidate() throws Exception {
        // With voters (deploy/'s injector.yaml): control, gossip seeds and key.
        Path root = Path.of("").toAbsolutePath().getParent();
        InjectorOptions deployed = InjectorOptions.from(InjectorConfig.parse(
                Files.readString(root.resolve("deploy/kubernetes/injector-config.yaml"))
                        + "gossip_key_secret: gossamer-gossip-key\n", "injector.yaml"));
        Path withVoters = dir.resolve("voters-sidecar.yaml");
        Files.writeString(withVoters, renderedFor(deployed));
        assertThat(Files.readString(withVoters)).contains("control:", "name: orders");
        validate(withVoters);

        // Without voters: mesh.yaml from the ConfigMap volume (here: a copy of deploy/'s next to it).
        String alone = renderedFor(InjectorOptions.defaults());
        assertThat(alone).contains("mesh_config: /etc/gossamer/mesh/mesh.yaml");
        Path mesh = dir.resolve("mesh.yaml");
        Files.copy(root.resolve("deploy/kubernetes/mesh.yaml"), mesh);
        Path single = dir.resolve("single-sidecar.yaml");
        Files.writeString(single, alone.replace("/etc/gossamer/mesh/mesh.yaml", "mesh.yaml"));
        validate(single);
    }

    @Test
    void deploysVoterSidecarYamlPassesValidate() throws Exception {
        Path root = Path.of("").toAbsolutePath().getParent();
        Files.copy(root.resolve("deploy/kubernetes/mesh.yaml"), dir.resolve("mesh.yaml"));
        Path voter = dir.resolve("voter.yaml");
        Files.writeString(voter, Files.readString(root.resolve("deploy/kubernetes/voter-sidecar.yaml"))
                .replace("${POD_NAME}", "gossamer-voter-1")
                .replace("/etc/gossamer/mesh/mesh.yaml", "mesh.yaml"));
        validate(voter);
    }
}
