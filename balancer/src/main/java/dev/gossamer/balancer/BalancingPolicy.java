package dev.gossamer.balancer;

import java.util.List;

/**
 * A stateless balancing algorithm that builds immutable {@link Picker}s. The static factories name the policies;
 * implementations are package-private.
 *
 * <p>Threading: {@link #newPicker} may be called from any thread, off the request path; it may be expensive
 * (Maglev builds a 65537-entry table).
 */
public interface BalancingPolicy {

    /**
     * Builds a picker over {@code endpoints} (which may be empty: the picker then answers "no healthy endpoint").
     * Endpoint ids must be unique.
     *
     * @param load the live in-flight counts, read by load-aware policies; {@link ActiveRequests#none()} otherwise
     */
    Picker newPicker(List<Endpoint> endpoints, ActiveRequests load);

    /** Short name as used in configuration, e.g. {@code round_robin}. */
    String name();
}
