package dev.gossamer.balancer;

import java.util.Set;

/**
 * What a picker may know about one request: its hash key (for consistent hashing) and the endpoints it must
 * avoid (those a retry already tried). Immutable.
 *
 * <p>Hash keys are 64-bit values from {@link HashKeys}; every sidecar hashes the same key bytes to the same value,
 * so the mapping from key to endpoint is the same everywhere.
 */
public final class PickContext {

    private static final PickContext EMPTY = new PickContext(false, 0L, Set.of());

    private final boolean hasHashKey;
    private final long hashKey;
    private final Set<Endpoint> excluded;

    private PickContext(boolean hasHashKey, long hashKey, Set<Endpoint> excluded) {
        this.hasHashKey = hasHashKey;
        this.hashKey = hashKey;
        this.excluded = excluded;
    }

    /** No hash key, nothing excluded. */
    public static PickContext empty() {
        return EMPTY;
    }

    /** A request with the given hash key. */
    public static PickContext withHashKey(long hashKey) {
        return new PickContext(true, hashKey, Set.of());
    }

    /** The same context, avoiding {@code tried} (a retry must go to a different endpoint where there is one). */
    public PickContext excluding(Set<Endpoint> tried) {
        return new PickContext(hasHashKey, hashKey, Set.copyOf(tried));
    }

    public boolean hasHashKey() {
        return hasHashKey;
    }

    /** The key's hash; meaningful only when {@link #hasHashKey()}. */
    public long hashKey() {
        return hashKey;
    }

    /** Endpoints to avoid; a picker still returns one of them when nothing else is left. */
    public Set<Endpoint> excluded() {
        return excluded;
    }
}
