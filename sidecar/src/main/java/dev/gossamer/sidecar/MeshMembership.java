package dev.gossamer.sidecar;

import dev.gossamer.balancer.Endpoint;
import dev.gossamer.common.RandomSource;
import dev.gossamer.common.Scheduler;
import dev.gossamer.common.Ticker;
import dev.gossamer.config.MembershipConfig;
import dev.gossamer.config.ServiceConfig;
import dev.gossamer.config.SidecarConfig;
import dev.gossamer.health.ActiveHealthChecker;
import dev.gossamer.health.HealthCheckOptions;
import dev.gossamer.health.HealthState;
import dev.gossamer.health.HealthTarget;
import dev.gossamer.health.VertxProber;
import dev.gossamer.membership.LocalMember;
import dev.gossamer.membership.Member;
import dev.gossamer.membership.MemberState;
import dev.gossamer.membership.Membership;
import dev.gossamer.membership.MembershipOptions;
import dev.gossamer.membership.Metadata;
import dev.gossamer.membership.ServiceEndpoint;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * This node in the gossip mesh: starts {@link Membership} from {@code sidecar.yaml}'s {@code membership:},
 * advertises the services this node serves together with the result of their health checks (run here, against the
 * app beside the sidecar, as a Consul agent does), and turns the member list into endpoints for clusters that have
 * no static {@code endpoints:}.
 *
 * <p>Which members give endpoints: {@code alive} and {@code suspect} ones. A suspect member is kept because SWIM
 * suspicion is often a lost packet, and dropping it would move consistent-hash keys back and forth; if it really
 * is gone, the data plane's connect-failure skip and retries cover the seconds until it is declared dead. Dead and
 * left members leave every picker at once. A service whose advertised check is not {@code passing} is left out.
 *
 * <p>Threading: membership events arrive on the membership's event loop; {@link #endpoints} reads a snapshot.
 */
final class MeshMembership {

    /** Metadata field carrying a service's health: {@code health.<service>} = passing | critical | unknown. */
    static final String HEALTH_FIELD_PREFIX = "health.";

    private final Membership membership;
    private final Map<String, String> serviceHealth = new HashMap<>();
    private final List<ActiveHealthChecker> checkers = new ArrayList<>();
    private final List<VertxProber> probers = new ArrayList<>();
    private final Metadata baseMetadata;

    private MeshMembership(Membership membership, Metadata baseMetadata) {
        this.membership = membership;
        this.baseMetadata = baseMetadata;
    }

    /** Joins the mesh; {@code onChange} runs after every membership event (and after local health changes). */
    static Future<MeshMembership> start(Vertx vertx, Plans.NodePlan plan, Ticker ticker, Scheduler scheduler,
                                        RandomSource random, MeterRegistry registry, Runnable onChange,
                                        Events events) {
        SidecarConfig config = plan.sidecar();
        MembershipConfig m = config.membership().orElseThrow();
        MembershipOptions options = plan.membership().orElseThrow();
        Metadata metadata = metadata(config);
        String bindHost = m.address().host();
        String advertise = m.advertise().map(Object::toString)
                .orElseGet(() -> advertiseHost(bindHost) + ":" + m.address().port());
        LocalMember local = new LocalMember(config.node().id(), advertise, metadata);
        return Membership.start(vertx, options, local, bindHost, m.address().port(), ticker, random,
                registry).map(mm -> {
            MeshMembership self = new MeshMembership(mm, metadata);
            mm.addListener(event -> onChange.run());
            self.startChecks(vertx, plan, scheduler, random, registry, onChange, events);
            return self;
        });
    }

