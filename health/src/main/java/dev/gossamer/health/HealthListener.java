package dev.gossamer.health;

/**
 * Told when a target's active-health state changes.
 *
 * <p>Called on the thread that delivered the deciding probe result (the checker's scheduler thread in
 * production), never while the checker holds its lock, one call at a time per target and in order. Keep it
 * short: typically rebuild a picker off the request path and swap it in.
 */
@FunctionalInterface
public interface HealthListener {

    /**
     * @param reason a short explanation for logs, such as {@code "3 consecutive failures (last: timeout: ...)"}
     */
    void onChange(HealthTarget target, HealthState oldState, HealthState newState, String reason);
}
