package dev.gossamer.sidecar;

import dev.gossamer.common.RandomSource;
import dev.gossamer.common.Ticker;
import dev.gossamer.common.WallClock;
import dev.gossamer.common.Scheduler;
import dev.gossamer.config.ClusterConfig;
import dev.gossamer.config.ConfigLoader;
import dev.gossamer.config.ConfigProblem;
import dev.gossamer.config.ConfigResult;
import dev.gossamer.config.ConfigValidator;
import dev.gossamer.config.MeshConfig;
import dev.gossamer.config.SidecarConfig;
import dev.gossamer.config.SourceMap;
import dev.gossamer.control.ControlOptions;
import dev.gossamer.control.MeshValidator;
import dev.gossamer.membership.Member;
import dev.gossamer.membership.MembershipEvent;
import dev.gossamer.proxy.AccessLogOptions;
import dev.gossamer.proxy.AccessLogWriter;
import dev.gossamer.proxy.DataPlane;
import dev.gossamer.proxy.DataPlaneOptions;
import dev.gossamer.vertx.VertxScheduler;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running sidecar: the data plane, the admin API and the mesh-config source, wired from a
 * {@link SidecarConfig}. This class is the only place that maps configuration onto the modules.
 *
 * <p>Lifecycle: {@link #start} binds the listeners and the admin server and applies the mesh config; the sidecar
 * is ready once both happened. {@link #reload} re-reads the mesh config; {@link #drain} turns readiness off and lets
 * in-flight requests finish; {@link #shutdown} drains and releases everything, completing {@link #terminated()}.
 *
 * <p>Threading: every method is thread-safe; reloads are serialised on the Vert.x context of the sidecar.
 */
public final class Sidecar {

    private static final Logger log = LoggerFactory.getLogger(Sidecar.class);

    private final Vertx vertx;
    private final Plans.NodePlan plan;
    private final SidecarConfig config;
    private final SourceMap sidecarSource;
    private final Optional<String> adminToken;
    private final ConfigLoader loader;
    private final WallClock wallClock;
    private final RandomSource random;
    private final PrometheusMeterRegistry registry;
    private final DataPlane dataPlane;
    private final AccessLogWriter accessLog; // null when the access log is off
    private final Promise<Void> terminated = Promise.promise();
    private final Ticker ticker;
    private AdminServer admin;
    private volatile MeshMembership membership;
    private volatile ControlLink control;
    private FileWatcher watcher;
    private final Scheduler scheduler;
    /** Per-cluster health (active checks, outlier detection); replaced as a whole on every mesh apply. */
    private volatile Map<String, ClusterHealth> health = Map.of();
    /** The endpoints last given to each membership-driven cluster; guarded by this. */
    private final Map<String, List<dev.gossamer.balancer.Endpoint>> lastDynamic = new HashMap<>();
    private volatile MeshConfigState meshState = MeshConfigState.NONE;
    private volatile boolean ready;
    private final Counter applies;
    private final Counter rejects;
    private volatile Future<Void> shutdown;
    private final Events events;

    /** What the process supplies: clocks, randomness, the environment for {@code ${VAR}}, event loops. */
    public record Runtime(Ticker ticker, WallClock wallClock, RandomSource random, ConfigLoader loader,
                          int eventLoops) {
        public Runtime {
            Objects.requireNonNull(ticker, "ticker");
            Objects.requireNonNull(wallClock, "wallClock");
            Objects.requireNonNull(random, "random");
            Objects.requireNonNull(loader, "loader");
            if (eventLoops < 1) {
                throw new IllegalArgumentException("eventLoops: " + eventLoops + " (expected: >= 1)");
            }
        }

        /** Production: system clocks, thread-local randomness, the process environment. */
        public static Runtime system(int eventLoops) {
            return new Runtime(Ticker.system(), WallClock.system(), RandomSource.threadLocal(),
                    ConfigLoader.withSystemEnvironment(), eventLoops);
        }
    }

    private Sidecar(Vertx vertx, Plans.NodePlan plan, SourceMap sidecarSource, Runtime runtime,
                    PrometheusMeterRegistry registry, AccessLogWriter accessLog) {
        this.vertx = vertx;
        this.plan = plan;
        this.config = plan.sidecar();
        this.sidecarSource = sidecarSource;
        this.adminToken = plan.adminToken();
        this.loader = runtime.loader();
        this.wallClock = runtime.wallClock();
        this.random = runtime.random();
        this.ticker = runtime.ticker();
        this.registry = registry;
        this.accessLog = accessLog;
        // The observing node leads each line: in the demo (six nodes, one process) it says who saw what.
        String nodeId = config.node().id();
        this.events = new Events(wallClock, ticker, Events.DEFAULT_CAPACITY, (warn, line) -> {
            if (warn) {
                log.warn("{}: {}", nodeId, line);
            } else {
                log.info("{}: {}", nodeId, line);
            }
        });
        DataPlaneOptions.Builder dataPlaneOptions = DataPlaneOptions.builder().acceptorInstances(runtime.eventLoops());
        config.drain().timeout().ifPresent(dataPlaneOptions::drainTimeout);
        config.metrics().perEndpoint().ifPresent(dataPlaneOptions::perEndpointMetrics);
        DataPlaneOptions options = dataPlaneOptions.build();
        this.scheduler = new VertxScheduler(vertx, runtime.ticker());
        this.dataPlane = DataPlane.create(vertx, options, registry, scheduler, random);
        if (accessLog != null) {
            dataPlane.accessLog(accessLog, wallClock);
        }
        this.applies = Counter.builder("gossamer.config.applies")
                .description("Mesh config versions applied by this sidecar").register(registry);
        this.rejects = Counter.builder("gossamer.config.rejects")
                .description("Mesh config changes refused (invalid or unreadable); the old config keeps serving")
                .register(registry);
        Gauge.builder("gossamer.config.version", this, s -> s.meshState.version())
                .description("The mesh config version this sidecar applied (0: none yet)").register(registry);
        dataPlane.addOutcomeListener((cluster, endpoint, outcome, latencyNanos) -> {
            ClusterHealth h = health.get(cluster);
            if (h != null) {
                h.record(endpoint, outcome);
            }
        });
    }

    /**
     * Starts a sidecar: applies the mesh config (when {@code mesh_config} names one; an invalid file fails the
     * start with every problem), binds the listeners and the admin server, and starts watching the mesh file.
     */
    public static Future<Sidecar> start(Vertx vertx, SidecarConfig config, Runtime runtime) {
        return start(vertx, config, SourceMap.empty("sidecar.yaml"), runtime);
    }

    /**
     * Starts a sidecar from a loaded document and where its values were written ({@code sidecarSource}, so a
     * problem found later, such as an unreadable {@code mesh_config}, is reported at its line). Fails with
     * {@link ConfigRejected} when a module refuses a value.
     */
    public static Future<Sidecar> start(Vertx vertx, SidecarConfig config, SourceMap sidecarSource,
                                        Runtime runtime) {
        ConfigResult<Plans.NodePlan> plan = Plans.node(config, sidecarSource);
        if (!plan.isOk()) {
            return Future.failedFuture(new ConfigRejected(plan.problems()));
        }
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ProcessMeters.filter(registry);
        // The JVM's meters (platform MXBeans, GC listeners) bind on a worker thread while the rest starts: they
        // are not part of readiness, but the returned future waits for them, so a started sidecar has them all.
        Future<Void> processMeters = vertx.executeBlocking(() -> {
            ProcessMeters.bind(registry);
            return null;
        });
        AccessLogWriter accessLog = null;
        AccessLogOptions accessLogOptions = plan.value().accessLog();
        if (accessLogOptions.enabled()) {
            try {
                accessLog = AccessLogWriter.open(accessLogOptions, registry, runtime.ticker(), System.out);
            } catch (IOException | RuntimeException e) {
                return Future.failedFuture(new ConfigRejected(List.of(sidecarSource.problem("access_log.path",
                        "\"" + accessLogOptions.path() + "\": cannot open it for appending (" + e
                                + "); create its directory, fix its permissions or set access_log.path to stdout"))));
            }
        }
        Sidecar s = new Sidecar(vertx, plan.value(), sidecarSource, runtime, registry, accessLog);
        return Future.all(s.startAll(), processMeters).map(v -> s).onFailure(err -> s.closeAccessLog());
    }

    private Future<Void> startAll() {
        Future<Void> joined = config.membership().isEmpty() ? Future.succeededFuture()
                : MeshMembership.start(vertx, plan, ticker, scheduler, random, registry,
                        this::refreshDynamicEndpoints, events)
                        .recover(err -> Future.failedFuture(StartupFailure.isBindFailure(err)
                                ? StartupFailure.bind("gossip", config.membership().orElseThrow().address().toString(),
                                        "membership.address", "another gossamer on this machine?", err)
                                : StartupFailure.other("gossip", "membership", err)))
                        .map(m -> {
                            membership = m;
                            m.membership().addListener(this::memberEvent);
                            watchJoin(m, ticker.nanoTime());
                            refreshDynamicEndpoints();
                            return (Void) null;
                        });
        return joined.compose(v -> startServing());
    }

    private Future<Void> startServing() {
        Optional<Path> meshFile = config.meshConfig();
        Future<Void> initial = plan.control().isPresent() ? startControl()
                : meshFile.isPresent()
                ? MeshFile.read(vertx, meshFile.get())
                        .recover(err -> Future.failedFuture(new ConfigRejected(List.of(unreadable(err)))))
                        .compose(content -> {
                            List<ConfigProblem> problems = applyMesh(text(content), meshFile.get().toString(),
                                    OptionalLong.empty());
                            if (!problems.isEmpty()) {
                                return Future.failedFuture(new ConfigRejected(problems));
                            }
                            watcher = new FileWatcher(vertx, meshFile.get(), FileWatcher.DEFAULT_INTERVAL,
                                    this::applyMeshLogged, this::meshFileUnreadable);
                            watcher.start(content);
                            return Future.succeededFuture();
                        })
                : Future.succeededFuture();
        return initial
                .compose(v -> dataPlane.start(Plans.listeners(config.listeners())).recover(this::listenerFailure))
                .compose(v -> {
                    admin = new AdminServer(vertx, this);
                    return admin.listen(config.admin().address().host(), config.admin().address().port())
                            .recover(err -> Future.failedFuture(StartupFailure.isBindFailure(err)
                                    ? StartupFailure.bind("the admin API", config.admin().address().toString(),
                                            "admin.address", "another gossamer or Envoy's admin?", err)
                                    : StartupFailure.other("the admin API", "admin.address", err)));
                })
                .onSuccess(v -> {
                    if (!AdminGuard.loopback(config.admin().address().host()) && adminToken.isEmpty()) {
                        log.warn("the admin API on {} is reachable beyond this machine and no control.token_file is "
                                + "configured: anyone who reaches it can drain or stop this node", adminAddress());
                    }
                    // A voter serves the control plane before any config exists; a sidecar needs one to route.
                    ready = meshState.applied() || (meshFile.isEmpty() && plan.control().isEmpty())
                            || plan.control().flatMap(ControlOptions::self).isPresent();
                    log.info("node {} ready: listeners {}, admin on {}", config.node().id(), listenerSummary(),
                            adminAddress());
                })
                .onFailure(err -> {
                    dataPlane.drain(Duration.ZERO);
                    MeshMembership m = membership;
                    if (m != null) {
                        m.leave(Duration.ofMillis(500)); // a node that cannot serve must not stay advertised
                    }
                });
    }

    /** Null when {@code host:port} can be bound for TCP now (and is released at once); else why not. */
    private static Throwable bindProbe(String host, int port) {
        try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
            probe.bind(new java.net.InetSocketAddress(host, port));
            return null;
        } catch (IOException | RuntimeException e) {
            return e;
        }
    }

    /** A listener that could not bind, named by its key in sidecar.yaml (the first one left unbound). */
    private Future<Void> listenerFailure(Throwable err) {
        if (!StartupFailure.isBindFailure(err)) {
            return Future.failedFuture(err);
        }
        for (int i = 0; i < config.listeners().size(); i++) {
            var l = config.listeners().get(i);
            if (dataPlane.boundPort(l.name()) < 0) {
                return Future.failedFuture(StartupFailure.bind("listener " + l.name(), l.address().toString(),
                        "listeners[" + i + "].address", "another gossamer, or the application itself?", err));
            }
        }
        return Future.failedFuture(StartupFailure.other("the listeners", "listeners", err));
    }

    /** The mesh file could not be read: a problem at the {@code mesh_config} key of the sidecar document. */
    private ConfigProblem unreadable(Throwable err) {
        return sidecarSource.problem("mesh_config", "\"" + config.meshConfig().map(Path::toString).orElse("")
                + "\": " + MeshFile.describe(err));
    }

    /** The watcher could not read the file: reported once per distinct problem; the old config keeps serving. */
    private void meshFileUnreadable(Throwable err) {
        reject(List.of(unreadable(err)), "mesh config file unreadable");
    }

    /** A mesh config that failed validation; its message lists every problem, one per line. */
    public static final class ConfigRejected extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient List<ConfigProblem> problems;

        ConfigRejected(List<ConfigProblem> problems) {
            super(problems.size() + " problem(s) in the mesh config:\n"
                    + String.join("\n", problems.stream().map(ConfigProblem::toString).toList()));
            this.problems = List.copyOf(problems);
        }

        public List<ConfigProblem> problems() {
            return problems;
        }
    }

    private void applyMeshLogged(Buffer content) {
        long before = meshState.version();
        Path file = config.meshConfig().orElseThrow();
        if (applyMesh(text(content), file.toString(), OptionalLong.empty()).isEmpty()
                && meshState.version() != before) {
            log.info("mesh config version {} applied from {}", meshState.version(), meshState.source());
        }
    }

    /**
     * Applies mesh text in two phases. Phase one loads it and builds everything it needs ({@link Plans#mesh}); on
     * any problem nothing changes, the problems are logged once, kept for {@code /admin/config} and counted.
     * Phase two swaps the built plan in; it does not validate and cannot fail. Returns the problems (empty when
     * applied or unchanged).
     */
    synchronized List<ConfigProblem> applyMesh(String text, String source, OptionalLong committedVersion) {
        byte[] digest = sha256(text);
        if (meshState.applied() && meshState.digest().equals(HexFormat.of().formatHex(digest))
                && (committedVersion.isEmpty() || committedVersion.getAsLong() == meshState.version())) {
            meshState = meshState.withError(List.of(), 0); // back to what serves: nothing to report any more
            return List.of();
        }
        // A mesh document from the control plane is shared by nodes with different listeners: a route naming a
        // listener this node lacks simply never matches here. From a node's own file, it is a mistake.
        Set<String> checkListeners = plan.control().isPresent() ? null : config.listenerNames();
        ConfigResult<MeshConfig> loaded = loader.loadMesh(source, text, checkListeners);
        ConfigResult<Plans.MeshPlan> built = loaded.isOk()
                ? Plans.mesh(loaded.value(), loaded.sourceMap(), config.listenerNames(), random)
                // Every problem at once, the modules' rules too, as `gossamer validate` reports them.
                : ConfigResult.failed(new ConfigValidator(loader, Plans.RULES)
                        .validateMesh(source, text, checkListeners).problems());
        if (!built.isOk()) {
            reject(built.problems(), "mesh config rejected");
            return built.problems();
        }
        Plans.MeshPlan plan = built.value();
        // Phase two: nothing below validates, so nothing below fails for a plan that built.
        dataPlane.apply(plan.table());
        applyHealth(plan);
        refreshDynamicEndpoints(plan.mesh(), true);
        meshState = committedVersion.isPresent()
                ? meshState.withApplied(committedVersion.getAsLong(), digest, source, wallClock.currentTimeMillis(),
                        text, plan.mesh())
                : meshState.withApplied(digest, source, wallClock.currentTimeMillis(), text, plan.mesh());
        MeshMembership m = membership;
        if (m != null) {
            m.announceConfig(meshState.version(), meshState.digest());
        }
        applies.increment();
        events.publish(Events.Kind.CONFIG_APPLIED, Long.toString(meshState.version()),
                "mesh config version " + meshState.version() + " applied from " + source);
        if (!ready && admin != null && !dataPlane.draining()) {
            ready = true;
        }
        return List.of();
    }

    // ---- the control plane as the mesh config's source ----

    /**
     * Serves the last applied config from the data dir at once (static stability: no voter needs to be reachable),
     * then follows the control plane: a voter applies what its state machine applies, a plain sidecar fetches what
     * a voter announces.
     */
    private Future<Void> startControl() {
        ControlOptions options = plan.control().orElseThrow();
        return PersistedConfig.read(vertx, options.dataDir())
                .compose(persisted -> {
                    persisted.ifPresent(p -> {
                        List<ConfigProblem> problems = applyMesh(p.yaml(), "persisted version " + p.version(),
                                OptionalLong.of(p.version()));
                        if (problems.isEmpty()) {
                            log.info("serving mesh config version {} from {} until the control plane answers",
                                    p.version(), options.dataDir());
                        }
                    });
                    MeshValidator validator = (source, yaml) -> new ConfigValidator(loader, Plans.RULES)
                            .validateMesh(source, yaml, null).problems().stream().map(ConfigProblem::toString).toList();
                    // Ratis ends the JVM itself when its gRPC server cannot bind ("Terminating with exit status 1"),
                    // before any error could be reported: a busy voter port is found here first.
                    Optional<dev.gossamer.control.Voter> self = options.self();
                    if (self.isPresent()) {
                        Throwable busy = bindProbe(self.get().host(), self.get().port());
                        if (busy != null) {
                            return Future.failedFuture(StartupFailure.bind("the control plane (Raft)",
                                    self.get().address(), "control.voters", "another voter on this machine?", busy));
                        }
                    }
                    return ControlLink.start(vertx, options, this, scheduler, validator, wallClock)
                            .recover(err -> Future.failedFuture(StartupFailure.isBindFailure(err)
                                    ? StartupFailure.bind("the control plane (Raft)", self
                                            .map(dev.gossamer.control.Voter::address).orElse("its voter address"),
                                            "control.voters", "another voter on this machine?", err)
                                    : StartupFailure.other("the control plane (Raft)", "control.data_dir and "
                                            + "control.voters", err)));
                })
                .map(link -> {
                    control = link;
                    return (Void) null;
                });
    }

    /**
     * Applies a version the control plane committed (on this node's context); on success the version is persisted
     * in the data dir and announced by gossip. The leader validated it with the same phase one, so a problem here
     * means this node differs (a listener, a module version): it is reported like any rejected change.
     */
    List<ConfigProblem> applyCommitted(long version, String yaml, String digest, String source) {
        if (!HexFormat.of().formatHex(sha256(yaml)).equals(digest)) {
            List<ConfigProblem> problems = List.of(new ConfigProblem("version " + version, 1, 1, ConfigProblem.ROOT,
                    "digest mismatch (expected: " + digest + ")"));
            reject(problems, "committed mesh config version " + version + " refused");
            return problems;
        }
        long before = meshState.version();
        List<ConfigProblem> problems = applyMesh(yaml, "version " + version + " (" + source + ")",
                OptionalLong.of(version));
        if (problems.isEmpty() && meshState.version() != before) {
            log.info("mesh config version {} applied ({})", version, source);
            PersistedConfig.write(vertx, plan.control().orElseThrow().dataDir(), version, yaml)
                    .onFailure(err -> log.warn("could not persist mesh config version {}: {}", version,
                            err.toString()));
        }
        return problems;
    }

    /** This node's link to the control plane, when {@code control:} is configured. */
    Optional<ControlLink> control() {
        return Optional.ofNullable(control);
    }

    private static String text(Buffer content) {
        return content.toString(StandardCharsets.UTF_8);
    }

    private static byte[] sha256(String text) {
        return FileWatcher.digest(Buffer.buffer(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** Keeps a rejection for {@code /admin/config}, counts it, and logs it once (not on every poll). */
    private synchronized void reject(List<ConfigProblem> problems, String what) {
        boolean again = problems.equals(meshState.lastError());
        meshState = meshState.withError(problems, again ? meshState.lastErrorAtMillis() : wallClock.currentTimeMillis());
        if (again) {
            return;
        }
        rejects.increment();
        events.publish(Events.Kind.CONFIG_REJECTED, Long.toString(meshState.version()), what + " ("
                + problems.size() + " problem(s), first: " + problems.get(0) + "); version " + meshState.version()
                + " keeps serving");
        log.warn("{}; version {} keeps serving:\n{}", what, meshState.version(),
                String.join("\n", problems.stream().map(ConfigProblem::toString).toList()));
    }

    /**
     * Keeps the health state of clusters whose health settings did not change (so a reload does not forget an
     * ejection), builds it for new or changed ones, and closes it for removed ones.
     */
    private void applyHealth(Plans.MeshPlan plan) {
        Map<String, ClusterHealth> old = health;
        Map<String, ClusterHealth> next = new HashMap<>();
        for (ClusterConfig c : plan.mesh().clusters()) {
            Plans.ClusterPlan cp = plan.clusters().get(c.name());
            ClusterHealth keep = old.get(c.name());
            if (keep != null && keep.plan().sameHealth(cp)) {
                next.put(c.name(), keep);
            } else {
                if (keep != null) {
                    keep.close();
                }
                Optional<ClusterHealth> h = ClusterHealth.of(cp, dataPlane, vertx, scheduler, random,
                        registry, events);
                if (h.isPresent()) {
                    next.put(c.name(), h.get());
                } else {
                    dataPlane.setEndpointFilter(c.name(), e -> true);
                }
            }
            ClusterHealth h = next.get(c.name());
            if (h != null && c.endpoints().isPresent()) {
                h.setEndpoints(Plans.endpoints(c.endpoints().get()));
            }
        }
        for (Map.Entry<String, ClusterHealth> e : old.entrySet()) {
            if (next.get(e.getKey()) != e.getValue()) {
                e.getValue().close();
            }
        }
        health = Map.copyOf(next);
    }

    /**
     * Gives every cluster without static endpoints the endpoints membership knows for the service of the same
     * name. Runs after every membership event and every mesh apply; the data plane keeps them across applies.
     */
    private void refreshDynamicEndpoints() {
        ControlLink c = control;
        if (c != null) {
            c.membershipChanged();
        }
        MeshConfig mesh = meshState.mesh();
        if (mesh != null) {
            refreshDynamicEndpoints(mesh, false);
        }
    }

    /**
     * Most membership events (a suspicion, a refutation, another service's metadata) leave a cluster's endpoints
     * as they were; those rebuild nothing. After a mesh apply every cluster is pushed ({@code force}), since its
     * health state may be new.
     */
    private synchronized void refreshDynamicEndpoints(MeshConfig mesh, boolean force) {
        MeshMembership m = membership;
        if (m == null) {
            return;
        }
        for (ClusterConfig c : mesh.clusters()) {
            if (c.endpoints().isEmpty()) {
                List<dev.gossamer.balancer.Endpoint> eps = m.endpoints(c.name());
                if (!force && eps.equals(lastDynamic.get(c.name()))) {
                    continue;
                }
                lastDynamic.put(c.name(), eps);
                dataPlane.setEndpoints(c.name(), eps);
                ClusterHealth h = health.get(c.name());
                if (h != null) {
                    h.setEndpoints(eps);
                }
            }
        }
    }

    /** The recent events of this node (the dashboard's feed). */
    Events events() {
        return events;
    }

    /** A membership change as an event, logged once (through the events' rate limit). */
    private void memberEvent(MembershipEvent e) {
        Member m = e.member();
        if (m.local()) {
            return;
        }
        String who = m.id() + " (" + m.address() + (m.zone().isEmpty() ? "" : ", zone " + m.zone()) + ")";
        switch (e.type()) {
            case JOINED -> events.publishLogged(Events.Kind.MEMBER_JOINED, m.id(), "member " + who + " joined");
            case SUSPECTED -> events.publishLogged(Events.Kind.MEMBER_SUSPECT, m.id(), "member " + who
                    + " is suspect: it missed a probe (incarnation " + m.incarnation() + ")");
            case RECOVERED -> events.publishLogged(Events.Kind.MEMBER_ALIVE, m.id(), "member " + who
                    + " is alive again: it refuted the suspicion");
            case FAILED -> events.publishLogged(Events.Kind.MEMBER_DEAD, m.id(), "member " + who
                    + " is dead: its suspicion timed out; its endpoints leave every picker");
            case LEFT -> events.publishLogged(Events.Kind.MEMBER_LEFT, m.id(), "member " + who + " left the mesh");
            case UPDATED, REAPED -> {
                // metadata and tombstones: shown in /admin/members, not news
            }
        }
    }

    /** How long a node may try its seeds before it says, once, that it is still alone. */
    static final Duration JOIN_GRACE = Duration.ofSeconds(5);

    /**
     * Watches the join through the seeds: a node still alone after {@link #JOIN_GRACE} says so once (log, event,
     * {@code /admin/members}, the {@code gossamer_membership_joined} gauge), and once more when it finally joins.
     */
    private void watchJoin(MeshMembership m, long startedNanos) {
        scheduler.schedule(Duration.ofMillis(500), new Runnable() {
            private boolean reported;

            @Override
            public void run() {
                if (shutdown != null) {
                    return;
                }
                long waited = ticker.nanoTime() - startedNanos;
                if (m.membership().joined()) {
                    if (reported) {
                        events.publishLogged(Events.Kind.JOINED_MESH, config.node().id(), "node "
                                + config.node().id() + " joined the mesh through its seeds after "
                                + Duration.ofNanos(waited).toSeconds() + " s");
                    }
                    return;
                }
                if (!reported && waited >= JOIN_GRACE.toNanos()) {
                    reported = true;
                    events.publishLogged(Events.Kind.JOIN_FAILED, config.node().id(), "node " + config.node().id()
                            + " has not joined any seed after " + Duration.ofNanos(waited).toSeconds() + " s (seeds: "
                            + String.join(", ", plan.membership().orElseThrow().seeds()) + "; "
                            + m.dropSummary() + "): check that a seed runs at that address, is reachable, and shares "
                            + "a key of membership.keys; still trying");
                }
                scheduler.schedule(Duration.ofMillis(500), this);
            }
        });
    }

    /** This node's membership, when {@code membership:} is configured. */
    Optional<MeshMembership> membership() {
        return Optional.ofNullable(membership);
    }

    /** The health of {@code cluster}, if it has checks or outlier detection. */
    Optional<ClusterHealth> health(String cluster) {
        return Optional.ofNullable(health.get(cluster));
    }

    /**
     * Re-reads the mesh config file now (SIGHUP, {@code POST /admin/reload}). Completes with the problems of the
     * file (empty when it applied or was unchanged); the old config keeps serving on problems.
     */
    public Future<List<ConfigProblem>> reload() {
        Optional<Path> file = config.meshConfig();
        if (file.isEmpty()) {
            return Future.succeededFuture(List.of());
        }
        if (control != null) {
            return Future.succeededFuture(List.of()); // the control plane's versions are what applies
        }
        return MeshFile.read(vertx, file.get())
                .map(content -> {
                    List<ConfigProblem> problems = applyMesh(text(content), file.get().toString(),
                            OptionalLong.empty());
                    if (problems.isEmpty()) {
                        log.info("reload: mesh config version {} serving", meshState.version());
                    }
                    return problems;
                })
                .recover(err -> {
                    List<ConfigProblem> problems = List.of(unreadable(err));
                    reject(problems, "reload: mesh config file unreadable");
                    return Future.succeededFuture(problems);
                });
    }

    /** Turns readiness off and drains the data plane (in-flight requests finish within the drain timeout). */
    public Future<Void> drain() {
        ready = false;
        if (watcher != null) {
            watcher.stop();
        }
        log.info("draining: {} request(s) in flight, timeout {}", dataPlane.activeRequests(),
                dataPlane.options().drainTimeout());
        return dataPlane.drain(dataPlane.options().drainTimeout());
    }

    /** Drains, then closes the admin server; completes {@link #terminated()}. Idempotent. */
    public synchronized Future<Void> shutdown() {
        if (shutdown == null) {
            // Leave the gossip mesh first so other sidecars stop sending to this node's services while the
            // outbound listeners drain.
            MeshMembership m = membership;
            Future<Void> left = m == null ? Future.succeededFuture()
                    : m.leave(Duration.ofSeconds(1)).recover(err -> Future.succeededFuture());
            ControlLink c = control;
            shutdown = Future.join(left, drain()).<Void>mapEmpty()
                    .transform(ar -> c != null ? c.close() : Future.succeededFuture())
                    .transform(ar -> admin != null ? admin.close() : Future.succeededFuture())
                    .onComplete(ar -> {
                        health.values().forEach(ClusterHealth::close);
                        closeAccessLog();
                        registry.close();
                        log.info("node {} stopped", config.node().id());
                        terminated.tryComplete();
                    });
        }
        return shutdown;
    }

    private void closeAccessLog() {
        if (accessLog != null) {
            dataPlane.accessLog(null, wallClock);
            accessLog.close();
        }
    }

    /** Completes once {@link #shutdown} finished, whoever asked for it (a signal, {@code /quitquitquit}). */
    public Future<Void> terminated() {
        return terminated.future();
    }

    public boolean ready() {
        return ready && !dataPlane.draining();
    }

    public SidecarConfig config() {
        return config;
    }

    public DataPlane dataPlane() {
        return dataPlane;
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    Scheduler scheduler() {
        return scheduler;
    }

    Ticker ticker() {
        return ticker;
    }

    MeshConfigState meshState() {
        return meshState;
    }

    /**
     * The bearer token of {@code control.token_file}, read at start; empty when none is configured. Never logged or
     * shown in the admin API.
     */
    Optional<String> adminToken() {
        return adminToken;
    }

    /** The port a listener is bound to (useful with port 0). */
    public int listenerPort(String name) {
        return dataPlane.boundPort(name);
    }

    /** {@code host:port} of the admin API as bound. */
    public String adminAddress() {
        return admin == null ? "-" : config.admin().address().host() + ":" + admin.port();
    }

    public int adminPort() {
        return admin == null ? -1 : admin.port();
    }

    private String listenerSummary() {
        return String.join(", ", config.listeners().stream()
                .map(l -> l.name() + "=" + l.address().host() + ":" + dataPlane.boundPort(l.name())).toList());
    }
}
