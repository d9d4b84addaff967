package dev.gossamer.balancer;

import dev.gossamer.common.RandomSource;
import java.util.List;
import java.util.Objects;

/**
 * A stateless balancing algorithm that builds immutable {@link Picker}s. The static factories name the policies;
 * implementations are package-private.
 *
 * <p>Every picker: returns {@code PickResult.noEndpoint("no healthy endpoint")} when built over no endpoints;
 * honours {@link PickContext#excluded()} (a retry gets a different endpoint whenever one is left, and the best
 * excluded one when none is); and is lock-free and safe to call from any number of threads.
 *
 * <p>Threading: {@link #newPicker} may be called from any thread, off the request path; it may be expensive
 * (Maglev builds a 65537-entry table, a ring of 100 endpoints hashes 409,600 points).
 */
public interface BalancingPolicy {

    /**
     * Builds a picker over {@code endpoints} (which may be empty: the picker then answers "no healthy endpoint").
     * Endpoint ids must be unique.
     *
     * @param load the live in-flight counts, read by load-aware policies; {@link ActiveRequests#none()} otherwise
     * @throws IllegalArgumentException on duplicate ids, or more endpoints than a Maglev table has slots
     */
    Picker newPicker(List<Endpoint> endpoints, ActiveRequests load);

    /** {@link #newPicker(List, ActiveRequests)} without a load view. */
    default Picker newPicker(List<Endpoint> endpoints) {
        return newPicker(endpoints, ActiveRequests.none());
    }

    /** Short name as used in configuration, e.g. {@code round_robin}. */
    String name();

    /** {@link #roundRobin(RandomSource)} with production randomness (only the start offset is random). */
    static BalancingPolicy roundRobin() {
        return roundRobin(RandomSource.threadLocal());
    }

    /**
     * {@code round_robin}: nginx's smooth weighted round robin. Exactly fair over a cycle of {@code S} picks
     * ({@code S} = sum of the weights divided by their gcd) and without bursts: the heavy endpoint's picks are
     * spread across the cycle instead of coming back to back. Equal weights give plain rotation.
     *
     * <p>Worked example, weights a=5, b=1, c=1 (current weights before → after the pick):
     * <pre>
     * pick  current before   chosen  after (chosen − 7)
     *  1    ( 5,  1,  1)      a      (−2,  1,  1)
     *  2    ( 3,  2,  2)      a      (−4,  2,  2)
     *  3    ( 1,  3,  3)      b      ( 1, −4,  3)
     *  4    ( 6, −3,  4)      a      (−1, −3,  4)
     *  5    ( 4, −2,  5)      c      ( 4, −2, −2)
     *  6    ( 9, −1, −1)      a      ( 2, −1, −1)
     *  7    ( 7,  0,  0)      a      ( 0,  0,  0)   → a a b a c a a, then the cycle repeats
     * </pre>
     * (a plain weighted round robin would send a a a a a b c).
     *
     * <p>The cycle is precomputed when the picker is built and indexed with one atomic counter, so picks are
     * lock-free. Cycles longer than 65,536 picks use an exactly-fair golden-ratio interleaving instead of the nginx
     * sequence (see {@code RoundRobinPicker}). The counter starts at a random point of the cycle (drawn from
     * {@code random}) so sidecars that rebuild at the same moment do not all start on the same endpoint.
     * A retry walks on along the cycle to the next endpoint not excluded.
     */
    static BalancingPolicy roundRobin(RandomSource random) {
        Objects.requireNonNull(random, "random");
        return new Policy("round_robin", null, (eps, load) -> new RoundRobinPicker(eps, random));
    }

    /** {@link #random(RandomSource)} with production randomness. */
    static BalancingPolicy random() {
        return random(RandomSource.threadLocal());
    }

    /**
     * {@code random}: weighted random, O(1) per pick with Vose's alias method. For weights a=5, b=1, c=1 every pick
     * is a with probability 5/7 and b, c with 1/7 each, independently of earlier picks. A retry re-draws up to
     * 8 times, then takes the first endpoint after the drawn one that is not excluded.
     */
    static BalancingPolicy random(RandomSource random) {
        Objects.requireNonNull(random, "random");
        return new Policy("random", null, (eps, load) -> new RandomPicker(eps, random));
    }

