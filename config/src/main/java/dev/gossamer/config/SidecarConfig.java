package dev.gossamer.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The bootstrap document ({@code sidecar.yaml}): one per node. Produced by
 * {@link ConfigLoader#loadSidecar(Path)} with every default filled in; immutable.
 *
 * @param node       who this node is
 * @param admin      the admin API bind address
 * @param listeners  the proxy listeners (default: one {@code outbound} listener, see {@link ListenerConfig})
 * @param services   the local services this node serves and advertises to the mesh by gossip
 * @param meshConfig the mesh routing file to use and watch (resolved against the sidecar file's directory when
 *                   loaded from a file); empty means the mesh config comes from the control plane
 * @param membership gossip settings; empty means no gossip (a single node)
 * @param control    the Raft voters owning the mesh config; empty means the mesh config comes from
 *                   {@code meshConfig} alone
 * @param drain      graceful drain settings
 * @param metrics    metrics settings
 * @param accessLog  the access log, as written
 */
public record SidecarConfig(
        NodeConfig node,
        AdminConfig admin,
        List<ListenerConfig> listeners,
        List<ServiceConfig> services,
        Optional<Path> meshConfig,
        Optional<MembershipConfig> membership,
        Optional<ControlConfig> control,
        DrainConfig drain,
        MetricsConfig metrics,
        AccessLogConfig accessLog) {

    /** A node without a control plane. */
    public SidecarConfig(NodeConfig node, AdminConfig admin, List<ListenerConfig> listeners,
                         List<ServiceConfig> services, Optional<Path> meshConfig,
                         Optional<MembershipConfig> membership, DrainConfig drain, MetricsConfig metrics) {
        this(node, admin, listeners, services, meshConfig, membership, Optional.empty(), drain, metrics,
                AccessLogConfig.DEFAULT);
    }

    /** A node without an access log. */
    public SidecarConfig(NodeConfig node, AdminConfig admin, List<ListenerConfig> listeners,
                         List<ServiceConfig> services, Optional<Path> meshConfig,
                         Optional<MembershipConfig> membership, Optional<ControlConfig> control, DrainConfig drain,
                         MetricsConfig metrics) {
        this(node, admin, listeners, services, meshConfig, membership, control, drain, metrics,
                AccessLogConfig.DEFAULT);
    }

    public SidecarConfig {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(admin, "admin");
        listeners = List.copyOf(listeners);
        services = List.copyOf(services);
        Objects.requireNonNull(meshConfig, "meshConfig");
        Objects.requireNonNull(membership, "membership");
        Objects.requireNonNull(control, "control");
        Objects.requireNonNull(drain, "drain");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(accessLog, "accessLog");
    }

    /** The listener names, for {@link ConfigLoader#loadMesh(String, String, Set)}'s cross-reference check. */
    public Set<String> listenerNames() {
        return listeners.stream().map(ListenerConfig::name).collect(Collectors.toUnmodifiableSet());
    }
}
