package dev.gossamer.config;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * A route's retry policy ({@code routes[i].retries}), in Envoy's vocabulary. A retry goes to a different
 * endpoint when one exists. Retries are allowed while the number of retries in flight for the cluster is at
 * most {@code max(minRetryConcurrency, budgetPercent% of active requests)} (Envoy's retry budget).
 *
 * @param attempts           retries after the first try, 0..10 (0 disables)
 * @param retryOn            the outcomes that are retried
 * @param perTryTimeout      timeout of each try, >= 0; 0 means only the route timeout applies
 * @param budgetPercent      retry budget, 0..100
 * @param minRetryConcurrency retries always allowed regardless of the budget, >= 0
 * @param retryNonIdempotent also retry POST/PATCH (and other non-idempotent methods) after the request was
 *                           sent; a connect failure is always safe to retry
 */
public record RetryConfig(int attempts, Set<RetryOn> retryOn, Duration perTryTimeout, double budgetPercent,
                          int minRetryConcurrency, boolean retryNonIdempotent) {

    /** What outcome a retry policy retries; YAML spells them in lower case. */
    public enum RetryOn {
        /** The TCP connect failed or timed out: nothing was sent. */
        CONNECT_FAILURE,
        /** The upstream reset or closed the connection before a response. */
        RESET,
        /** 502, 503 or 504 from upstream. */
        GATEWAY_ERROR,
        /** Any 5xx from upstream, and timeouts of a try. */
        _5XX;

        /** The YAML spelling. */
        public String yamlName() {
            return this == _5XX ? "5xx" : name().toLowerCase(Locale.ROOT);
        }
    }

    /** Envoy's num_retries default: one retry hides a single bad endpoint. */
    public static final int DEFAULT_ATTEMPTS = 1;
    /** Transport failures only: a 5xx may be the application's answer; non-idempotent requests are still guarded. */
    public static final Set<RetryOn> DEFAULT_RETRY_ON = Set.of(RetryOn.CONNECT_FAILURE, RetryOn.RESET);
    /** No per-try timeout: each try may use what is left of the route timeout. */
    public static final Duration DEFAULT_PER_TRY_TIMEOUT = Duration.ZERO;
    /** Envoy's retry budget default: retries add at most 20% load. */
    public static final double DEFAULT_BUDGET_PERCENT = 20;
    /** Envoy's retry budget min_retry_concurrency default. */
    public static final int DEFAULT_MIN_RETRY_CONCURRENCY = 3;
    /** Retrying a POST that reached the upstream may duplicate its effect. */
    public static final boolean DEFAULT_RETRY_NON_IDEMPOTENT = false;

    /** The policy used when {@code retries:} is absent. */
    public static final RetryConfig DEFAULT = new RetryConfig(DEFAULT_ATTEMPTS, DEFAULT_RETRY_ON,
            DEFAULT_PER_TRY_TIMEOUT, DEFAULT_BUDGET_PERCENT, DEFAULT_MIN_RETRY_CONCURRENCY,
            DEFAULT_RETRY_NON_IDEMPOTENT);

    public RetryConfig {
        retryOn = retryOn.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(retryOn));
        Objects.requireNonNull(perTryTimeout, "perTryTimeout");
    }

    /** The YAML names of {@code retryOn}, sorted, e.g. for display. */
    public List<String> retryOnNames() {
        return retryOn.stream().map(RetryOn::yamlName).sorted().toList();
    }
}
