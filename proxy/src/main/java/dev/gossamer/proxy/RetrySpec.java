package dev.gossamer.proxy;

import dev.gossamer.common.OptionRules;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * How a route retries. Immutable.
 *
 * <p>Retry budget (Envoy's {@code retry_budget}, Linkerd's budget): at any time the retries in flight to a cluster
 * may not exceed {@code max(minRetryConcurrency, budgetPercent% of the cluster's active requests)}; a retry that
 * would exceed it is not made and {@code gossamer.retry.budget.exhausted} counts it. Retries after a connect
 * failure are outside the budget (bounded only by {@code attempts}): the try never reached a server, and the
 * refusing endpoint is marked down at once, so they cannot amplify load.
 *
 * @param attempts            total tries including the first, 1..{@link #MAX_ATTEMPTS} (1 = never retry)
 * @param retryOn             the failures that may be retried
 * @param perTryTimeout       time a single try may wait for response headers; {@link Duration#ZERO} = only the
 *                            route timeout applies
 * @param budgetPercent       retries in flight as a percentage of active requests, 0..100
 * @param minRetryConcurrency retries always allowed in flight regardless of the percentage, >= 0
 * @param retryNonIdempotent  retry 5xx / gateway errors / per-try timeouts for POST, PATCH, ... too
 */
public record RetrySpec(int attempts, Set<RetryOn> retryOn, Duration perTryTimeout, int budgetPercent,
                        int minRetryConcurrency, boolean retryNonIdempotent) {

    /** Two tries: enough to step around one dead endpoint without multiplying load (Linkerd's default is 1 retry). */
    public static final int DEFAULT_ATTEMPTS = 2;
    /** The first try plus at most 10 retries (the YAML's {@code attempts} bound): more only deepens an outage. */
    public static final int MAX_ATTEMPTS = 11;
    /** Envoy's and Linkerd's default budget: retries may add at most 20% load. */
    public static final int DEFAULT_BUDGET_PERCENT = 20;
    /** Envoy's default min_retry_concurrency: a quiet cluster still gets a few retries. */
    public static final int DEFAULT_MIN_RETRY_CONCURRENCY = 3;
    /** Beyond this the budget never limits anything: a typo. */
    public static final int MAX_MIN_RETRY_CONCURRENCY = 100_000;

    /** No retries. */
    public static final RetrySpec NONE = new RetrySpec(1, Set.of(), Duration.ZERO, DEFAULT_BUDGET_PERCENT,
            DEFAULT_MIN_RETRY_CONCURRENCY, false);

    /** The default: two tries on connect failure and reset, budget on. */
    public static final RetrySpec DEFAULT = new RetrySpec(DEFAULT_ATTEMPTS,
            EnumSet.of(RetryOn.CONNECT_FAILURE, RetryOn.RESET), Duration.ZERO, DEFAULT_BUDGET_PERCENT,
            DEFAULT_MIN_RETRY_CONCURRENCY, false);

    public RetrySpec {
        retryOn = Set.copyOf(Objects.requireNonNull(retryOn, "retryOn"));
        Objects.requireNonNull(perTryTimeout, "perTryTimeout");
        // Users write retries after the first try (Envoy's num_retries, YAML `attempts`); this record counts tries.
        new OptionRules()
                .check(attempts >= 1 && attempts <= MAX_ATTEMPTS, "attempts", (attempts - 1)
                        + " (expected: 0.." + (MAX_ATTEMPTS - 1) + " retries after the first try)")
                .nonNegative("per_try_timeout", perTryTimeout)
                .range("budget_percent", budgetPercent, 0, 100)
                .range("min_retry_concurrency", minRetryConcurrency, 0, MAX_MIN_RETRY_CONCURRENCY)
                .throwIfAny();
    }

    /** Retries on {@code on} with {@code attempts} tries and defaults for the rest. */
    public static RetrySpec of(int attempts, RetryOn... on) {
        Set<RetryOn> set = on.length == 0 ? Set.of() : EnumSet.of(on[0], on);
        return new RetrySpec(attempts, set, Duration.ZERO, DEFAULT_BUDGET_PERCENT, DEFAULT_MIN_RETRY_CONCURRENCY,
                false);
    }

    public RetrySpec withPerTryTimeout(Duration d) {
        return new RetrySpec(attempts, retryOn, d, budgetPercent, minRetryConcurrency, retryNonIdempotent);
    }

    public RetrySpec withBudget(int percent, int minConcurrency) {
        return new RetrySpec(attempts, retryOn, perTryTimeout, percent, minConcurrency, retryNonIdempotent);
    }

    public RetrySpec withRetryNonIdempotent(boolean value) {
        return new RetrySpec(attempts, retryOn, perTryTimeout, budgetPercent, minRetryConcurrency, value);
    }
}
