package dev.gossamer.injector;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class AdmissionHandlerTest {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AdmissionHandler handler = new AdmissionHandler(new PatchBuilder(InjectorOptions.defaults()), registry);

    private double count(String outcome) {
        return registry.get("gossamer_injector_reviews").tag("outcome", outcome).counter().count();
    }

    @Test
    void aPodCreateGetsABase64JsonPatchAndItsUidEchoed() {
        JsonObject out = handler.review(Pods.review("uid-1", Pods.bare()).toBuffer(), true);
        assertThat(out.getString("apiVersion")).isEqualTo("admission.k8s.io/v1");
        assertThat(out.getString("kind")).isEqualTo("AdmissionReview");
        JsonObject response = out.getJsonObject("response");
        assertThat(response.getString("uid")).isEqualTo("uid-1");
        assertThat(response.getBoolean("allowed")).isTrue();
        assertThat(response.getString("patchType")).isEqualTo("JSONPatch");
        JsonObject patched = Pods.apply(Pods.bare(), Pods.patchOf(out));
        assertThat(patched.getJsonObject("spec").getJsonArray("containers").getJsonObject(0).getString("name"))
                .isEqualTo("gossamer");
        assertThat(count("injected")).isEqualTo(1);
    }

    @Test
    void aDryRunGetsTheSameAnswer() {
        JsonObject review = Pods.review("uid-dry", Pods.bare());
        review.getJsonObject("request").put("dryRun", true);
        JsonObject dry = handler.review(review.toBuffer(), true);
        JsonObject real = handler.review(Pods.review("uid-real", Pods.bare()).toBuffer(), true);
        assertThat(dry.getJsonObject("response").getString("uid")).isEqualTo("uid-dry");
        assertThat(Pods.patchOf(dry)).isEqualTo(Pods.patchOf(real));
    }

    @Test
    void malformedReviewsAreAllowedWithoutAPatchAndCounted() {
        for (String body : new String[] {"", "{", "[1,2]", "null", "{\"request\": 5}",
                "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{}}"}) {
            JsonObject out = handler.review(Buffer.buffer(body), true);
            JsonObject response = out.getJsonObject("response");
            assertThat(response.getBoolean("allowed")).as(body).isTrue();
            assertThat(response.containsKey("patch")).as(body).isFalse();
        }
        assertThat(count("malformed")).isEqualTo(6);
        JsonObject wrongVersion = Pods.review("uid-v1beta1", Pods.bare()).put("apiVersion", "admission.k8s.io/v1beta1");
        JsonObject out = handler.review(wrongVersion.toBuffer(), true);
        assertThat(out.getJsonObject("response").getString("uid")).isEqualTo("uid-v1beta1");
        assertThat(out.getJsonObject("response").containsKey("patch")).isFalse();
        JsonObject notAnObject = Pods.review("uid-x", Pods.bare());
        notAnObject.getJsonObject("request").put("object", "a string");
        assertThat(handler.review(notAnObject.toBuffer(), true).getJsonObject("response").getBoolean("allowed")).isTrue();
        assertThat(count("malformed")).isEqualTo(8);
    }

    @Test
    void otherKindsAndOperationsAreIgnored() {
        JsonObject deployment = Pods.review("uid-d", new JsonObject().put("kind", "Deployment"));
        deployment.getJsonObject("request").getJsonObject("kind").put("group", "apps").put("kind", "Deployment");
        JsonObject update = Pods.review("uid-u", Pods.bare());
        update.getJsonObject("request").put("operation", "UPDATE");
        for (JsonObject r : new JsonObject[] {deployment, update}) {
            JsonObject response = handler.review(r.toBuffer(), true).getJsonObject("response");
            assertThat(response.getBoolean("allowed")).isTrue();
            assertThat(response.containsKey("patch")).isFalse();
        }
        assertThat(count("ignored")).isEqualTo(2);
    }

    @Test
    void aRefusalIsNotAllowedAndSaysWhy() {
        JsonObject pod = Pods.bare();
        pod.getJsonObject("spec").getJsonArray("containers").getJsonObject(0).put("name", "gossamer");
        JsonObject response = handler.review(Pods.review("uid-r", pod).toBuffer(), true).getJsonObject("response");
        assertThat(response.getBoolean("allowed")).isFalse();
        assertThat(response.getString("uid")).isEqualTo("uid-r");
        assertThat(response.getJsonObject("status").getString("message")).contains("gossamer injector:", "named 'gossamer'");
        assertThat(count("refused")).isEqualTo(1);
    }

    @Test
    void aBugInThePatchBuilderAllowsThePodWithoutASidecar() {
        AdmissionHandler buggy = new AdmissionHandler((pod, ns) -> {
            throw new IllegalStateException("a bug");
        }, registry);
        JsonObject response = buggy.review(Pods.review("uid-b", Pods.bare()).toBuffer(), true).getJsonObject("response");
        assertThat(response.getString("uid")).isEqualTo("uid-b");
        assertThat(response.getBoolean("allowed")).isTrue();
        assertThat(response.containsKey("patch")).isFalse();
        assertThat(count("malformed")).isEqualTo(1);
    }
}
