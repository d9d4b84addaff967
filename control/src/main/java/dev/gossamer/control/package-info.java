/**
 * The Raft-elected config leader: the mesh config committed through Apache Ratis, versioned, with compare-and-set,
 * history, rollback and snapshots, readable and writable from any node.
 *
 * <h2>Starting points</h2>
 * <ul>
 *   <li>{@link dev.gossamer.control.ControlNode}: one voter (a Ratis server on its {@code id@host:port}, its log and
 *       snapshots under {@code data_dir/raft}); {@code onApplied} reports each new version applied here, for the
 *       sidecar to apply and announce.</li>
 *   <li>{@link dev.gossamer.control.ControlClient}: async reads and writes from any node, voter or plain sidecar;
 *       outcomes as {@link dev.gossamer.control.WriteResult} values ({@code Committed}, {@code Rejected},
 *       {@code Conflict}); {@code leaderInfo()} for {@code GET /admin/leader}.</li>
 *   <li>{@link dev.gossamer.control.ControlOptions}: voters, data dir, TLS, timeouts; every default with its reason,
 *       every rule reported at once.</li>
 *   <li>{@link dev.gossamer.control.MeshValidator}: phase one of the sidecar, handed in as a function.</li>
 *   <li>{@code MeshConfigStateMachine} (package-private): the history as a Ratis state machine.</li>
 * </ul>
 *
 * <h2>Choices</h2>
 * <ul>
 *   <li><b>Validation in {@code startTransaction}</b>, on the leader, before the log: an invalid config never enters
 *       the log (the log index does not move), so no voter and no sidecar ever sees it. Ratis carries the refusal to
 *       the client as a state-machine exception, turned back into {@code Rejected(problems)}. A rollback is resolved
 *       to its text there too and validated again: rules may have changed since that version was written.</li>
 *   <li><b>Compare-and-set at apply time</b>: {@code ifVersion} is compared with the latest version when the entry is
 *       applied, in log order, so every voter decides alike and of two writers on one version exactly one wins; the
 *       other gets {@code Conflict(currentVersion)}. Checking at {@code startTransaction} instead would race with
 *       entries already in the log but not yet applied. An unchanged text (same SHA-256 as the latest) commits
 *       nothing new and answers the current version.</li>
 *   <li><b>Commit time from the entry</b>: the leader stamps its {@code WallClock} into the entry; applying never
 *       reads a clock, so the history is identical, byte for byte, on every voter.</li>
 *   <li><b>Election timeouts 300–600 ms</b> (see {@link dev.gossamer.control.ControlOptions}): failover about 1 s,
 *       with pre-vote and Ratis's oversleep check keeping a 1 s GC pause from making the cluster flap.</li>
 *   <li><b>Snapshots</b> hold the whole history in one file written through a temporary file and a rename; the log
 *       is purged up to each snapshot, and a voter that missed purged entries installs the leader's snapshot.</li>
 *   <li><b>Not Hazelcast</b>: its Raft (the CP subsystem) is Enterprise-only since 5.5; the last community version
 *       with it, 5.4.0, is frozen, keeps nothing on disk, and by default frees a dead leader's lock only after a
 *       300 s session TTL. Ratis is maintained, Apache 2.0, persists its log and snapshots, and lets us validate
 *       before the log.</li>
 * </ul>
 *
 * <p>Depends on {@code common} and Ratis ({@code ratis-server}, {@code ratis-grpc}, {@code ratis-metrics-default} at
 * run time); Ratis shades its own gRPC and Netty. No dependency on {@code config} or {@code sidecar}. Futures
 * complete on Ratis threads: callers on an event loop hop back with {@code Future.fromCompletionStage(f, ctx)}.
 */
package dev.gossamer.control;
