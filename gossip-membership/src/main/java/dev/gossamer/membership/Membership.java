package dev.gossamer.membership;

import dev.gossamer.vertx.VertxScheduler;
import dev.gossamer.common.RandomSource;
import dev.gossamer.common.Scheduler;
import dev.gossamer.common.Ticker;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The membership service the sidecar runs: a {@link SwimNode} on a {@link VertxTransport} (UDP + TCP on one port)
 * on one Vert.x event loop, with Micrometer metrics.
 *
 * <pre>{@code
 * Membership.start(vertx, MembershipOptions.lan().toBuilder().seeds(seeds).keyring(keys).build(),
 *         new LocalMember("node-a", "10.0.0.5:7946", metadata), Ticker.system(), RandomSource.threadLocal(),
 *         registry)
 *     .onSuccess(m -> m.addListener(e -> rebuildPickers(m.members())));
 * }</pre>
 *
 * <p>Threading: every method may be called from any thread. {@link #members()} returns an immutable snapshot
 * refreshed after every change (and once per probe interval for the local health); listeners run on the
 * membership's event loop and must not block.
 */
public final class Membership {

    private static final System.Logger LOG = System.getLogger(Membership.class.getName());

    private final Context context;
    private final SwimNode node;
    private final MembershipOptions options;
    private final String boundAddress;
    private volatile List<Member> snapshot = List.of();
    private Scheduler.Cancellable refreshTimer; // on the context's thread only

    private Membership(Context context, SwimNode node, MembershipOptions options, String boundAddress) {
        this.context = context;
        this.node = node;
        this.options = options;
        this.boundAddress = boundAddress;
    }

    /**
     * Binds UDP and TCP on {@code local.address()} (port 0 picks a free port, then advertised), starts the protocol
     * and joins through {@code options.seeds()}. The future completes once bound and started; joining continues in
     * the background with retries (see {@link #joined()}). Metrics go to {@code registry} (may be null).
     */
    public static Future<Membership> start(Vertx vertx, MembershipOptions options, LocalMember local, Ticker ticker,
                                           RandomSource random, MeterRegistry registry) {
        return start(vertx, options, local, VertxTransport.host(local.address()),
                VertxTransport.port(local.address()), ticker, random, registry);
    }

    /**
     * Like {@link #start(Vertx, MembershipOptions, LocalMember, Ticker, RandomSource, MeterRegistry)} but binds
     * {@code bindHost:bindPort} (e.g. {@code 0.0.0.0:7946}; port 0 picks a free port) while advertising
     * {@code local.address()} to the other members (e.g. {@code 10.0.0.5:8946} behind a NAT or a Kubernetes
     * Service); an advertised port of 0 means the bound port. {@link #boundAddress()} says what was bound.
     */
    public static Future<Membership> start(Vertx vertx, MembershipOptions options, LocalMember local,
                                           String bindHost, int bindPort, Ticker ticker, RandomSource random,
                                           MeterRegistry registry) {
        Objects.requireNonNull(vertx, "vertx");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(local, "local");
        Objects.requireNonNull(ticker, "ticker");
        Objects.requireNonNull(random, "random");
        Objects.requireNonNull(bindHost, "bindHost");
        if (bindPort < 0 || bindPort > 65_535) {
            return Future.failedFuture(new IllegalArgumentException(
                    "bindPort: " + bindPort + " (expected: 0..65535)"));
        }
        if (options.keyring() == null || options.keyring().size() == 0) {
            LOG.log(System.Logger.Level.WARNING, "gossip is not encrypted: no keyring configured for cluster "
                    + options.clusterName());
        }
        Context ctx = vertx.getOrCreateContext();
        Promise<Membership> promise = Promise.promise();
        ctx.runOnContext(v -> {
            VertxScheduler scheduler = new VertxScheduler(ctx, ticker);
            VertxTransport.bind(vertx, scheduler, bindHost, bindPort, VertxTransport.host(local.address()),
                            VertxTransport.port(local.address()), VertxTransport.Limits.of(options))
                    .onFailure(promise::fail)
                    .onSuccess(t -> {
                        try {
                            LocalMember advertised = new LocalMember(local.id(), t.localAddress(), local.metadata());
                            SwimNode node = new SwimNode(options, advertised, t, scheduler, random);
                            Membership m = new Membership(ctx, node, options, t.boundAddress());
                            node.addListener(e -> m.refresh());
                            node.start();
                            m.refresh();
                            m.refreshLoop(scheduler);
                            if (registry != null) {
                                MembershipMetrics.bind(registry, m);
                            }
                            promise.complete(m);
                        } catch (RuntimeException e) {
                            t.close();
                            promise.fail(e);
                        }
                    });
        });
        return promise.future();
    }

    private void refreshLoop(Scheduler scheduler) {
        refreshTimer = scheduler.schedule(options.probeInterval(), () -> {
            if (node.running()) {
                refresh();
                refreshLoop(scheduler);
            }
        });
    }

    private void stopRefreshLoop() {
        if (refreshTimer != null) {
            refreshTimer.cancel();
            refreshTimer = null;
        }
    }

    private void refresh() {
        snapshot = List.copyOf(node.members());
    }

    /** Every known member including this node and tombstones (dead and left), as of the last change. */
    public List<Member> members() {
        return snapshot;
    }

    /** This node as others see it (with its local health multiplier). */
    public Member self() {
        for (Member m : snapshot) {
            if (m.local()) {
                return m;
            }
        }
        throw new IllegalStateException("no local member");
    }

    /** The advertised gossip address ({@code host:port}, with the real port when bound to 0). */
    public String address() {
        return node.address();
    }

    /** Where the gossip sockets (UDP and TCP) are bound, {@code host:port} with the real port when bound to 0. */
    public String boundAddress() {
        return boundAddress;
    }

    /** Lifeguard local health multiplier: 0 = healthy; timeouts are stretched by (health + 1). */
    public int localHealth() {
        return self().localHealth();
    }

    /** True once a push-pull with a seed succeeded (or there were no seeds). */
    public boolean joined() {
        return node.joined();
    }

    /** Counters for tests, dashboards and benchmarks. */
    public MembershipStats stats() {
        return node.stats();
    }

    /** Listener for changes, called on the membership's event loop. */
    public void addListener(MembershipListener listener) {
        Objects.requireNonNull(listener, "listener");
        context.runOnContext(v -> node.addListener(listener));
    }

    public void removeListener(MembershipListener listener) {
        context.runOnContext(v -> node.removeListener(listener));
    }

    /** Announces new metadata (new incarnation). Fails if the metadata is too large or the node stopped. */
    public Future<Void> updateMetadata(Metadata metadata) {
        Objects.requireNonNull(metadata, "metadata");
        Promise<Void> p = Promise.promise();
        context.runOnContext(v -> {
            try {
                node.updateMetadata(metadata);
                refresh();
                p.complete();
            } catch (RuntimeException e) {
                p.fail(e);
            }
        });
        return p.future();
    }

    /** Announces {@code left}, gossips it for {@code timeout}, then closes the sockets. */
    public Future<Void> leave(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        Promise<Void> p = Promise.promise();
        context.runOnContext(v -> node.leave(timeout, () -> {
            stopRefreshLoop();
            refresh();
            p.complete();
        }));
        return p.future();
    }

    /** Stops at once without telling anyone; others will detect a failure. */
    public Future<Void> close() {
        Promise<Void> p = Promise.promise();
        context.runOnContext(v -> {
            node.shutdown();
            stopRefreshLoop();
            p.complete();
        });
        return p.future();
    }

    /** Runs {@code action} on the membership's event loop with the protocol node (tests, diagnostics). */
    void onContext(java.util.function.Consumer<SwimNode> action) {
        context.runOnContext(v -> action.accept(node));
    }
}
