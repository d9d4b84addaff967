package dev.gossamer.sidecar;

import dev.gossamer.balancer.BalancingPolicy;
import dev.gossamer.balancer.Endpoint;
import dev.gossamer.balancer.LeastRequestOptions;
import dev.gossamer.balancer.MaglevOptions;
import dev.gossamer.balancer.RingHashOptions;
import dev.gossamer.balancer.SlowStart;
import dev.gossamer.common.InvalidOptionsException;
import dev.gossamer.common.OptionProblem;
import dev.gossamer.common.RandomSource;
import dev.gossamer.config.AccessLogConfig;
import dev.gossamer.config.BalancerConfig;
import dev.gossamer.config.CircuitBreakersConfig;
import dev.gossamer.config.ClusterConfig;
import dev.gossamer.config.ConfigProblem;
import dev.gossamer.config.ConfigResult;
import dev.gossamer.config.ConfigRules;
import dev.gossamer.config.ControlConfig;
import dev.gossamer.control.ControlOptions;
import dev.gossamer.config.EndpointConfig;
import dev.gossamer.config.HashOnConfig;
import dev.gossamer.config.HeaderMatchConfig;
import dev.gossamer.config.HealthCheckConfig;
import dev.gossamer.config.ListenerConfig;
import dev.gossamer.config.MembershipConfig;
import dev.gossamer.config.MeshConfig;
import dev.gossamer.config.OutlierDetectionConfig;
import dev.gossamer.config.RetryConfig;
import dev.gossamer.config.RouteConfig;
import dev.gossamer.config.RouteMatchConfig;
import dev.gossamer.config.ServiceConfig;
import dev.gossamer.config.SidecarConfig;
import dev.gossamer.config.SourceMap;
import dev.gossamer.health.HealthCheckOptions;
import dev.gossamer.health.OutlierDetectionOptions;
import dev.gossamer.health.StatusRange;
import dev.gossamer.membership.Keyring;
import dev.gossamer.membership.MembershipOptions;
import dev.gossamer.proxy.CircuitBreakers;
import dev.gossamer.proxy.AccessLogOptions;
import dev.gossamer.proxy.ClusterSpec;
import dev.gossamer.proxy.HashOn;
import dev.gossamer.proxy.HeaderMatch;
import dev.gossamer.proxy.ListenerSpec;
import dev.gossamer.proxy.Protocol;
import dev.gossamer.proxy.RetryOn;
import dev.gossamer.proxy.RetrySpec;
import dev.gossamer.proxy.RouteMatch;
import dev.gossamer.proxy.RouteSpec;
import dev.gossamer.proxy.RoutingTable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Phase one of applying configuration: builds everything a loaded config needs from each module's own options —
 * the routing table with its cluster specs and balancing policies, the health and outlier options, the membership
 * options — and reports every rule a module's options refuse as a {@link ConfigProblem} at the key the user wrote
 * ({@code mesh.yaml:9:30: clusters[0].outlier_detection.consecutive_5xx: -1 (expected: 0..1000)}).
 *
 * <p>Why here: the config records hold only what the user wrote; each module's options own their defaults and
 * rules, so only the one module that knows both (the sidecar) can build them. {@code gossamer validate}, the start
 * of a sidecar and every hot reload call these same functions, and phase two — swapping a built plan in — does
 * not validate and cannot fail for a plan that built, so what validates is exactly what applies, whole.
 *
 * <p>Pure functions of their arguments (the random source is only handed to the policies); thread-safe.
 */
final class Plans {

    /** Policies are only constructed by the rules, never asked to pick: any fixed seed will do. */
    private static final long RULES_SEED = 0;

    /**
     * Phase one as the config validator's rules: what {@code gossamer validate} and {@code gossamer run} check, so a
     * file that validates builds, and so applies, whole.
     */
    static final ConfigRules RULES = new ConfigRules() {
        @Override
        public List<ConfigProblem> sidecar(SidecarConfig sidecar, SourceMap at) {
            return node(sidecar, at).problems();
        }

        @Override
        public List<ConfigProblem> mesh(MeshConfig mesh, SourceMap at, Set<String> listenerNames) {
            Set<String> listeners = listenerNames != null ? listenerNames : listenersNamedBy(mesh);
            return Plans.mesh(mesh, at, listeners, RandomSource.seeded(RULES_SEED)).problems();
        }
    };

