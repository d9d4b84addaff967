package dev.gossamer.injector;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PatchBuilderTest {

    private final PatchBuilder classic = new PatchBuilder(InjectorOptions.defaults());
    private final PatchBuilder nativeMode = new PatchBuilder(InjectorOptions.from(withNative()));

    private static InjectorConfig withNative() {
        return InjectorConfig.parse("native_sidecar: true\n"
                + "voters: [v0@gossamer-voter-0.gossamer-voters.gossamer-system.svc:7950]\n"
                + "seeds: [gossamer-voters.gossamer-system.svc:7946]\n"
                + "gossip_key_secret: gossamer-gossip-key\nadmin_token_secret: gossamer-admin-token\n", "injector.yaml");
    }

    private static JsonObject injected(PatchBuilder b, JsonObject pod) {
        Decision d = b.decide(pod, true);
        assertThat(d.outcome()).as(d.reason()).isEqualTo(Decision.Outcome.INJECTED);
        return Pods.apply(pod, d.patch());
    }

    @Test
    void aBarePodGetsAnnotationsVolumesAndTheSidecarFirst() {
        JsonObject pod = injected(classic, Pods.bare());
        JsonObject annotations = pod.getJsonObject("metadata").getJsonObject("annotations");
        assertThat(annotations.getString(PatchBuilder.ANNOTATION_STATUS)).isEqualTo("injected");
        assertThat(annotations.getString(PatchBuilder.ANNOTATION_CONFIG)).contains("node:", "${POD_NAME}");
        JsonArray containers = pod.getJsonObject("spec").getJsonArray("containers");
        assertThat(containers.size()).isEqualTo(2);
        JsonObject sidecar = containers.getJsonObject(0);
        assertThat(sidecar.getString("name")).isEqualTo("gossamer");
        assertThat(containers.getJsonObject(1).getString("name")).isEqualTo("app");
        assertThat(sidecar.getString("image")).startsWith("gossamer:");
        assertThat(sidecar.getJsonObject("lifecycle").getJsonObject("postStart").encode()).contains("/ready");
        assertThat(sidecar.getJsonObject("lifecycle").getJsonObject("preStop").encode()).contains("/admin/drain");
        assertThat(sidecar.getJsonObject("readinessProbe").getJsonObject("httpGet").getString("path")).isEqualTo("/ready");
        assertThat(sidecar.getJsonObject("livenessProbe").getJsonObject("httpGet").getString("path")).isEqualTo("/live");
        assertThat(sidecar.getJsonObject("resources").encode()).contains("\"cpu\":\"100m\"", "\"memory\":\"128Mi\"", "\"memory\":\"256Mi\"");
        assertThat(sidecar.getJsonArray("env").encode()).contains("POD_NAME", "POD_NAMESPACE", "POD_IP", "NODE_NAME",
                "status.podIP", "spec.nodeName");
        assertThat(pod.getJsonObject("spec").getJsonArray("volumes").encode())
                .contains("gossamer-config", "metadata.annotations['gossamer.io/sidecar-config']", "gossamer-mesh",
                        "gossamer-tmp");
        assertThat(pod.getJsonObject("spec").containsKey("initContainers")).isFalse();
        assertThat(pod.getJsonObject("metadata").containsKey("labels")).isFalse();
    }

    @Test
    void aFullPodKeepsWhatItHadAndGainsTheSidecar() {
        JsonObject before = Pods.full();
        JsonObject pod = injected(classic, before);
        JsonObject md = pod.getJsonObject("metadata");
        assertThat(md.containsKey("name")).as("a generateName pod has no name yet").isFalse();
        assertThat(md.getJsonObject("annotations").getString("team")).isEqualTo("payments");
        assertThat(md.getJsonObject("annotations").getString(PatchBuilder.ANNOTATION_STATUS)).isEqualTo("injected");
        JsonArray volumes = pod.getJsonObject("spec").getJsonArray("volumes");
        assertThat(volumes.getJsonObject(0).getString("name")).isEqualTo("cache");
        assertThat(volumes.size()).isEqualTo(4);
        assertThat(pod.getJsonObject("spec").getJsonArray("initContainers").size()).isEqualTo(1);
        // The service comes from the app label and the first port.
        assertThat(md.getJsonObject("annotations").getString(PatchBuilder.ANNOTATION_CONFIG))
                .contains("name: orders", "port: 8080");
    }

    @Test
    void nativeModePutsTheSidecarFirstAmongInitContainersWithRestartPolicyAlways() {
        for (JsonObject before : List.of(Pods.bare(), Pods.full())) {
            JsonObject pod = injected(nativeMode, before);
            JsonArray init = pod.getJsonObject("spec").getJsonArray("initContainers");
            JsonObject sidecar = init.getJsonObject(0);
            assertThat(sidecar.getString("name")).isEqualTo("gossamer");
            assertThat(sidecar.getString("restartPolicy")).isEqualTo("Always");
            assertThat(sidecar.getJsonObject("startupProbe").getJsonObject("httpGet").getString("path")).isEqualTo("/ready");
            assertThat(sidecar.getJsonObject("lifecycle").containsKey("postStart")).isFalse();
            assertThat(init.size()).isEqualTo(before.getJsonObject("spec").getJsonArray("initContainers", new JsonArray()).size() + 1);
            assertThat(pod.getJsonObject("spec").getJsonArray("containers").getJsonObject(0).getString("name"))
                    .isNotEqualTo("gossamer");
            // Voters: an emptyDir for the data, the token and gossip key secrets, no mesh ConfigMap.
            String volumes = pod.getJsonObject("spec").getJsonArray("volumes").encode();
            assertThat(volumes).contains("gossamer-data", "gossamer-admin-token").doesNotContain("gossamer-mesh");
            assertThat(sidecar.getJsonArray("env").encode()).contains("GOSSIP_KEY", "gossamer-gossip-key");
            String yaml = pod.getJsonObject("metadata").getJsonObject("annotations").getString(PatchBuilder.ANNOTATION_CONFIG);
            assertThat(yaml).contains("control:", "data_dir: /var/lib/gossamer", "token_file: /etc/gossamer/token/token",
                    "gossamer-voters.gossamer-system.svc:7946", "${GOSSIP_KEY}");
        }
    }

    @Test
    void anInjectedPodIsNeverInjectedAgain() {
        JsonObject once = injected(classic, Pods.full());
        Decision again = classic.decide(once, true);
        assertThat(again.outcome()).isEqualTo(Decision.Outcome.SKIPPED);
        assertThat(again.patch()).isNull();
        assertThat(again.reason()).contains("already injected");
    }

    @Test
    void theNamespaceDecidesUnlessThePodSays() {
        assertThat(classic.decide(Pods.bare(), false).outcome()).isEqualTo(Decision.Outcome.SKIPPED);
        assertThat(classic.decide(annotated(Pods.bare(), "true"), false).outcome()).isEqualTo(Decision.Outcome.INJECTED);
        assertThat(classic.decide(annotated(Pods.bare(), "false"), true).outcome()).isEqualTo(Decision.Outcome.SKIPPED);
        assertThat(classic.decide(annotated(Pods.full(), "false"), true).reason()).contains("opted out");
        Decision typo = classic.decide(annotated(Pods.bare(), "yes"), true);
        assertThat(typo.outcome()).isEqualTo(Decision.Outcome.REFUSED);
        assertThat(typo.reason()).contains("gossamer.io/inject: \"yes\"", "expected: \"true\" or \"false\"");
    }

    @Test
    void aContainerAlreadyNamedLikeTheSidecarIsRefusedClearly() {
        JsonObject pod = Pods.bare();
        pod.getJsonObject("spec").getJsonArray("containers").getJsonObject(0).put("name", "gossamer");
        Decision d = classic.decide(pod, true);
        assertThat(d.outcome()).isEqualTo(Decision.Outcome.REFUSED);
        assertThat(d.allowed()).isFalse();
        assertThat(d.reason()).contains("already has a container named 'gossamer'", "gossamer.io/inject: \"false\"");
        JsonObject init = Pods.full();
        init.getJsonObject("spec").getJsonArray("initContainers").getJsonObject(0).put("name", "gossamer");
        assertThat(classic.decide(init, true).outcome()).isEqualTo(Decision.Outcome.REFUSED);
        JsonObject volume = Pods.full();
        volume.getJsonObject("spec").getJsonArray("volumes").getJsonObject(0).put("name", "gossamer-config");
        assertThat(classic.decide(volume, true).reason()).contains("volume named 'gossamer-config'");
    }

    @Test
    void resourcesComeFromAnnotationsWithDefaults() {
        JsonObject pod = Pods.full();
        pod.getJsonObject("metadata").getJsonObject("annotations")
                .put(PatchBuilder.ANNOTATION_CPU_REQUEST, "250m").put(PatchBuilder.ANNOTATION_CPU_LIMIT, "1")
                .put(PatchBuilder.ANNOTATION_MEMORY_LIMIT, "1Gi");
        JsonObject resources = injected(classic, pod).getJsonObject("spec").getJsonArray("containers")
                .getJsonObject(0).getJsonObject("resources");
        assertThat(resources.getJsonObject("requests").getString("cpu")).isEqualTo("250m");
        assertThat(resources.getJsonObject("requests").getString("memory")).isEqualTo("128Mi");
        assertThat(resources.getJsonObject("limits").getString("cpu")).isEqualTo("1");
        assertThat(resources.getJsonObject("limits").getString("memory")).isEqualTo("1Gi");

        JsonObject bad = Pods.full();
        bad.getJsonObject("metadata").getJsonObject("annotations").put(PatchBuilder.ANNOTATION_MEMORY_REQUEST, "lots");
        Decision d = classic.decide(bad, true);
        assertThat(d.outcome()).isEqualTo(Decision.Outcome.REFUSED);
        assertThat(d.reason()).contains("gossamer.io/memory-request: \"lots\"", "quantity");
    }

    @Test
    void servicesComeFromTheAnnotationOrTheAppLabelAndPort() {
        JsonObject pod = Pods.full();
        pod.getJsonObject("metadata").getJsonObject("annotations").put(PatchBuilder.ANNOTATION_SERVICES, "orders:8080, orders-admin:9090");
        String yaml = injected(classic, pod).getJsonObject("metadata").getJsonObject("annotations")
                .getString(PatchBuilder.ANNOTATION_CONFIG);
        assertThat(yaml).contains("name: orders\n", "port: 8080", "name: orders-admin", "port: 9090");

        JsonObject client = Pods.bare(); // no label, no port: a pure client
        String clientYaml = injected(classic, client).getJsonObject("metadata").getJsonObject("annotations")
                .getString(PatchBuilder.ANNOTATION_CONFIG);
        assertThat(clientYaml).contains("services: []");

        JsonObject wrong = Pods.full();
        wrong.getJsonObject("metadata").getJsonObject("annotations").put(PatchBuilder.ANNOTATION_SERVICES, "Orders:99999");
        assertThat(classic.decide(wrong, true).reason()).contains("gossamer.io/services", "'Orders'");
    }

    @Test
    void annotationKeysAreEscapedInPatchPaths() {
        JsonArray patch = classic.decide(Pods.full(), true).patch();
        assertThat(patch.encode()).contains("/metadata/annotations/gossamer.io~1status");
        assertThat(PatchBuilder.escape("a~b/c")).isEqualTo("a~0b~1c");
    }

    @Test
    void explicitNullsAreTreatedAsAbsent() {
        JsonObject pod = Pods.bare();
        pod.getJsonObject("metadata").putNull("annotations");
        pod.getJsonObject("spec").putNull("volumes");
        JsonObject out = injected(classic, pod);
        assertThat(out.getJsonObject("metadata").getJsonObject("annotations").getString(PatchBuilder.ANNOTATION_STATUS))
                .isEqualTo("injected");
        assertThat(Optional.ofNullable(out.getJsonObject("spec").getJsonArray("volumes")).map(JsonArray::size)).contains(3);
    }

    private static JsonObject annotated(JsonObject pod, String inject) {
        JsonObject md = pod.getJsonObject("metadata");
        JsonObject a = md.getJsonObject("annotations", new JsonObject());
        a.put(PatchBuilder.ANNOTATION_INJECT, inject);
        md.put("annotations", a);
        return pod;
    }
}
