package dev.gossamer.injector;

import io.vertx.core.json.JsonArray;
import java.util.Objects;

/**
 * What the injector answers for one Pod: inject (with the JSONPatch), skip (no patch, allowed), or refuse (not
 * allowed, with a message the user sees in {@code kubectl}'s error).
 *
 * @param outcome what happened, also the {@code outcome} tag of {@code gossamer_injector_reviews_total}
 * @param patch   the JSONPatch when injecting, else {@code null}
 * @param reason  why, in a sentence (logged; the refusal message)
 */
public record Decision(Outcome outcome, JsonArray patch, String reason) {

    /** The outcomes, as counted. */
    public enum Outcome {
        INJECTED, SKIPPED, REFUSED, IGNORED, MALFORMED;

        /** The metric tag value. */
        public String tag() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public Decision {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(reason, "reason");
        if ((outcome == Outcome.INJECTED) != (patch != null)) {
            throw new IllegalArgumentException("a patch goes with INJECTED only");
        }
    }

    static Decision inject(JsonArray patch, String reason) {
        return new Decision(Outcome.INJECTED, patch, reason);
    }

    static Decision skip(String reason) {
        return new Decision(Outcome.SKIPPED, null, reason);
    }

    static Decision refuse(String reason) {
        return new Decision(Outcome.REFUSED, null, reason);
    }

    /** Whether the API server may create the pod. */
    public boolean allowed() {
        return outcome != Outcome.REFUSED;
    }
}