    private Plans() {
    }

    /** One cluster's health, built: active checks run here (static endpoints only) and outlier detection. */
    record ClusterPlan(ClusterConfig config, Optional<HealthCheckOptions> checks,
                       Optional<OutlierDetectionOptions> outlier) {
        boolean any() {
            return checks.isPresent() || outlier.isPresent();
        }

        /** Whether a running health state built from {@code other} can serve this plan as it is. */
        boolean sameHealth(ClusterPlan other) {
            return checks.equals(other.checks) && outlier.equals(other.outlier)
                    && config.endpoints().isPresent() == other.config.endpoints().isPresent();
        }
    }

    /** A mesh config ready to swap in. */
    record MeshPlan(MeshConfig mesh, RoutingTable table, Map<String, ClusterPlan> clusters) {
    }

    /**
     * A sidecar document's module options, ready to start with.
     *
     * @param adminToken the bearer token read from {@code control.token_file}; empty when none is configured
     * @param accessLog  the access log's options (off when {@code access_log:} is absent)
     */
    record NodePlan(SidecarConfig sidecar, Optional<MembershipOptions> membership,
                    Map<String, HealthCheckOptions> serviceChecks, Optional<String> adminToken,
                    Optional<ControlOptions> control, AccessLogOptions accessLog) {
        @Override
        public String toString() {
            return "NodePlan[" + sidecar.node().id() + ", token " + (adminToken.isPresent() ? "<redacted>" : "none")
                    + "]";
        }
    }

    // ---- mesh ----

    /**
     * Builds {@code mesh} for a node with listeners {@code listenerNames} (a route without {@code listener} is on
     * each of them). Problems are positioned with {@code at}, the mesh document's source map.
     */
    static ConfigResult<MeshPlan> mesh(MeshConfig mesh, SourceMap at, Set<String> listenerNames,
                                       RandomSource random) {
        Problems p = new Problems(at);
        Map<String, ClusterPlan> health = new LinkedHashMap<>();
        List<ClusterSpec> clusters = new ArrayList<>();
        for (int i = 0; i < mesh.clusters().size(); i++) {
            ClusterConfig c = mesh.clusters().get(i);
            String path = "clusters[" + i + "]";
            ClusterSpec spec = cluster(c, path, random, p);
            if (spec != null) {
                clusters.add(spec);
            }
            health.put(c.name(), clusterHealth(c, path, p));
        }
        List<RouteSpec> routes = new ArrayList<>();
        Set<String> sorted = new TreeSet<>(listenerNames);
        for (int i = 0; i < mesh.routes().size(); i++) {
            RouteConfig r = mesh.routes().get(i);
            String path = "routes[" + i + "]";
            RouteMatch match = p.build(path + ".match", () -> match(r.match()));
            RetrySpec retries = p.build(path + ".retries", () -> retries(r.retries()));
            if (match == null || retries == null) {
                continue;
            }
            for (String listener : r.listener().map(List::of).orElseGet(() -> List.copyOf(sorted))) {
                RouteSpec spec = p.build(path, () -> new RouteSpec(r.name(), listener, match, r.cluster(),
                        r.timeout().orElse(RouteSpec.DEFAULT_TIMEOUT), retries,
                        r.idleTimeout().orElse(RouteSpec.DEFAULT_IDLE_TIMEOUT)));
                if (spec != null) {
                    routes.add(spec);
                }
            }
        }
        if (!p.problems.isEmpty()) {
            return ConfigResult.failed(p.problems);
        }
        RoutingTable table = p.build("", () -> RoutingTable.of(routes, clusters));
        if (table == null) {
            return ConfigResult.failed(p.problems);
        }
        return ConfigResult.ok(new MeshPlan(mesh, table, Map.copyOf(health)), at);
    }

    /** The listener names a mesh document is checked against when validated on its own (no sidecar file). */
    static Set<String> listenersNamedBy(MeshConfig mesh) {
        Set<String> names = new HashSet<>();
        ListenerConfig.DEFAULT_LISTENERS.forEach(l -> names.add(l.name()));
        mesh.routes().forEach(r -> r.listener().ifPresent(names::add));
        return names;
    }

