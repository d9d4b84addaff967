package dev.gossamer.injector;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.json.Json;
import jakarta.json.JsonPatch;
import jakarta.json.JsonStructure;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Pods of every shape for the tests, and the API server's part: applying a JSONPatch (RFC 6902, Parsson). */
final class Pods {

    private Pods() {
    }

    /** The smallest valid Pod: one container, nothing else (no annotations, labels, volumes, initContainers). */
    static JsonObject bare() {
        return new JsonObject()
                .put("apiVersion", "v1").put("kind", "Pod")
                .put("metadata", new JsonObject().put("name", "bare").put("namespace", "app"))
                .put("spec", new JsonObject().put("containers", new JsonArray().add(
                        new JsonObject().put("name", "app").put("image", "busybox"))));
    }

    /** A ReplicaSet's pod: generateName, labels, a port, annotations, volumes and an init container. */
    static JsonObject full() {
        return new JsonObject()
                .put("apiVersion", "v1").put("kind", "Pod")
                .put("metadata", new JsonObject().put("generateName", "orders-7d9f-").put("namespace", "app")
                        .put("labels", new JsonObject().put("app.kubernetes.io/name", "orders"))
                        .put("annotations", new JsonObject().put("team", "payments")))
                .put("spec", new JsonObject()
                        .put("initContainers", new JsonArray().add(
                                new JsonObject().put("name", "migrate").put("image", "busybox")))
                        .put("containers", new JsonArray().add(new JsonObject().put("name", "orders")
                                .put("image", "orders:1")
                                .put("ports", new JsonArray().add(new JsonObject().put("containerPort", 8080)))))
                        .put("volumes", new JsonArray().add(new JsonObject().put("name", "cache")
                                .put("emptyDir", new JsonObject()))));
    }

    /** {@code pod} with {@code patch} applied, as the API server does; throws when a path does not exist. */
    static JsonObject apply(JsonObject pod, JsonArray patch) {
        JsonPatch p = Json.createPatch(Json.createReader(new StringReader(patch.encode())).readArray());
        JsonStructure target = Json.createReader(new StringReader(pod.encode())).read();
        return new JsonObject(p.apply(target).toString());
    }

    /** The patch of an AdmissionReview response. */
    static JsonArray patchOf(JsonObject review) {
        String b64 = review.getJsonObject("response").getString("patch");
        return new JsonArray(new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8));
    }

    /** An AdmissionReview request for {@code pod}. */
    static JsonObject review(String uid, JsonObject pod) {
        return new JsonObject().put("apiVersion", "admission.k8s.io/v1").put("kind", "AdmissionReview")
                .put("request", new JsonObject().put("uid", uid)
                        .put("kind", new JsonObject().put("group", "").put("version", "v1").put("kind", "Pod"))
                        .put("resource", new JsonObject().put("group", "").put("version", "v1").put("resource", "pods"))
                        .put("namespace", "app").put("operation", "CREATE").put("object", pod));
    }
}