    private void startChecks(Vertx vertx, Plans.NodePlan plan, Scheduler scheduler, RandomSource random,
                             MeterRegistry registry, Runnable onChange, Events events) {
        for (ServiceConfig s : plan.sidecar().services()) {
            HealthCheckOptions options = plan.serviceChecks().get(s.name());
            if (options == null) {
                continue;
            }
            VertxProber prober = VertxProber.create(vertx, options);
            probers.add(prober);
            synchronized (this) {
                serviceHealth.put(s.name(), "unknown");
            }
            ActiveHealthChecker checker = ActiveHealthChecker
                    .builder(new HealthTarget("127.0.0.1", s.port()), options, prober, scheduler)
                    .random(random)
                    .meterRegistry(registry, s.name())
                    .listener((target, from, to, reason) -> {
                        if (to == HealthState.UNHEALTHY || from == HealthState.UNHEALTHY) {
                            boolean down = to == HealthState.UNHEALTHY;
                            events.publishLogged(down ? Events.Kind.CHECK_DOWN : Events.Kind.CHECK_UP,
                                    s.name() + "@" + plan.sidecar().node().id(), "local service " + s.name()
                                    + " (port " + s.port() + ") health check " + (down ? "failing: " + reason
                                    + "; advertised critical, so every sidecar stops sending to it"
                                    : "passing again; advertised to the mesh"));
                        }
                        advertiseHealth(s.name(), to);
                        onChange.run();
                    })
                    .build();
            checkers.add(checker);
            checker.start();
        }
        if (!serviceHealth.isEmpty()) {
            membership.updateMetadata(currentMetadata());
        }
    }

    private void advertiseHealth(String service, HealthState state) {
        String value = switch (state) {
            case HEALTHY -> "passing";
            case UNHEALTHY -> "critical";
            case UNKNOWN -> "unknown";
        };
        synchronized (this) {
            if (value.equals(serviceHealth.put(service, value))) {
                return;
            }
        }
        membership.updateMetadata(currentMetadata());
    }

    /** Metadata fields of the mesh config this node applied; a voter adds the version it knows committed. */
    static final String CONFIG_VERSION = "config.version";
    static final String CONFIG_DIGEST = "config.digest";
    static final String CONFIG_COMMITTED = "config.committed";

    private final Map<String, String> configFields = new HashMap<>();

    /**
     * Announces the mesh config this node applied (version and digest), so anyone can see which nodes lag and a
     * sidecar learns that a newer version exists. Gossip carries it with every alive message, authenticated by the
     * keyring.
     */
    void announceConfig(long version, String digest) {
        setFields(Map.of(CONFIG_VERSION, Long.toString(version), CONFIG_DIGEST, digest));
    }

    /** A voter announces the latest version its state machine applied (committed by a majority). */
    void announceCommitted(long version) {
        setFields(Map.of(CONFIG_COMMITTED, Long.toString(version)));
    }

    private void setFields(Map<String, String> fields) {
        synchronized (this) {
            if (configFields.entrySet().containsAll(fields.entrySet())) {
                return;
            }
            configFields.putAll(fields);
        }
        membership.updateMetadata(currentMetadata());
    }

    /**
     * The highest committed version the voters announce, with the voters that announce it (alive ones first, each
     * group by id); version 0 and no voters when none does.
     */
    Committed newestCommitted() {
        long max = 0;
        List<String> alive = new ArrayList<>();
        List<String> suspect = new ArrayList<>();
        for (Member m : membership.members()) {
            String v = m.metadata().fields().get(CONFIG_COMMITTED);
            if (v == null || (m.state() != MemberState.ALIVE && m.state() != MemberState.SUSPECT)) {
                continue;
            }
            long version;
            try {
                version = Long.parseLong(v);
            } catch (NumberFormatException e) {
                continue; // a member of a newer build with another format: not ours to read
            }
            if (version > max) {
                max = version;
                alive.clear();
                suspect.clear();
            }
            if (version == max) {
                (m.state() == MemberState.ALIVE ? alive : suspect).add(m.id());
            }
        }
        Collections.sort(alive);
        Collections.sort(suspect);
        alive.addAll(suspect);
        return new Committed(max, List.copyOf(alive));
    }

    /** A committed version and the voters announcing it, in the order to ask them. */
    record Committed(long version, List<String> voters) {
    }

