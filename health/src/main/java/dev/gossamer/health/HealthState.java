package dev.gossamer.health;

/**
 * The active-health state of one target, as decided by {@link ActiveHealthChecker}.
 *
 * <p>Only {@link #HEALTHY} is routable. A new target starts {@link #UNKNOWN}, which is Envoy's
 * {@code PENDING_ACTIVE_HC}: not routed to until its first probe passes. The first probe decides at once (one
 * success makes it healthy, one failure unhealthy, as Envoy does at startup); after that
 * {@code healthy_threshold} / {@code unhealthy_threshold} consecutive results are needed to flip.
 */
public enum HealthState {
    /** No probe has finished yet; not routable (Envoy: pending first health check). */
    UNKNOWN,
    /** The last probes passed; routable. */
    HEALTHY,
    /** The last probes failed; not routable unless the balancer is in panic mode. */
    UNHEALTHY;

    /** Whether the proxy may send traffic to a target in this state (outside panic mode). */
    public boolean routable() {
        return this == HEALTHY;
    }
}
