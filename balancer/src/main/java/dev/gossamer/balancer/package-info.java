/**
 * Balancing policies and immutable pickers; pure Java + Guava, never Vert.x.
 *
 * <p>Starting points: {@link dev.gossamer.balancer.BalancingPolicy} (a stateless policy that builds pickers; its
 * static factories name the policies: {@code roundRobin}, {@code random}, {@code ringHash}, {@code maglev},
 * {@code leastRequest}), {@link dev.gossamer.balancer.Picker} (an immutable snapshot, picked from on the hot path),
 * {@link dev.gossamer.balancer.Endpoint}, {@link dev.gossamer.balancer.PickContext},
 * {@link dev.gossamer.balancer.PickResult}, {@link dev.gossamer.balancer.ActiveRequests}.
 *
 * <p>Options: {@link dev.gossamer.balancer.RingHashOptions}, {@link dev.gossamer.balancer.MaglevOptions},
 * {@link dev.gossamer.balancer.LeastRequestOptions}. Hash keys: {@link dev.gossamer.balancer.HashKeys}.
 * Health helpers: {@link dev.gossamer.balancer.EndpointSelection} (usable endpoints, panic threshold) and
 * {@link dev.gossamer.balancer.SlowStart} (weight ramp for new endpoints).
 */
package dev.gossamer.balancer;
