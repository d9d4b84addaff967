/**
 * Balancing policies and immutable pickers; pure Java + Guava, never Vert.x.
 *
 * <p>Starting points: {@link dev.gossamer.balancer.BalancingPolicy} (a stateless policy that builds pickers),
 * {@link dev.gossamer.balancer.Picker} (an immutable snapshot, picked from on the hot path),
 * {@link dev.gossamer.balancer.Endpoint}, {@link dev.gossamer.balancer.PickContext},
 * {@link dev.gossamer.balancer.PickResult}, {@link dev.gossamer.balancer.ActiveRequests}.
 */
package dev.gossamer.balancer;
