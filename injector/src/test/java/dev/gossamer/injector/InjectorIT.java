package dev.gossamer.injector;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gossamer.common.Ticker;
import dev.gossamer.common.testing.Await;
import dev.gossamer.vertx.VertxScheduler;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The injector against a real kube-apiserver 1.20.2 (one per class: it takes seconds to start). The webhooks are
 * deploy/kubernetes/webhook.yaml's own (selectors, failure policies, reinvocation), with the service reference
 * replaced by {@code url: https://127.0.0.1:PORT/...} and the test CA as caBundle: no service networking here.
 * There is no kubelet: pods stay Pending, which is all admission needs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InjectorIT {

    private static final Duration WAIT = Duration.ofSeconds(90);

    private Path dir;

    private KubeApi kube;
    private Vertx vertx;
    private WebhookServer injector;
    private Process controllerManager;
    private PrometheusMeterRegistry registry;
    private Path certs;

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("gossamer-injector-it");
        kube = KubeApi.start(List.of());
        vertx = Vertx.vertx();
        certs = dir.resolve("certs");
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Certificates.Issued issued = Certificates.issue(certs, List.of("localhost"), List.of("127.0.0.1"),
                Instant.now(), Duration.ofDays(1));
        injector = WebhookServer.start(vertx, new VertxScheduler(vertx, Ticker.system()), InjectorOptions.defaults(),
                registry, "127.0.0.1", 0, certs.resolve("tls.crt"),
                certs.resolve("tls.key"), CertReloader.DEFAULT_INTERVAL)
                .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        kube.kubectl(webhooks(issued.caBundle(), injector.port()).encode(), "apply", "-f", "-").ok();
        // Two webhooks on a port nothing listens on: the injector down, with each failure policy.
        int dead;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            dead = s.getLocalPort();
        }
        kube.kubectl(downWebhooks(issued.caBundle(), dead).encode(), "apply", "-f", "-").ok();
        namespace("injected", Map.of("gossamer.io/inject", "enabled"));
        namespace("plain", Map.of());
        namespace("down-fail", Map.of("gossamer-it/down", "fail"));
        namespace("down-ignore", Map.of("gossamer-it/down", "ignore"));
        Path kcm = kube.binDir().resolve("kube-controller-manager");
        if (Files.isExecutable(kcm)) {
            controllerManager = new ProcessBuilder(kcm.toString(), "--kubeconfig", kube.kubeconfig().toString(),
                    "--controllers=deployment,replicaset", "--leader-elect=false", "--port=0", "--secure-port=0")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("kcm.log").toFile()).start();
        }
    }

    @AfterAll
    void stop() throws Exception {
        if (controllerManager != null) {
            controllerManager.destroy();
            controllerManager.waitFor(30, TimeUnit.SECONDS);
        }
        if (injector != null) {
            injector.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
        if (kube != null) {
            kube.close();
        }
    }

    /** deploy/kubernetes/webhook.yaml with each service reference replaced by a URL on this machine. */
    private static JsonObject webhooks(String caBundle, int port) throws IOException {
        Path file = KubeApi.repoRoot().resolve("deploy/kubernetes/webhook.yaml");
        @SuppressWarnings("unchecked")
        Map<String, Object> doc = (Map<String, Object>) new Load(LoadSettings.builder().build())
                .loadFromString(Files.readString(file));
        JsonObject config = new JsonObject(doc);
        for (Object w : config.getJsonArray("webhooks")) {
            JsonObject hook = (JsonObject) w;
            String path = hook.getJsonObject("clientConfig").getJsonObject("service").getString("path");
            hook.put("clientConfig", new JsonObject().put("url", "https://127.0.0.1:" + port + path)
                    .put("caBundle", caBundle));
        }
        return config;
    }

    private static JsonObject downWebhooks(String caBundle, int port) {
        JsonArray hooks = new JsonArray();
        for (String policy : List.of("Fail", "Ignore")) {
            hooks.add(new JsonObject()
                    .put("name", policy.toLowerCase() + ".down.gossamer.io")
                    .put("admissionReviewVersions", new JsonArray().add("v1"))
                    .put("clientConfig", new JsonObject().put("url", "https://127.0.0.1:" + port + "/inject")
                            .put("caBundle", caBundle))
                    .put("rules", new JsonArray().add(new JsonObject()
                            .put("operations", new JsonArray().add("CREATE")).put("apiGroups", new JsonArray().add(""))
                            .put("apiVersions", new JsonArray().add("v1")).put("resources", new JsonArray().add("pods"))))
                    .put("namespaceSelector", new JsonObject().put("matchLabels",
                            new JsonObject().put("gossamer-it/down", policy.toLowerCase())))
                    .put("sideEffects", "None")
                    .put("failurePolicy", policy)
                    .put("timeoutSeconds", 5));
        }
        return new JsonObject().put("apiVersion", "admissionregistration.k8s.io/v1")
                .put("kind", "MutatingWebhookConfiguration")
                .put("metadata", new JsonObject().put("name", "gossamer-it-down"))
                .put("webhooks", hooks);
    }

    private void namespace(String name, Map<String, String> labels) {
        JsonObject ns = new JsonObject().put("apiVersion", "v1").put("kind", "Namespace")
                .put("metadata", new JsonObject().put("name", name).put("labels", new JsonObject(new java.util.HashMap<>(labels))));
        kube.kubectl(ns.encode(), "apply", "-f", "-").ok();
    }

    private static JsonObject pod(String name, Map<String, String> annotations) {
        JsonObject md = new JsonObject().put("name", name);
        if (!annotations.isEmpty()) {
            md.put("annotations", new JsonObject(new java.util.HashMap<>(annotations)));
        }
        return new JsonObject().put("apiVersion", "v1").put("kind", "Pod").put("metadata", md)
                .put("spec", new JsonObject().put("containers", new JsonArray().add(new JsonObject()
                        .put("name", "app").put("image", "busybox")
                        .put("ports", new JsonArray().add(new JsonObject().put("containerPort", 8080))))));
    }

    private JsonObject create(String namespace, JsonObject pod, String... extra) {
        List<String> args = new ArrayList<>(List.of("create", "-n", namespace, "-o", "json", "-f", "-"));
        args.addAll(List.of(extra));
        return new JsonObject(kube.kubectl(pod.encode(), args.toArray(String[]::new)).ok().out());
    }

    private static List<String> containers(JsonObject pod) {
        List<String> names = new ArrayList<>();
        for (Object c : pod.getJsonObject("spec").getJsonArray("containers")) {
            names.add(((JsonObject) c).getString("name"));
        }
        return names;
    }

    private static String status(JsonObject pod) {
        JsonObject a = pod.getJsonObject("metadata").getJsonObject("annotations");
        return a == null ? null : a.getString(PatchBuilder.ANNOTATION_STATUS);
    }

    @Test
    void aPodWithoutAnnotationsInALabelledNamespaceGetsTheSidecarFirst() {
        JsonObject pod = create("injected", pod("web", Map.of()));
        assertThat(containers(pod)).containsExactly("gossamer", "app");
        assertThat(status(pod)).isEqualTo("injected");
        JsonObject sidecar = pod.getJsonObject("spec").getJsonArray("containers").getJsonObject(0);
        assertThat(sidecar.getJsonObject("lifecycle").getJsonObject("postStart")).isNotNull();
        assertThat(pod.getJsonObject("spec").getJsonArray("volumes").encode()).contains("gossamer-config");
    }

    @Test
    void theAnnotationOptsOutInALabelledNamespace() {
        JsonObject pod = create("injected", pod("opted-out", Map.of("gossamer.io/inject", "false")));
        assertThat(containers(pod)).containsExactly("app");
        assertThat(status(pod)).isNull();
    }

    @Test
    void inAnUnlabelledNamespaceOnlyAnAnnotatedPodIsInjected() {
        assertThat(containers(create("plain", pod("not-asked", Map.of())))).containsExactly("app");
        assertThat(containers(create("plain", pod("asked", Map.of("gossamer.io/inject", "true")))))
                .containsExactly("gossamer", "app");
    }

    @Test
    void anInjectedPodIsNotInjectedTwice() {
        JsonObject first = create("injected", pod("first", Map.of()));
        // Re-create it from what the API server stored (as a controller re-creating a pod from a template would).
        JsonObject copy = first.copy();
        JsonObject md = copy.getJsonObject("metadata");
        for (String k : List.of("uid", "resourceVersion", "creationTimestamp", "managedFields", "selfLink")) {
            md.remove(k);
        }
        md.put("name", "second");
        copy.remove("status");
        JsonObject second = create("injected", copy);
        assertThat(containers(second)).containsExactly("gossamer", "app");
    }

    @Test
    void aServerDryRunIsInjectedAndCreatesNothing() {
        JsonObject dry = create("injected", pod("dry", Map.of()), "--dry-run=server");
        assertThat(containers(dry)).containsExactly("gossamer", "app");
        KubeApi.Result get = kube.kubectl(null, "get", "pod", "dry", "-n", "injected");
        assertThat(get.exit()).isNotZero();
        assertThat(get.err()).contains("NotFound");
    }

    @Test
    void aPodWithAContainerNamedLikeTheSidecarIsRefusedWithTheReason() {
        JsonObject pod = pod("clash", Map.of());
        pod.getJsonObject("spec").getJsonArray("containers").getJsonObject(0).put("name", "gossamer");
        KubeApi.Result r = kube.kubectl(pod.encode(), "create", "-n", "injected", "-f", "-");
        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).contains("gossamer injector:", "already has a container named 'gossamer'");
    }

    @Test
    void theInjectorDownBlocksPodsWithFailurePolicyFailAndNotWithIgnore() {
        KubeApi.Result fail = kube.kubectl(pod("blocked", Map.of()).encode(), "create", "-n", "down-fail", "-f", "-");
        assertThat(fail.exit()).isNotZero();
        assertThat(fail.err()).contains("fail.down.gossamer.io");
        JsonObject ignored = create("down-ignore", pod("passes", Map.of()));
        assertThat(containers(ignored)).containsExactly("app");
    }

    @Test
    void theApiServersCallsKeepWorkingAcrossACertificateRotation() throws Exception {
        // As cert-manager renews: a new serving certificate from the same CA, written over the old files. (The API
        // server may reuse a connection made before; WebhookServerTest shows new connections get the new one.)
        Certificates.issue(certs, List.of("localhost"), List.of("127.0.0.1"), Instant.now(), Duration.ofDays(2));
        Await.until("the injector reloads the rotated certificate", WAIT,
                () -> registry.get("gossamer_injector_cert_reloads").tag("result", "ok").counter().count() >= 1);
        assertThat(containers(create("injected", pod("after-rotation", Map.of())))).containsExactly("gossamer", "app");
    }

    @Test
    void podsCreatedByADeploymentAreInjected() {
        org.junit.jupiter.api.Assumptions.assumeTrue(controllerManager != null,
                "kube-controller-manager not built (KUBE_CONTROLLER_MANAGER=0)");
        JsonObject deployment = new JsonObject().put("apiVersion", "apps/v1").put("kind", "Deployment")
                .put("metadata", new JsonObject().put("name", "orders"))
                .put("spec", new JsonObject().put("replicas", 2)
                        .put("selector", new JsonObject().put("matchLabels", new JsonObject().put("app", "orders")))
                        .put("template", new JsonObject()
                                .put("metadata", new JsonObject().put("labels", new JsonObject().put("app", "orders")))
                                .put("spec", pod("unused", Map.of()).getJsonObject("spec"))));
        kube.kubectl(deployment.encode(), "apply", "-n", "injected", "-f", "-").ok();
        JsonArray[] pods = new JsonArray[1];
        Await.until("the Deployment's 2 pods exist", WAIT, () -> {
            KubeApi.Result r = kube.kubectl(null, "get", "pods", "-n", "injected", "-l", "app=orders", "-o", "json");
            pods[0] = r.exit() == 0 ? new JsonObject(r.out()).getJsonArray("items") : new JsonArray();
            return pods[0].size() == 2;
        });
        for (Object p : pods[0]) {
            JsonObject pod = (JsonObject) p;
            assertThat(pod.getJsonObject("metadata").getString("generateName")).startsWith("orders-");
            assertThat(containers(pod)).containsExactly("gossamer", "app");
            assertThat(pod.getJsonObject("metadata").getJsonObject("annotations")
                    .getString(PatchBuilder.ANNOTATION_CONFIG)).contains("name: orders", "port: 8080");
        }
    }
}
