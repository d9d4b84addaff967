/**
 * The executable: the command line, the wiring of every module, the admin API and the demo. The only package that
 * knows both the parsed configuration ({@code dev.gossamer.config}) and the modules' own options.
 *
 * <h2>Starting points</h2>
 * <ul>
 *   <li>{@link dev.gossamer.sidecar.Main}: the {@code gossamer} command and its sub-commands
 *       ({@link dev.gossamer.sidecar.RunCommand run}, {@link dev.gossamer.sidecar.ValidateCommand validate},
 *       {@link dev.gossamer.sidecar.DemoCommand demo}, {@link dev.gossamer.sidecar.MembersCommand members},
 *       {@link dev.gossamer.sidecar.ClustersCommand clusters}, {@link dev.gossamer.sidecar.ReloadCommand reload},
 *       {@link dev.gossamer.sidecar.DrainCommand drain}, {@link dev.gossamer.sidecar.CompletionCommand completion},
 *       {@link dev.gossamer.sidecar.VersionCommand version}; the admin commands share
 *       {@link dev.gossamer.sidecar.AdminCall}). Start-up failures are {@link dev.gossamer.sidecar.StartupFailure}
 *       sentences; the log is configured by {@link dev.gossamer.sidecar.Logging}.</li>
 *   <li>{@link dev.gossamer.sidecar.Plans}: phase one of applying configuration. Builds every module's options from
 *       the records (which hold only what the user wrote) and reports each rule the options refuse at the key the
 *       user wrote; {@link dev.gossamer.sidecar.Plans#RULES} hands the same checks to the config validator, so
 *       {@code gossamer validate}, a start and a hot reload agree.</li>
 *   <li>{@link dev.gossamer.sidecar.Sidecar}: one running node. Starts membership, the data plane and the admin
 *       server; phase two of a mesh apply (swap a built plan in; cannot fail); reload, drain and shutdown.</li>
 *   <li>{@link dev.gossamer.sidecar.ClusterHealth} (active checks and outlier detection of one cluster, as the
 *       data plane's endpoint filter) and {@link dev.gossamer.sidecar.MeshMembership} (this node in the gossip
 *       mesh: advertised services and their health, endpoints of membership-driven clusters).</li>
 *   <li>{@link dev.gossamer.sidecar.AdminServer}: the admin API ({@code docs/admin-api.md}), guarded by
 *       {@link dev.gossamer.sidecar.AdminGuard}; {@link dev.gossamer.sidecar.DashboardRoutes} mounts the live
 *       dashboard and the event stream on it, drawing {@link dev.gossamer.sidecar.DashboardState} (the endpoint
 *       states the pickers use, rates from {@link dev.gossamer.sidecar.RateWindow}) and
 *       {@link dev.gossamer.sidecar.Events} (the node's recent events, logged once each).</li>
 * </ul>
 *
 * <p>Threading: {@code Sidecar}'s public methods are thread-safe; mesh applies are serialised on the sidecar.
 */
package dev.gossamer.sidecar;