    private static ClusterSpec cluster(ClusterConfig c, String path, RandomSource random, Problems p) {
        BalancingPolicy policy = p.build(path + ".balancer", () -> policy(c.balancer(), random));
        HashOn hashOn = c.balancer() instanceof BalancerConfig.ConsistentHash ch
                ? p.build(path + ".balancer.hash_on", () -> hashOn(ch.hashOn())) : HashOn.NONE;
        SlowStart slowStart = c.slowStart().isEmpty() ? null : p.build(path + ".slow_start",
                () -> new SlowStart(c.slowStart().get().window(), (int) Math.round(c.slowStart().get()
                        .minWeightPercent().orElse(SlowStart.DEFAULT_MIN_WEIGHT_PERCENT))));
        if (policy == null || hashOn == null || (c.slowStart().isPresent() && slowStart == null)) {
            return null;
        }
        Protocol protocol = c.protocol() == ClusterConfig.Protocol.HTTP2 ? Protocol.HTTP2 : Protocol.HTTP1;
        return p.build(path, () -> new ClusterSpec(c.name(), c.endpoints().map(Plans::endpoints).orElse(null),
                policy, hashOn, protocol, c.connectTimeout().orElse(ClusterSpec.DEFAULT_CONNECT_TIMEOUT),
                c.maxConnectionsPerEndpoint().orElse(ClusterSpec.DEFAULT_MAX_CONNECTIONS_PER_ENDPOINT),
                percent(c.panicThresholdPercent(), ClusterSpec.DEFAULT_PANIC_THRESHOLD_PERCENT), slowStart,
                breakers(c.circuitBreakers())));
    }

    private static ClusterPlan clusterHealth(ClusterConfig c, String path, Problems p) {
        // The calling sidecar actively checks only static endpoints; endpoints from membership carry the health
        // their own node checked and advertised by gossip.
        // Built (so validated) either way: a check that is not run here is still part of the mesh document.
        Optional<HealthCheckOptions> options = c.healthCheck()
                .map(h -> p.build(path + ".health_check", () -> checkOptions(h)));
        Optional<HealthCheckOptions> checks = c.endpoints().isPresent() ? options : Optional.empty();
        Optional<OutlierDetectionOptions> outlier = c.outlierDetection()
                .map(od -> p.build(path + ".outlier_detection", () -> outlierOptions(od)));
        return new ClusterPlan(c, checks, outlier);
    }

    static List<Endpoint> endpoints(List<EndpointConfig> configs) {
        return configs.stream()
                .map(e -> new Endpoint(e.address().toString(), e.address().host(), e.address().port(), e.weight(),
                        e.zone(), Map.of()))
                .toList();
    }

    static BalancingPolicy policy(BalancerConfig b, RandomSource random) {
        if (b instanceof BalancerConfig.RoundRobin) {
            return BalancingPolicy.roundRobin(random);
        } else if (b instanceof BalancerConfig.Random) {
            return BalancingPolicy.random(random);
        } else if (b instanceof BalancerConfig.LeastRequest lr) {
            LeastRequestOptions o = LeastRequestOptions.defaults();
            if (lr.choiceCount().isPresent()) {
                o = o.withChoiceCount(lr.choiceCount().getAsInt());
            }
            return BalancingPolicy.leastRequest(o, random);
        } else if (b instanceof BalancerConfig.ConsistentHash ch) {
            if (ch.algorithm() == BalancerConfig.ConsistentHash.Algorithm.MAGLEV) {
                MaglevOptions o = MaglevOptions.defaults();
                if (ch.tableSize().isPresent()) {
                    o = o.withTableSize(ch.tableSize().getAsInt());
                }
                if (ch.boundedLoad().isPresent()) {
                    o = o.withBoundedLoad(ch.boundedLoad().getAsDouble());
                }
                return BalancingPolicy.maglev(o, random);
            }
            RingHashOptions o = RingHashOptions.defaults();
            if (ch.minRingSize().isPresent()) {
                int min = ch.minRingSize().getAsInt();
                o = o.withRingSize(min, Math.max(min, RingHashOptions.DEFAULT_MAX_RING_SIZE));
            }
            if (ch.boundedLoad().isPresent()) {
                o = o.withBoundedLoad(ch.boundedLoad().getAsDouble());
            }
            return BalancingPolicy.ringHash(o, random);
        }
        throw new IllegalArgumentException("balancer: " + b + " (expected: a known policy)");
    }

