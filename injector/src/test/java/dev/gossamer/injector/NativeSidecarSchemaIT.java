package dev.gossamer.injector;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gossamer.common.testing.Tools;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * kube-apiserver 1.20 does not know native sidecars (an init container's {@code restartPolicy}), so InjectorIT cannot
 * check that mode: here the patched Pods are validated against a recent Kubernetes schema, npm's
 * {@code kubernetes-models} 4.5.1 (its Container has {@code restartPolicy} and its lifecycle handlers {@code sleep},
 * fields of 1.28 and 1.29; validated with ajv). Its schema does not reject unknown fields: this checks types and
 * required fields, not spelling.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NativeSidecarSchemaIT {

    private Path nodeModules;
    private Path script;
    private Path node;

    @BeforeAll
    void install() throws IOException {
        node = Tools.debian("node", "nodejs");
        nodeModules = Tools.npm("kubernetes-models", "4.5.1");
        script = Files.createTempFile("validate-pod", ".js");
        Files.writeString(script, """
                const { Pod } = require("kubernetes-models/v1");
                const obj = JSON.parse(require("fs").readFileSync(0, "utf8"));
                try { new Pod(obj).validate(); console.log("valid"); }
                catch (e) { console.log("invalid: " + e.message); process.exit(1); }
                """);
    }

    private String validate(JsonObject pod) {
        KubeApi.Result r = KubeApi.run(List.of(node.toString(), script.toString()), pod.encode(), nodeModules);
        return r.out().trim() + r.err().trim();
    }

    private static JsonObject patched(InjectorOptions options, JsonObject pod) {
        Decision d = new PatchBuilder(options).decide(pod, true);
        assertThat(d.outcome()).isEqualTo(Decision.Outcome.INJECTED);
        JsonObject out = Pods.apply(pod, d.patch());
        if (!out.getJsonObject("metadata").containsKey("name")) {
            out.getJsonObject("metadata").put("name", "orders-7d9f-abcde"); // what the API server assigns
        }
        return out;
    }

    @Test
    void nativeAndClassicInjectedPodsAreValidPodsOfARecentKubernetes() {
        InjectorOptions nativeMode = InjectorOptions.from(InjectorConfig.parse("native_sidecar: true\n"
                + "voters: [v0@gossamer-voter-0.gossamer-voters.gossamer-system.svc:7950]\n"
                + "gossip_key_secret: k\nadmin_token_secret: t\n", "injector.yaml"));
        for (JsonObject pod : List.of(Pods.bare(), Pods.full())) {
            JsonObject nat = patched(nativeMode, pod.copy());
            assertThat(nat.getJsonObject("spec").getJsonArray("initContainers").getJsonObject(0)
                    .getString("restartPolicy")).isEqualTo("Always");
            assertThat(validate(nat)).isEqualTo("valid");
            assertThat(validate(patched(InjectorOptions.defaults(), pod.copy()))).isEqualTo("valid");
        }
    }

    @Test
    void theSchemaKnowsNativeSidecarsSoTheCheckCanFail() {
        JsonObject pod = patched(InjectorOptions.from(InjectorConfig.parse("native_sidecar: true", "i.yaml")), Pods.bare());
        pod.getJsonObject("spec").getJsonArray("initContainers").getJsonObject(0).put("restartPolicy", 5);
        assertThat(validate(pod)).startsWith("invalid:").contains("restartPolicy");
        JsonObject badPort = patched(InjectorOptions.defaults(), Pods.bare());
        badPort.getJsonObject("spec").getJsonArray("containers").getJsonObject(0).put("ports",
                new io.vertx.core.json.JsonArray().add(new JsonObject().put("containerPort", "eighty")));
        assertThat(validate(badPort)).startsWith("invalid:").contains("containerPort");
    }
}
