package dev.gossamer.balancer;

/**
 * Options of {@link BalancingPolicy#leastRequest(LeastRequestOptions) least_request}. Immutable; the canonical
 * constructor validates every argument at once.
 *
 * @param choiceCount       candidates drawn per pick (Envoy's {@code choice_count}); 2 is "power of two choices"
 * @param activeRequestBias how strongly load counts against weight (Envoy's {@code active_request_bias}): a
 *                          candidate's cost is {@code active^bias / weight}; 0 ignores load (weighted random)
 */
public record LeastRequestOptions(int choiceCount, double activeRequestBias) {

    /** Envoy's default: two choices already give exponentially better max load than one (Mitzenmacher). */
    public static final int DEFAULT_CHOICE_COUNT = 2;

    /** Envoy's default bias. */
    public static final double DEFAULT_ACTIVE_REQUEST_BIAS = 1.0;

    /** Most candidates per pick; beyond this a full scan would be cheaper. */
    public static final int MAX_CHOICE_COUNT = 100;

    public LeastRequestOptions {
        Problems problems = new Problems();
        problems.check(choiceCount >= 2 && choiceCount <= MAX_CHOICE_COUNT, "choice_count", choiceCount,
                "2.." + MAX_CHOICE_COUNT);
        problems.check(activeRequestBias >= 0.0 && activeRequestBias <= 100.0, "active_request_bias",
                activeRequestBias, "0.0..100.0");
        problems.throwIfAny();
    }

    /** Envoy's defaults: two choices, bias 1.0. */
    public static LeastRequestOptions defaults() {
        return new LeastRequestOptions(DEFAULT_CHOICE_COUNT, DEFAULT_ACTIVE_REQUEST_BIAS);
    }

    /** The same options with another choice count. */
    public LeastRequestOptions withChoiceCount(int count) {
        return new LeastRequestOptions(count, activeRequestBias);
    }

    /** The same options with another bias. */
    public LeastRequestOptions withActiveRequestBias(double bias) {
        return new LeastRequestOptions(choiceCount, bias);
    }
}