    static HashOn hashOn(HashOnConfig h) {
        return switch (h.kind()) {
            case HEADER -> HashOn.header(h.name());
            case COOKIE -> HashOn.cookie(h.name());
            case QUERY_PARAMETER -> HashOn.query(h.name());
            case SOURCE_IP -> HashOn.sourceIp();
            case PATH -> HashOn.path();
        };
    }

    static RouteMatch match(RouteMatchConfig m) {
        String path = null;
        String prefix = null;
        Pattern regex = null;
        switch (m.pathKind()) {
            case EXACT -> path = m.path();
            case PREFIX -> prefix = m.path();
            case REGEX -> regex = Pattern.compile(m.path());
        }
        List<HeaderMatch> headers = m.headers().stream().map(Plans::header).toList();
        return new RouteMatch(m.authority().orElse(null), path, prefix, regex, headers, new HashSet<>(m.methods()));
    }

    static HeaderMatch header(HeaderMatchConfig h) {
        return switch (h.kind()) {
            case EXACT -> HeaderMatch.exact(h.name(), h.value());
            case REGEX -> HeaderMatch.regex(h.name(), Pattern.compile(h.value()));
            case PRESENT -> HeaderMatch.present(h.name());
        };
    }

    /** YAML {@code attempts} counts retries after the first try; the proxy counts tries. */
    static RetrySpec retries(RetryConfig r) {
        RetrySpec d = RetrySpec.DEFAULT;
        Set<RetryOn> on = d.retryOn();
        if (r.retryOn().isPresent()) {
            on = EnumSet.noneOf(RetryOn.class);
            for (RetryConfig.RetryOn o : r.retryOn().get()) {
                on.add(switch (o) {
                    case CONNECT_FAILURE -> RetryOn.CONNECT_FAILURE;
                    case RESET -> RetryOn.RESET;
                    case GATEWAY_ERROR -> RetryOn.GATEWAY_ERROR;
                    case _5XX -> RetryOn.SERVER_ERROR_5XX;
                    case CANCELLED -> RetryOn.GRPC_CANCELLED;
                    case DEADLINE_EXCEEDED -> RetryOn.GRPC_DEADLINE_EXCEEDED;
                    case RESOURCE_EXHAUSTED -> RetryOn.GRPC_RESOURCE_EXHAUSTED;
                    case UNAVAILABLE -> RetryOn.GRPC_UNAVAILABLE;
                });
            }
        }
        int tries = r.attempts().isPresent() ? r.attempts().getAsInt() + 1 : d.attempts();
        return new RetrySpec(tries, on, r.perTryTimeout().orElse(d.perTryTimeout()),
                percent(r.budgetPercent(), d.budgetPercent()),
                r.minRetryConcurrency().orElse(d.minRetryConcurrency()),
                r.retryNonIdempotent().orElse(d.retryNonIdempotent()));
    }

    static OutlierDetectionOptions outlierOptions(OutlierDetectionConfig c) {
        OutlierDetectionOptions.Builder b = OutlierDetectionOptions.builder()
                // Envoy leaves gateway-failure ejection unenforced by default; a sidecar user who writes the
                // field (or relies on the documented default of 5) expects it to eject.
                .enforcingConsecutiveGatewayFailure(100)
                // Count connect failures, resets and timeouts on their own (Envoy's split mode), so that
                // consecutive_local_origin_failure means what it says and an HTTP 503 is not a dead socket.
                .splitExternalLocalOriginErrors(true);
        c.consecutive5xx().ifPresent(b::consecutive5xx);
        c.consecutiveGatewayFailure().ifPresent(b::consecutiveGatewayFailure);
        c.consecutiveLocalOriginFailure().ifPresent(b::consecutiveLocalOriginFailure);
        c.interval().ifPresent(b::interval);
        c.baseEjectionTime().ifPresent(b::baseEjectionTime);
        c.maxEjectionTime().ifPresent(b::maxEjectionTime);
        c.maxEjectionPercent().ifPresent(v -> b.maxEjectionPercent(round(v)));
        c.successRateMinimumHosts().ifPresent(b::successRateMinimumHosts);
        c.successRateRequestVolume().ifPresent(b::successRateRequestVolume);
        c.successRateStdevFactor().ifPresent(b::successRateStdevFactor);
        c.failurePercentageThreshold().ifPresent(v -> b.failurePercentageThreshold(round(v)));
        c.failurePercentageMinimumHosts().ifPresent(b::failurePercentageMinimumHosts);
        c.failurePercentageRequestVolume().ifPresent(b::failurePercentageRequestVolume);
        c.enforcingSuccessRate().ifPresent(v -> b.enforcingSuccessRate(round(v)));
        c.enforcingFailurePercentage().ifPresent(v -> b.enforcingFailurePercentage(round(v)));
        return b.build();
    }

