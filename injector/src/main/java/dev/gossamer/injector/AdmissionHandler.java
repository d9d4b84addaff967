package dev.gossamer.injector;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.EnumMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers one {@code admission.k8s.io/v1} AdmissionReview: the request's {@code uid} echoed, and for a Pod CREATE
 * the {@link PatchBuilder}'s decision as a base64 JSONPatch. Sans-IO: a body in, a review out, so the server only
 * moves bytes.
 *
 * <p>Anything but a well-formed Pod CREATE (malformed JSON, another kind, another operation, an injector bug) is
 * answered {@code allowed: true} with no patch, logged and counted: the injector never blocks a pod's creation
 * unless the user chose {@code failurePolicy: Fail} and the injector is unreachable. {@code dryRun} reviews get the
 * same answer as real ones: the injector has no side effects ({@code sideEffects: None}).
 *
 * <p>Metrics: {@code gossamer_injector_reviews_total{outcome=injected|skipped|refused|ignored|malformed}}.
 *
 * <p>Thread-safe.
 */
public final class AdmissionHandler {

    private static final Logger log = LoggerFactory.getLogger(AdmissionHandler.class);
    static final String API_VERSION = "admission.k8s.io/v1";

    /** Decides for one pod: the PatchBuilder, or in tests anything (a throwing one stands in for a bug). */
    interface Decider {
        Decision decide(JsonObject pod, boolean namespaceEnabled);
    }

    private final Decider patches;
    private final Map<Decision.Outcome, Counter> counters = new EnumMap<>(Decision.Outcome.class);

    public AdmissionHandler(PatchBuilder patches, MeterRegistry registry) {
        this(patches::decide, registry);
    }

    AdmissionHandler(Decider patches, MeterRegistry registry) {
        this.patches = patches;
        for (Decision.Outcome o : Decision.Outcome.values()) {
            counters.put(o, Counter.builder("gossamer_injector_reviews")
                    .description("AdmissionReviews answered, by outcome")
                    .tag("outcome", o.tag())
                    .register(registry));
        }
    }

    /**
     * The AdmissionReview answering {@code body}.
     *
     * @param namespaceEnabled whether the calling webhook is the one for namespaces labelled
     *                         {@code gossamer.io/inject=enabled}
     */
    public JsonObject review(Buffer body, boolean namespaceEnabled) {
        Object decoded;
        try {
            decoded = Json.decodeValue(body);
        } catch (DecodeException e) {
            return answer(null, malformed("not JSON: " + firstLine(e.getMessage())), null);
        }
        if (!(decoded instanceof JsonObject review)) {
            return answer(null, malformed("not a JSON object"), null);
        }
        Object requestValue = review.getValue("request");
        if (!(requestValue instanceof JsonObject request)) {
            return answer(null, malformed("no request object"), null);
        }
        Object uidValue = request.getValue("uid");
        String uid = uidValue instanceof String s ? s : null;
        if (uid == null || uid.isEmpty()) {
            return answer(null, malformed("request.uid missing"), null);
        }
        if (!API_VERSION.equals(review.getValue("apiVersion")) || !"AdmissionReview".equals(review.getValue("kind"))) {
            return answer(uid, malformed("apiVersion/kind " + review.getValue("apiVersion") + "/"
                    + review.getValue("kind") + " (expected: " + API_VERSION + "/AdmissionReview)"), null);
        }
        JsonObject kind = request.getValue("kind") instanceof JsonObject k ? k : new JsonObject();
        if (!"Pod".equals(kind.getValue("kind")) || !"".equals(kind.getValue("group", ""))
                || !"CREATE".equals(request.getValue("operation"))) {
            return answer(uid, counted(new Decision(Decision.Outcome.IGNORED, null, "not a Pod CREATE: "
                    + kind.getValue("kind") + " " + request.getValue("operation"))), null);
        }
        if (!(request.getValue("object") instanceof JsonObject pod)) {
            return answer(uid, malformed("request.object is not a Pod object"), null);
        }
        String where = request.getString("namespace", "?") + "/" + podName(pod);
        Decision decision;
        try {
            decision = patches.decide(pod, namespaceEnabled);
        } catch (RuntimeException e) {
            // A bug of ours must not block pods: allow without a patch, loudly.
            log.warn("injector failed on pod {}; allowed without a sidecar", where, e);
            decision = new Decision(Decision.Outcome.MALFORMED, null, "injector error: " + e);
        }
        counted(decision);
        boolean dryRun = Boolean.TRUE.equals(request.getValue("dryRun"));
        if (decision.outcome() == Decision.Outcome.REFUSED) {
            log.info("pod {}: refused: {}", where, decision.reason());
        } else {
            log.debug("pod {}{}: {}", where, dryRun ? " (dry run)" : "", decision.reason());
        }
        return answer(uid, decision, decision.patch() == null ? null
                : Base64.getEncoder().encodeToString(decision.patch().encode().getBytes(StandardCharsets.UTF_8)));
    }

    private static String podName(JsonObject pod) {
        JsonObject md = pod.getValue("metadata") instanceof JsonObject m ? m : new JsonObject();
        Object name = md.getValue("name");
        return name != null ? String.valueOf(name) : md.getValue("generateName", "") + "*";
    }

    private Decision malformed(String why) {
        log.warn("malformed AdmissionReview, allowed without a patch: {}", why);
        return counted(new Decision(Decision.Outcome.MALFORMED, null, why));
    }

    private Decision counted(Decision d) {
        counters.get(d.outcome()).increment();
        return d;
    }

    private static JsonObject answer(String uid, Decision decision, String patch) {
        JsonObject response = new JsonObject().put("uid", uid == null ? "" : uid).put("allowed", decision.allowed());
        if (patch != null) {
            response.put("patchType", "JSONPatch").put("patch", patch);
        }
        if (!decision.allowed()) {
            response.put("status", new JsonObject().put("code", 403).put("message",
                    "gossamer injector: " + decision.reason()));
        }
        return new JsonObject().put("apiVersion", API_VERSION).put("kind", "AdmissionReview").put("response", response);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