    private synchronized Metadata currentMetadata() {
        Metadata md = baseMetadata;
        for (Map.Entry<String, String> e : configFields.entrySet()) {
            md = md.withField(e.getKey(), e.getValue());
        }
        for (Map.Entry<String, String> e : serviceHealth.entrySet()) {
            md = md.withField(HEALTH_FIELD_PREFIX + e.getKey(), e.getValue());
        }
        return md;
    }

    /**
     * Endpoints of {@code service}: one per alive or suspect member that serves it and whose advertised check, if
     * any, passes. Ids are {@code host:port}, the same on every sidecar, so consistent hashing agrees mesh-wide.
     */
    List<Endpoint> endpoints(String service) {
        List<Endpoint> out = new ArrayList<>();
        for (Member m : membership.members()) {
            if (m.state() != MemberState.ALIVE && m.state() != MemberState.SUSPECT) {
                continue;
            }
            String health = m.metadata().fields().get(HEALTH_FIELD_PREFIX + service);
            if (health != null && !health.equals("passing")) {
                continue;
            }
            for (ServiceEndpoint s : m.metadata().services()) {
                if (s.name().equals(service)) {
                    String host = host(m.address());
                    Map<String, String> labels = new HashMap<>();
                    labels.put("node", m.id());
                    if (!s.tags().isEmpty()) {
                        labels.put("tags", String.join(",", s.tags()));
                    }
                    String id = (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + s.port();
                    out.add(new Endpoint(id, host, s.port(), s.weight(), m.zone(), labels));
                }
            }
        }
        out.sort((a, b) -> a.id().compareTo(b.id()));
        return out;
    }

    List<Member> members() {
        return membership.members();
    }

    /** Whether a join through a seed succeeded (or there were no seeds). */
    boolean joined() {
        return membership.joined();
    }

    /** The gossip inputs this node dropped, by reason, for a sentence ("nothing dropped here" when none). */
    String dropSummary() {
        StringBuilder b = new StringBuilder();
        for (dev.gossamer.membership.DropReason r : dev.gossamer.membership.DropReason.values()) {
            long n = membership.stats().dropped(r);
            if (n > 0) {
                b.append(b.length() == 0 ? "dropped here: " : ", ").append(r.name().toLowerCase(Locale.ROOT))
                        .append('=').append(n);
            }
        }
        return b.length() == 0 ? "nothing dropped here" : b.toString();
    }

    Membership membership() {
        return membership;
    }

    /** Stops the local checks and leaves the mesh gracefully (others see {@code left} at once). */
    Future<Void> leave(Duration timeout) {
        checkers.forEach(ActiveHealthChecker::close);
        probers.forEach(VertxProber::close);
        try {
            return membership.leave(timeout).transform(ar -> membership.close());
        } catch (RuntimeException e) {
            // Vert.x already closed (the process is going down): nobody is left to tell.
            return Future.failedFuture(e);
        }
    }

    static Metadata metadata(SidecarConfig config) {
        List<ServiceEndpoint> services = config.services().stream()
                .map(s -> new ServiceEndpoint(s.name(), s.port(), s.weight(), s.tags()))
                .toList();
        return new Metadata(config.node().zone(), services, Map.of());
    }

    /** The host others reach this node at when only a wildcard bind address is configured. */
    static String advertiseHost(String bindHost) {
        if (!bindHost.equals("0.0.0.0") && !bindHost.equals("::")) {
            return bindHost;
        }
        try {
            return InetAddress.getLocalHost().getHostAddress();
        } catch (UnknownHostException e) {
            return "127.0.0.1";
        }
    }

    static String host(String address) {
        if (address.startsWith("[")) {
            return address.substring(1, address.indexOf(']'));
        }
        int colon = address.lastIndexOf(':');
        return colon < 0 ? address : address.substring(0, colon);
    }

    static String state(MemberState s) {
        return s.name().toLowerCase(Locale.ROOT);
    }
}
