package dev.gossamer.balancer;

import java.util.List;

/**
 * An immutable snapshot that chooses an endpoint for each request. Built by a {@link BalancingPolicy} from an
 * endpoint list; rebuilt and swapped (never mutated) when the list or a weight changes.
 *
 * <p>Threading: {@link #pick} is called concurrently from every event loop and must be lock-free. It may read
 * the live {@link ActiveRequests} view it was built with and, for round robin, one atomic counter.
 */
public interface Picker {

    /** Chooses an endpoint, or says why there is none (an empty endpoint list). Never throws. */
    PickResult pick(PickContext context);

    /** The endpoints this picker chooses among, in the order given to the policy. */
    List<Endpoint> endpoints();
}
