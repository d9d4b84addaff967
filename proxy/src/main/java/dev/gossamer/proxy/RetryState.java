package dev.gossamer.proxy;

import io.vertx.core.http.HttpMethod;
import java.util.Objects;
import java.util.Set;

/**
 * Whether a failed try of one request may be retried: the route's {@link RetrySpec}, the tries made so far, the
 * request's method and whether its body can still be replayed. Envoy keeps this decision in {@code RetryStateImpl},
 * apart from the router that moves bytes; so does Gossamer, so that it is table-tested without sockets.
 *
 * <p>The answer is a {@link Decision}:
 * <ul>
 *   <li>{@link Decision#REQUEUE}: a connect failure. The try never reached a server, so retrying adds no upstream
 *       work, and the refusing endpoint is marked down so later picks avoid it: Finagle's requeue, outside the retry
 *       budget (bounded only by {@code attempts}).</li>
 *   <li>{@link Decision#RETRY_IF_BUDGET}: retriable; the caller takes a token from the cluster's retry budget
 *       (Envoy's {@code retry_budget}) and retries only if it gets one.</li>
 *   <li>{@link Decision#NO}: tries used up, a body that can no longer be replayed, an outcome the route does not
 *       retry, or a 5xx or timeout of a non-idempotent request the route does not allow to repeat.</li>
 * </ul>
 *
 * <p>Example, route {@code attempts: 2, retry_on: [gateway_error]}: a {@code GET} that got 503 → RETRY_IF_BUDGET;
 * a {@code POST} that got 503 → NO (it reached the application); a {@code POST} refused at connect → REQUEUE only if
 * {@code connect_failure} is listed, else NO; a {@code GET} whose second try got 503 → NO (two tries made).
 *
 * <p>A gRPC outcome ({@link TryOutcome#grpcStatus()} set: a trailers-only response) is judged on its
 * {@code grpc-status} alone: {@code retry_on: [unavailable]} retries {@code grpc-status: 14} → RETRY_IF_BUDGET, for
 * any method; {@code gateway_error} does not apply to it.
 *
 * <p>Not thread-safe: one per request, on its event loop.
 */
final class RetryState {

    /** What may happen after a failed try. */
    enum Decision { NO, REQUEUE, RETRY_IF_BUDGET }

    private final RetrySpec spec;
    private final boolean idempotent;
    private int tries;

    RetryState(RetrySpec spec, HttpMethod method) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.idempotent = spec.retryNonIdempotent() || idempotent(method);
    }

    /** A try is starting. */
    void started() {
        tries++;
    }

    /** Tries started so far. */
    int tries() {
        return tries;
    }

    /** Whether this request can be retried at all (so which endpoints it tried is worth remembering). */
    boolean retries() {
        return spec.attempts() > 1;
    }

    /**
     * What may follow the failed try that ended with {@code outcome}; {@code replayable} says whether the request
     * body sent so far is still in the replay buffer.
     */
    Decision decide(TryOutcome outcome, boolean replayable) {
        if (tries >= spec.attempts() || !replayable) {
            return Decision.NO;
        }
        Set<RetryOn> on = spec.retryOn();
        if (outcome.grpcStatus() >= 0) {
            // A gRPC call's answer is its grpc-status alone (the HTTP 200 carrying it says nothing): retried when
            // the route names the code, whatever the method (gRPC is always POST), as Envoy's grpc retry_on.
            for (RetryOn r : on) {
                if (r.grpcStatus() == outcome.grpcStatus()) {
                    return Decision.RETRY_IF_BUDGET;
                }
            }
            return Decision.NO;
        }
        return switch (outcome.kind()) {
            case CONNECT_FAILURE -> on.contains(RetryOn.CONNECT_FAILURE) ? Decision.REQUEUE : Decision.NO;
            case RESET -> on.contains(RetryOn.RESET) ? Decision.RETRY_IF_BUDGET : Decision.NO;
            case TIMEOUT -> idempotent && (on.contains(RetryOn.GATEWAY_ERROR) || on.contains(RetryOn.SERVER_ERROR_5XX))
                    ? Decision.RETRY_IF_BUDGET : Decision.NO;
            case HTTP_5XX -> idempotent && (on.contains(RetryOn.SERVER_ERROR_5XX) || (on.contains(RetryOn.GATEWAY_ERROR)
                    && outcome.status() >= 502 && outcome.status() <= 504)) ? Decision.RETRY_IF_BUDGET : Decision.NO;
            case SUCCESS -> Decision.NO;
        };
    }

    /** RFC 9110 §9.2.2's idempotent methods (CONNECT and PATCH are not; POST is not). */
    static boolean idempotent(HttpMethod m) {
        return m == HttpMethod.GET || m == HttpMethod.HEAD || m == HttpMethod.OPTIONS || m == HttpMethod.PUT
                || m == HttpMethod.DELETE || m == HttpMethod.TRACE;
    }
}