    static HealthCheckOptions checkOptions(HealthCheckConfig c) {
        HealthCheckOptions.Builder b = switch (c.protocol()) {
            case TCP -> HealthCheckOptions.tcp();
            case GRPC -> HealthCheckOptions.grpc(c.path());
            case HTTP -> HealthCheckOptions.http(c.path());
        };
        c.expectedStatuses().ifPresent(s -> b.expectedStatuses(s.stream()
                .map(r -> new StatusRange(r.from(), r.to())).toList()));
        c.interval().ifPresent(b::interval);
        c.timeout().ifPresent(b::timeout);
        c.jitterPercent().ifPresent(v -> b.jitterPercent(round(v)));
        c.unhealthyThreshold().ifPresent(b::unhealthyThreshold);
        c.healthyThreshold().ifPresent(b::healthyThreshold);
        return b.build();
    }

    // ---- node ----

    static List<ListenerSpec> listeners(List<ListenerConfig> listeners) {
        return listeners.stream().map(Plans::listener).toList();
    }

    /** A listener as written, with the proxy's defaults ({@link ListenerSpec}) for what was not. */
    static ListenerSpec listener(ListenerConfig l) {
        return new ListenerSpec(l.name(), l.address().host(), l.address().port(),
                l.requestHeadersTimeout().orElse(ListenerSpec.DEFAULT_REQUEST_HEADERS_TIMEOUT),
                l.maxConnections().orElse(ListenerSpec.DEFAULT_MAX_CONNECTIONS));
    }

    /** A cluster's circuit breakers as written, with the proxy's defaults ({@link CircuitBreakers}) for the rest. */
    static CircuitBreakers breakers(Optional<CircuitBreakersConfig> written) {
        CircuitBreakersConfig c = written.orElse(CircuitBreakersConfig.NONE);
        return new CircuitBreakers(c.maxConnections().orElse(CircuitBreakers.DEFAULT_MAX_CONNECTIONS),
                c.maxPendingRequests().orElse(CircuitBreakers.DEFAULT_MAX_PENDING_REQUESTS),
                c.maxRequests().orElse(CircuitBreakers.DEFAULT_MAX_REQUESTS),
                c.maxRetries().orElse(CircuitBreakers.DEFAULT_MAX_RETRIES));
    }

    /** Builds the module options of a sidecar document; {@code at} is its source map. */
    static ConfigResult<NodePlan> node(SidecarConfig sidecar, SourceMap at) {
        Problems p = new Problems(at);
        Optional<MembershipOptions> membership = sidecar.membership()
                .map(m -> p.build("membership", () -> membershipOptions(m)));
        Map<String, HealthCheckOptions> checks = new LinkedHashMap<>();
        for (int i = 0; i < sidecar.services().size(); i++) {
            ServiceConfig s = sidecar.services().get(i);
            if (s.healthCheck().isPresent()) {
                HealthCheckOptions o = p.build("services[" + i + "].health_check",
                        () -> checkOptions(s.healthCheck().get()));
                if (o != null) {
                    checks.put(s.name(), o);
                }
            }
        }
        for (int i = 0; i < sidecar.listeners().size(); i++) {
            ListenerConfig l = sidecar.listeners().get(i);
            p.build("listeners[" + i + "]", () -> listener(l));
        }
        Optional<String> token = sidecar.control().flatMap(c -> c.tokenFile()).map(file -> p.build(
                "control.token_file", () -> token(file))).filter(t -> t != null);
        Optional<ControlOptions> control = sidecar.control().map(c -> p.build("control",
                () -> controlOptions(sidecar.node().id(), c)));
        AccessLogOptions accessLog = p.build("access_log", () -> accessLogOptions(sidecar.accessLog()));
        return p.problems.isEmpty()
                ? ConfigResult.ok(new NodePlan(sidecar, membership, Map.copyOf(checks), token, control, accessLog),
                        at)
                : ConfigResult.failed(p.problems);
    }

