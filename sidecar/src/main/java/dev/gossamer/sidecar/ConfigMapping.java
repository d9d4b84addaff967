package dev.gossamer.sidecar;

import dev.gossamer.balancer.BalancingPolicy;
import dev.gossamer.balancer.Endpoint;
import dev.gossamer.balancer.LeastRequestOptions;
import dev.gossamer.balancer.MaglevOptions;
import dev.gossamer.balancer.RingHashOptions;
import dev.gossamer.balancer.SlowStart;
import dev.gossamer.common.RandomSource;
import dev.gossamer.config.BalancerConfig;
import dev.gossamer.config.ClusterConfig;
import dev.gossamer.config.EndpointConfig;
import dev.gossamer.config.ListenerConfig;
import dev.gossamer.config.MeshConfig;
import dev.gossamer.config.RetryConfig;
import dev.gossamer.config.RouteConfig;
import dev.gossamer.proxy.ClusterSpec;
import dev.gossamer.proxy.HashOn;
import dev.gossamer.proxy.HeaderMatch;
import dev.gossamer.proxy.ListenerSpec;
import dev.gossamer.proxy.Protocol;
import dev.gossamer.proxy.RetryOn;
import dev.gossamer.proxy.RetrySpec;
import dev.gossamer.proxy.RouteMatch;
import dev.gossamer.proxy.RouteSpec;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Maps the parsed YAML model ({@code config}) onto each module's own options: the one place that knows both, so
 * {@code proxy} and {@code balancer} never depend on {@code config}. Pure functions; the config was validated by
 * the loader, so a mapping failure here is a bug, not bad input.
 */
final class ConfigMapping {

    private ConfigMapping() {}

    /** The data plane's view of one mesh config. */
    record Routing(List<RouteSpec> routes, List<ClusterSpec> clusters) {}

    static List<ListenerSpec> listeners(List<ListenerConfig> listeners) {
        return listeners.stream()
                .map(l -> new ListenerSpec(l.name(), l.address().host(), l.address().port()))
                .toList();
    }

    /**
     * The routes and clusters of {@code mesh}. A route without a listener applies to every listener of this node;
     * a cluster without static endpoints starts empty and is filled from membership.
     */
    static Routing routing(MeshConfig mesh, Set<String> listenerNames, RandomSource random) {
        List<RouteSpec> routes = new ArrayList<>();
        for (RouteConfig r : mesh.routes()) {
            List<String> on = r.listener().map(List::of).orElseGet(() -> listenerNames.stream().sorted().toList());
            for (String listener : on) {
                routes.add(new RouteSpec(r.name(), listener, match(r.match()), r.cluster(), r.timeout(),
                        retries(r.retries())));
            }
        }
        List<ClusterSpec> clusters = new ArrayList<>();
        for (ClusterConfig c : mesh.clusters()) {
            clusters.add(cluster(c, random));
        }
        return new Routing(List.copyOf(routes), List.copyOf(clusters));
    }

    static ClusterSpec cluster(ClusterConfig c, RandomSource random) {
        List<Endpoint> endpoints = c.endpoints().map(ConfigMapping::endpoints).orElse(null);
        HashOn hashOn = c.balancer() instanceof BalancerConfig.ConsistentHash ch ? hashOn(ch.hashOn()) : HashOn.NONE;
        Protocol protocol = c.protocol() == ClusterConfig.Protocol.HTTP2 ? Protocol.HTTP2 : Protocol.HTTP1;
        SlowStart slowStart = c.slowStart()
                .map(ss -> new SlowStart(ss.window(), (int) Math.max(1, Math.round(ss.minWeightPercent()))))
                .orElse(null);
        return new ClusterSpec(c.name(), endpoints, policy(c.balancer(), random), hashOn, protocol,
                c.connectTimeout(), c.maxConnectionsPerEndpoint(), (int) Math.round(c.panicThresholdPercent()),
                slowStart);
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
            return BalancingPolicy.leastRequest(LeastRequestOptions.defaults().withChoiceCount(lr.choiceCount()),
                    random);
        } else if (b instanceof BalancerConfig.ConsistentHash ch) {
            if (ch.algorithm() == BalancerConfig.ConsistentHash.Algorithm.MAGLEV) {
                MaglevOptions o = MaglevOptions.defaults().withTableSize(ch.tableSize());
                if (ch.boundedLoad().isPresent()) {
                    o = o.withBoundedLoad(ch.boundedLoad().getAsDouble());
                }
                return BalancingPolicy.maglev(o, random);
            }
            RingHashOptions o = RingHashOptions.defaults()
                    .withRingSize(ch.minRingSize(), Math.max(ch.minRingSize(), RingHashOptions.DEFAULT_MAX_RING_SIZE));
            if (ch.boundedLoad().isPresent()) {
                o = o.withBoundedLoad(ch.boundedLoad().getAsDouble());
            }
            return BalancingPolicy.ringHash(o, random);
        }
        throw new IllegalArgumentException("balancer: " + b + " (expected: a known policy)");
    }

    static HashOn hashOn(dev.gossamer.config.HashOn h) {
        return switch (h.kind()) {
            case HEADER -> HashOn.header(h.name());
            case COOKIE -> HashOn.cookie(h.name());
            case QUERY_PARAMETER -> HashOn.query(h.name());
            case SOURCE_IP -> HashOn.sourceIp();
            case PATH -> HashOn.path();
        };
    }

    static RouteMatch match(dev.gossamer.config.RouteMatch m) {
        String path = null;
        String prefix = null;
        Pattern regex = null;
        switch (m.pathKind()) {
            case EXACT -> path = m.path();
            case PREFIX -> prefix = m.path();
            case REGEX -> regex = Pattern.compile(m.path());
        }
        List<HeaderMatch> headers = m.headers().stream().map(ConfigMapping::header).toList();
        return new RouteMatch(m.authority().orElse(null), path, prefix, regex, headers, new HashSet<>(m.methods()));
    }

    static HeaderMatch header(dev.gossamer.config.HeaderMatch h) {
        return switch (h.kind()) {
            case EXACT -> HeaderMatch.exact(h.name(), h.value());
            case REGEX -> HeaderMatch.regex(h.name(), Pattern.compile(h.value()));
            case PRESENT -> HeaderMatch.present(h.name());
        };
    }

    /** YAML {@code attempts} counts retries after the first try; the proxy counts tries. */
    static RetrySpec retries(RetryConfig r) {
        Set<RetryOn> on = EnumSet.noneOf(RetryOn.class);
        for (RetryConfig.RetryOn o : r.retryOn()) {
            switch (o) {
                case CONNECT_FAILURE -> on.add(RetryOn.CONNECT_FAILURE);
                case RESET -> on.add(RetryOn.RESET);
                case GATEWAY_ERROR -> on.add(RetryOn.GATEWAY_ERROR);
                case _5XX -> on.add(RetryOn.SERVER_ERROR_5XX);
            }
        }
        return new RetrySpec(r.attempts() + 1, on, r.perTryTimeout(), (int) Math.round(r.budgetPercent()),
                r.minRetryConcurrency(), r.retryNonIdempotent());
    }
}
