package dev.gossamer.proxy;

/**
 * Why an {@link Upstream} refused a try without trying: a cluster's circuit breaker ({@link CircuitBreakers}) is at its
 * limit. Heard through {@link Upstream.Listener#onConnectFailure}; the exchange answers 503 and charges no endpoint.
 * One shared instance per breaker, without a stack trace: an overflow is load, not a bug, and must stay cheap.
 */
final class BreakerOverflow extends RuntimeException {

    static final BreakerOverflow MAX_CONNECTIONS = new BreakerOverflow(CircuitBreakers.Breaker.MAX_CONNECTIONS);
    static final BreakerOverflow MAX_PENDING_REQUESTS =
            new BreakerOverflow(CircuitBreakers.Breaker.MAX_PENDING_REQUESTS);

    final CircuitBreakers.Breaker breaker;

    private BreakerOverflow(CircuitBreakers.Breaker breaker) {
        super("circuit breaker " + breaker.key(), null, false, false);
        this.breaker = breaker;
    }
}
