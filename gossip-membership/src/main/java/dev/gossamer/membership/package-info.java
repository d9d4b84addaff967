/**
 * Gossip membership: SWIM failure detection and dissemination with the Lifeguard refinements, in the design of
 * HashiCorp memberlist, encrypted with AES-GCM, and simulated at scale.
 *
 * <p>Starting points:
 * <ul>
 *   <li>{@link dev.gossamer.membership.Membership} — what the sidecar starts: {@code Membership.start(vertx,
 *       options, localMember, bindHost, bindPort, ticker, random, registry)}, then {@code members()},
 *       {@code addListener(..)}, {@code updateMetadata(..)}, {@code leave(..)}, {@code localHealth()}.</li>
 *   <li>{@link dev.gossamer.membership.MembershipOptions} — profiles {@code lan()}, {@code wan()}, {@code local()}
 *       and every tunable, the only owner of their defaults and ranges ({@code Builder.problems()} reports every
 *       broken rule keyed by its YAML name); {@link dev.gossamer.membership.Keyring} — AES-GCM keys with
 *       rotation.</li>
 *   <li>{@link dev.gossamer.membership.Member}, {@link dev.gossamer.membership.Metadata},
 *       {@link dev.gossamer.membership.ServiceEndpoint}, {@link dev.gossamer.membership.MembershipEvent} — the
 *       immutable snapshot and event types.</li>
 *   <li>{@link dev.gossamer.membership.SwimNode} — the sans-IO protocol state machine (probe, ping-req, nack,
 *       suspicion, refutation, piggybacked gossip, push-pull, join, leave), driven by an injected
 *       {@link dev.gossamer.common.Scheduler} and {@link dev.gossamer.common.RandomSource}; its formulas
 *       (suspicion bounds and shrinking, retransmit limit, push-pull scaling, join backoff) are pure functions in
 *       {@code SwimMath}, memberlist's {@code util.go}.</li>
 *   <li>{@link dev.gossamer.membership.Transport} with {@link dev.gossamer.membership.VertxTransport} (UDP + TCP)
 *       and {@link dev.gossamer.membership.SimulatedNetwork} (loss, delay, partitions, pauses, crashes on a fake
 *       clock).</li>
 *   <li>Wire format: {@code WireCodec} (versioned, bounds-checked, compound packets ≤ 1400 bytes), with every
 *       rejected input counted by {@link dev.gossamer.membership.DropReason}.</li>
 * </ul>
 */
package dev.gossamer.membership;