    static AccessLogOptions accessLogOptions(AccessLogConfig c) {
        AccessLogOptions.Builder b = AccessLogOptions.builder();
        c.format().ifPresent(b::format);
        c.path().ifPresent(b::path);
        return b.build();
    }

    static ControlOptions controlOptions(String nodeId, ControlConfig c) {
        ControlOptions.Builder b = ControlOptions.builder()
                .nodeId(nodeId)
                .voters(c.voters())
                .dataDir(c.dataDir());
        c.tls().ifPresent(t -> b.tls(new ControlOptions.TlsFiles(t.cert(), t.key(), t.ca())));
        return b.build();
    }

    /** The token in {@code file}: its first line, trimmed; a missing, unreadable or empty file is a problem. */
    private static String token(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("\"" + file + "\": cannot read the token (expected: a readable file "
                    + "holding the bearer token): " + e.getClass().getSimpleName());
        }
        String token = text.lines().findFirst().orElse("").trim();
        if (token.length() < MIN_TOKEN_LENGTH) {
            throw new IllegalArgumentException("\"" + file + "\": a token of " + token.length() + " characters "
                    + "(expected: at least " + MIN_TOKEN_LENGTH + ", like the output of: openssl rand -hex 32)");
        }
        return token;
    }

    /** Shorter secrets are guessable over the network; 16 characters of hex are 64 bits. */
    static final int MIN_TOKEN_LENGTH = 16;

    static MembershipOptions membershipOptions(MembershipConfig m) {
        MembershipOptions base = switch (m.profile().orElse(dev.gossamer.config.MembershipProfile.LAN)) {
            case LAN -> MembershipOptions.lan();
            case WAN -> MembershipOptions.wan();
            case LOCAL -> MembershipOptions.local();
        };
        MembershipOptions.Builder b = base.toBuilder()
                .seeds(m.seeds().stream().map(Object::toString).toList());
        m.clusterName().ifPresent(b::clusterName);
        m.probeInterval().ifPresent(b::probeInterval);
        m.probeTimeout().ifPresent(b::probeTimeout);
        m.indirectChecks().ifPresent(b::indirectChecks);
        m.suspicionMult().ifPresent(b::suspicionMult);
        m.suspicionMaxTimeoutMult().ifPresent(b::suspicionMaxTimeoutMult);
        m.gossipInterval().ifPresent(b::gossipInterval);
        m.gossipNodes().ifPresent(b::gossipNodes);
        m.retransmitMult().ifPresent(b::retransmitMult);
        m.pushPullInterval().ifPresent(b::pushPullInterval);
        m.awarenessMaxMultiplier().ifPresent(b::awarenessMaxMultiplier);
        m.deadNodeReclaimTime().ifPresent(b::deadNodeReclaimTime);
        if (!m.keys().isEmpty()) {
            b.keyring(Keyring.of(m.decodedKeys()));
        }
        return b.build();
    }

    // ---- helpers ----

    private static int round(double percent) {
        return (int) Math.round(percent);
    }

    private static int percent(OptionalDouble written, int def) {
        return written.isPresent() ? round(written.getAsDouble()) : def;
    }

    /**
     * Builds module objects and turns what their options refuse into positioned problems: each
     * {@link OptionProblem} at {@code path.field} (the key the user wrote, or the nearest mapping when the value was
     * a default), any other {@link IllegalArgumentException} at {@code path} itself.
     */
    private static final class Problems {
        private final SourceMap at;
        private final List<ConfigProblem> problems = new ArrayList<>();

        Problems(SourceMap at) {
            this.at = at;
        }

        <T> T build(String path, Supplier<T> build) {
            try {
                return build.get();
            } catch (InvalidOptionsException e) {
                for (OptionProblem op : e.problems()) {
                    problems.add(at.problem(path.isEmpty() ? op.field() : path + "." + op.field(), op.message()));
                }
            } catch (IllegalArgumentException e) {
                for (String line : e.getMessage().split("\n")) {
                    problems.add(at.problem(path, line));
                }
            }
            return null;
        }
    }
}