    /** {@link #ringHash(RingHashOptions, RandomSource)} with production randomness (used only without a key). */
    static BalancingPolicy ringHash(RingHashOptions options) {
        return ringHash(options, RandomSource.threadLocal());
    }

    /**
     * {@code ring_hash} (consistent hashing, Karger et al.): endpoint i owns points at the hashes of
     * {@code "<id>_0" … "<id>_(p_i−1)"}, {@code p_i} in proportion to its weight (4096 for an average endpoint by
     * default, see {@link RingHashOptions}); a request goes to the owner of the first point at or after its hash key.
     *
     * <p>Example: with endpoints x, y, z on the ring and a key hashing just before one of y's points, the key goes
     * to y. Remove y and the key moves to whichever point comes next; keys of x and z do not move at all.
     *
     * <p>The mapping is a pure function of the endpoint ids, their weights and the key (input order does not
     * matter). Without a hash key the pick is random (from {@code random}), weighted by ring share. A retry or a
     * full endpoint (bounded load) walks on to the next point's owner.
     */
    static BalancingPolicy ringHash(RingHashOptions options, RandomSource random) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(random, "random");
        return new Policy("ring_hash", options, (eps, load) -> new RingHashPicker(eps, load, options, random));
    }

    /** {@link #maglev(MaglevOptions, RandomSource)} with production randomness (used only without a key). */
    static BalancingPolicy maglev(MaglevOptions options) {
        return maglev(options, RandomSource.threadLocal());
    }

    /**
     * {@code maglev} (Eisenbud et al., NSDI 2016; weighted as in Envoy): a prime-sized lookup table, built by letting
     * endpoints claim slots in turn along their own permutation; a request goes to {@code table[key mod size]}.
     *
     * <p>Example, table size 7, endpoints a (offset 3, skip 4) and b (offset 0, skip 2): a's preference order is
     * 3, 0, 4, 1, 5, 2, 6 and b's is 0, 2, 4, 6, 1, 3, 5. Turns: a→3, b→0, a→4 (0 taken), b→2, a→1, b→6 (4 taken), a→5, giving
     * the table {@code [b, a, b, a, a, a, b]}. Each endpoint gets an almost equal number of slots (weighted: in
     * proportion to weight), and a pick is one array read.
     *
     * <p>Balance is better and lookup faster than a ring; the price is a small disruption: removing an endpoint also
     * moves a few slots between the remaining endpoints (measured: well under 1 % of keys for 10..100 endpoints).
     * A pure function of ids, weights and key. Without a key the pick is random; a retry or a full endpoint
     * (bounded load) walks on to the next slot.
     */
    static BalancingPolicy maglev(MaglevOptions options, RandomSource random) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(random, "random");
        return new Policy("maglev", options, (eps, load) -> new MaglevPicker(eps, load, options, random));
    }

    /** {@link #leastRequest(LeastRequestOptions, RandomSource)} with production randomness. */
    static BalancingPolicy leastRequest(LeastRequestOptions options) {
        return leastRequest(options, RandomSource.threadLocal());
    }

    /**
     * {@code least_request}: power of d choices (d = {@code choiceCount}, default 2) over the live
     * {@link ActiveRequests}. Candidates are drawn in proportion to weight; the one with the lowest
     * {@code active^bias / weight} wins, ties to the first drawn.
     *
     * <p>Example, equal weights, in flight a=3, b=0, c=1: draw (a, c) → c; draw (b, a) → b; draw (a, a) → a. An idle
     * cluster therefore behaves like weighted random, and a loaded one steers away from the busier candidate.
     *
     * <p>Envoy gives each endpoint the effective weight {@code weight / (active + 1)^bias} in an EDF schedule; an EDF
     * schedule is shared mutable state (Envoy keeps one per worker thread), so this lock-free picker uses the same
     * ratio as a cost between weighted candidates instead. Retries skip excluded candidates.
     */
    static BalancingPolicy leastRequest(LeastRequestOptions options, RandomSource random) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(random, "random");
        return new Policy("least_request", options,
                (eps, load) -> new LeastRequestPicker(eps, load, options, random));
    }
}
