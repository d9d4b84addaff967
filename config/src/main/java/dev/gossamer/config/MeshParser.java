package dev.gossamer.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/** Reads a mesh.yaml node tree into {@link MeshConfig}, filling defaults and checking references. Stateless. */
final class MeshParser {

    private static final Map<String, ClusterConfig.Protocol> PROTOCOLS = ordered(
            "http1", ClusterConfig.Protocol.HTTP1, "http2", ClusterConfig.Protocol.HTTP2);
    private static final Map<String, String> POLICIES = ordered("round_robin", "round_robin", "random", "random",
            "least_request", "least_request", "consistent_hash", "consistent_hash");
    private static final Map<String, BalancerConfig.ConsistentHash.Algorithm> ALGORITHMS = ordered(
            "maglev", BalancerConfig.ConsistentHash.Algorithm.MAGLEV,
            "ring", BalancerConfig.ConsistentHash.Algorithm.RING);
    private static final Map<String, RetryConfig.RetryOn> RETRY_ON = retryOn();
    private static final Map<String, String> METHODS = methods();
    private static final List<String> PATH_KEYS = List.of("path_prefix", "path", "path_regex");

    private MeshParser() {
    }

    /** {@code listenerNames} null skips the listener cross-reference check. */
    static MeshConfig parse(Doc d, Node root, Set<String> listenerNames) {
        Obj o = d.obj(root, "", "");
        SidecarParser.Uniques clusterNames = new SidecarParser.Uniques(d, "cluster");
        List<ClusterConfig> clusters = SidecarParser.orList(o.list("clusters", (el, path) -> {
            Obj c = d.obj(el, path, "clusters[]");
            String name = c.requiredString("name", "a cluster name", Names::name);
            clusterNames.add(name, c.value("name"), c.path("name"));
            return cluster(c, SidecarParser.orEmpty(name));
        }));
        // A broken clusters list would make every route's reference look wrong: check references only when whole.
        boolean checkClusters = !o.has("clusters") || o.value("clusters") instanceof SequenceNode;

        SidecarParser.Uniques routeNames = new SidecarParser.Uniques(d, "route");
        List<RouteConfig> routes = SidecarParser.orList(o.list("routes", (el, path) -> {
            Obj r = d.obj(el, path, "routes[]");
            String name = r.requiredString("name", "a route name", Names::name);
            routeNames.add(name, r.value("name"), r.path("name"));
            Optional<String> listener = Optional.empty();
            if (r.has("listener")) {
                String l = r.requiredString("listener", "a listener name", Names::name);
                if (l != null && listenerNames != null && !listenerNames.contains(l)) {
                    r.problem("listener", Doc.quote(l) + " (expected: a listener of the sidecar: "
                            + String.join(", ", new TreeSet<>(listenerNames)) + Hints.didYouMean(l, listenerNames)
                            + ")");
                }
                listener = Optional.ofNullable(l);
            }
            Obj m = r.obj("match", "routes[].match");
            RouteMatchConfig match = m == null ? RouteMatchConfig.ANY : match(m);
            String cluster = r.requiredString("cluster", "the name of a cluster", Names::name);
            if (cluster != null && checkClusters && !clusterNames.contains(cluster)) {
                r.problem("cluster", Doc.quote(cluster) + " (expected: the name of a cluster in this document"
                        + (clusterNames.names.isEmpty() ? "; there are none" : ": "
                        + String.join(", ", clusterNames.names) + Hints.didYouMean(cluster, clusterNames.names))
                        + ")");
            }
            Optional<Duration> timeout = r.optDuration("timeout");
            Obj rt = r.obj("retries", "routes[].retries");
            RetryConfig retries = rt == null ? RetryConfig.UNSET : retries(rt);
            return new RouteConfig(SidecarParser.orEmpty(name), listener, match, SidecarParser.orEmpty(cluster),
                    timeout, retries, r.optDuration("idle_timeout"));
        }));
        return new MeshConfig(routes, clusters);
    }

    private static RouteMatchConfig match(Obj m) {
        Doc d = m.doc;
        Optional<String> authority = Optional.ofNullable(
                m.string("authority", null, "an authority", Names::authority));
        RouteMatchConfig.PathKind kind = RouteMatchConfig.PathKind.PREFIX;
        String path = "/";
        String first = null;
        for (String key : PATH_KEYS) {
            if (!m.has(key)) {
                continue;
            }
            if (first != null) {
                m.problem(key, "both '" + first + "' and '" + key + "' given (expected: at most one of "
                        + String.join(", ", PATH_KEYS) + ")");
                continue;
            }
            first = key;
            switch (key) {
                case "path_prefix" -> {
                    path = m.string(key, "/", "a path prefix starting with '/'", Names::httpPath);
                    kind = RouteMatchConfig.PathKind.PREFIX;
                }
                case "path" -> {
                    path = m.string(key, "/", "a path starting with '/'", Names::httpPath);
                    kind = RouteMatchConfig.PathKind.EXACT;
                }
                default -> {
                    path = m.string(key, ".*", "a regular expression", MeshParser::regex);
                    kind = RouteMatchConfig.PathKind.REGEX;
                }
            }
        }
        List<HeaderMatchConfig> headers = SidecarParser.orList(m.list("headers", (el, p) -> header(d.obj(el, p,
                "routes[].match.headers[]"))));
        List<String> methods = SidecarParser.orList(m.list("methods", (el, p) -> d.choice(el, p, METHODS)));
        return new RouteMatchConfig(authority.map(a -> a.toLowerCase(Locale.ROOT)), kind, path, headers,
                methods.stream().distinct().toList());
    }

    private static HeaderMatchConfig header(Obj h) {
        String name = h.requiredString("name", "a header name", Names::headerName);
        List<String> given = new ArrayList<>();
        for (String k : List.of("exact", "regex", "present")) {
            if (h.has(k)) {
                given.add(k);
            }
        }
        if (given.isEmpty()) {
            h.missing("exact", "exactly one of 'exact', 'regex' or 'present'");
        } else if (given.size() > 1) {
            h.problem(given.get(1), "both '" + given.get(0) + "' and '" + given.get(1)
                    + "' given (expected: exactly one of 'exact', 'regex' or 'present')");
        }
        HeaderMatchConfig.Kind kind = HeaderMatchConfig.Kind.PRESENT;
        String value = "";
        if (!given.isEmpty()) {
            switch (given.get(0)) {
                case "exact" -> {
                    kind = HeaderMatchConfig.Kind.EXACT;
                    value = h.string("exact", "", "a header value", v -> null);
                }
                case "regex" -> {
                    kind = HeaderMatchConfig.Kind.REGEX;
                    value = h.string("regex", ".*", "a regular expression", MeshParser::regex);
                }
                default -> h.requireTrue("present");
            }
        }
        return new HeaderMatchConfig(SidecarParser.orEmpty(name).toLowerCase(Locale.ROOT), kind, value);
    }

    static String regex(String v) {
        try {
            Pattern.compile(v);
            return null;
        } catch (PatternSyntaxException e) {
            return "a valid regular expression: " + e.getDescription()
                    + (e.getIndex() >= 0 ? " near index " + e.getIndex() : "");
        }
    }

    private static RetryConfig retries(Obj r) {
        Doc d = r.doc;
        Optional<Set<RetryConfig.RetryOn>> retryOn = Optional.empty();
        List<RetryConfig.RetryOn> given = r.list("retry_on", (el, p) -> d.choice(el, p, RETRY_ON));
        if (given != null) {
            retryOn = Optional.of(given.isEmpty() ? Set.of() : EnumSet.copyOf(given));
        }
        return new RetryConfig(r.optInt("attempts"), retryOn, r.optDuration("per_try_timeout"),
                r.optPercent("budget_percent"), r.optInt("min_retry_concurrency"), r.optBool("retry_non_idempotent"));
    }

    private static ClusterConfig cluster(Obj c, String name) {
        Doc d = c.doc;
        Optional<List<EndpointConfig>> endpoints = Optional.empty();
        if (c.has("endpoints")) {
            Map<HostPort, Node> seen = new HashMap<>();
            List<EndpointConfig> list = c.list("endpoints", (el, path) -> {
                EndpointConfig e = endpoint(d, el, path);
                if (e != null) {
                    Node prior = seen.putIfAbsent(e.address(), el);
                    if (prior != null) {
                        d.problem(el, path, Doc.quote(e.address().toString()) + " (expected: a unique endpoint; "
                                + "first listed at " + d.source + ":" + Doc.position(prior) + ")");
                    }
                }
                return e;
            });
            if (list != null && list.isEmpty() && c.value("endpoints") instanceof SequenceNode s
                    && s.getValue().isEmpty()) {
                c.problem("endpoints", "[] (expected: at least one endpoint, or omit 'endpoints' to take them "
                        + "from membership)");
            }
            endpoints = Optional.of(SidecarParser.orList(list));
        }
        ClusterConfig.Protocol protocol = c.choice("protocol", ClusterConfig.DEFAULT_PROTOCOL, PROTOCOLS);
        Obj b = c.obj("balancer", "clusters[].balancer");
        BalancerConfig balancer = b == null ? BalancerConfig.DEFAULT : balancer(b);
        Optional<Duration> connectTimeout = c.optDuration("connect_timeout");
        OptionalInt maxConnections = c.optInt("max_connections_per_endpoint");
        Obj h = c.obj("health_check", "clusters[].health_check");
        Optional<HealthCheckConfig> hc = h == null ? Optional.empty() : Optional.of(SidecarParser.healthCheck(h));
        Obj od = c.obj("outlier_detection", "clusters[].outlier_detection");
        Optional<OutlierDetectionConfig> outlier = od == null ? Optional.empty() : Optional.of(outlier(od));
        OptionalDouble panic = c.optPercent("panic_threshold");
        Optional<SlowStartConfig> slowStart = Optional.empty();
        Obj ss = c.obj("slow_start", "clusters[].slow_start");
        if (ss != null) {
            if (!ss.has("window")) {
                ss.missing("window", "a duration > 0, like 30s");
            }
            slowStart = Optional.of(new SlowStartConfig(ss.positiveDuration("window", Duration.ofSeconds(1)),
                    ss.optPercent("min_weight_percent")));
            if (balancer instanceof BalancerConfig.ConsistentHash) {
                // Ramping weights would move keys between endpoints for the whole window.
                c.problem("slow_start", "set on a consistent_hash cluster (expected: only with round_robin, "
                        + "random or least_request)");
            }
        }
        Obj cb = c.obj("circuit_breakers", "clusters[].circuit_breakers");
        Optional<CircuitBreakersConfig> breakers = cb == null ? Optional.empty()
                : Optional.of(new CircuitBreakersConfig(cb.optInt("max_connections"), cb.optInt("max_pending_requests"),
                        cb.optInt("max_requests"), cb.optInt("max_retries")));
        return new ClusterConfig(name, endpoints, protocol, balancer, connectTimeout, maxConnections, hc, outlier,
                panic, slowStart, breakers);
    }

    private static EndpointConfig endpoint(Doc d, Node el, String path) {
        if (el instanceof ScalarNode) {
            HostPort a = d.address(el, path, 1);
            return a == null ? null : new EndpointConfig(a, ServiceConfig.DEFAULT_WEIGHT, NodeConfig.DEFAULT_ZONE);
        }
        Obj e = d.obj(el, path, "clusters[].endpoints[]");
        if (!e.has("address")) {
            e.missing("address", Values.ADDRESS_EXPECTED);
        }
        HostPort a = e.address("address", null, 1);
        int weight = e.integer("weight", ServiceConfig.DEFAULT_WEIGHT, 1, ServiceConfig.MAX_WEIGHT);
        String zone = e.string("zone", NodeConfig.DEFAULT_ZONE, "a zone name", Names::zone);
        return a == null ? null : new EndpointConfig(a, weight, zone);
    }

    private static BalancerConfig balancer(Obj b) {
        Doc d = b.doc;
        String policy = b.choice("policy", BalancerConfig.DEFAULT.policy(), POLICIES);
        BalancerConfig.ConsistentHash.Algorithm algorithm = BalancerConfig.ConsistentHash.DEFAULT_ALGORITHM;
        if (policy.equals("consistent_hash")) {
            algorithm = b.choice("algorithm", algorithm, ALGORITHMS);
        }
        // Options that do not fit the policy are errors, not silently ignored: they show a misunderstanding.
        notWith(b, policy, "algorithm", !policy.equals("consistent_hash"), "policy consistent_hash");
        notWith(b, policy, "hash_on", !policy.equals("consistent_hash"), "policy consistent_hash");
        notWith(b, policy, "bounded_load", !policy.equals("consistent_hash"), "policy consistent_hash");
        notWith(b, policy, "choice_count", !policy.equals("least_request"), "policy least_request");
        boolean maglev = policy.equals("consistent_hash") && algorithm == BalancerConfig.ConsistentHash.Algorithm.MAGLEV;
        boolean ring = policy.equals("consistent_hash") && algorithm == BalancerConfig.ConsistentHash.Algorithm.RING;
        notWith(b, policy + (policy.equals("consistent_hash") ? " with algorithm " + name(algorithm) : ""),
                "table_size", !maglev, "policy consistent_hash with algorithm maglev");
        notWith(b, policy + (policy.equals("consistent_hash") ? " with algorithm " + name(algorithm) : ""),
                "min_ring_size", !ring, "policy consistent_hash with algorithm ring");
        switch (policy) {
            case "random" -> {
                return new BalancerConfig.Random();
            }
            case "least_request" -> {
                return new BalancerConfig.LeastRequest(b.optInt("choice_count"));
            }
            case "consistent_hash" -> {
                OptionalInt tableSize = maglev ? b.optInt("table_size") : OptionalInt.empty();
                OptionalInt minRing = ring ? b.optInt("min_ring_size") : OptionalInt.empty();
                OptionalDouble bounded = OptionalDouble.empty();
                if (b.has("bounded_load")) {
                    bounded = number(d, b.value("bounded_load"), b.path("bounded_load"), "a factor like 1.25");
                }
                HashOnConfig hashOn = new HashOnConfig(HashOnConfig.Kind.SOURCE_IP, "");
                Obj h = b.obj("hash_on", "clusters[].balancer.hash_on");
                if (h == null) {
                    b.missing("hash_on", "what to hash: {header: NAME}, {cookie: NAME}, {query_parameter: NAME}, "
                            + "{source_ip: true} or {path: true}");
                } else {
                    hashOn = hashOn(h);
                }
                return new BalancerConfig.ConsistentHash(algorithm, tableSize, minRing, bounded, hashOn);
            }
            default -> {
                return new BalancerConfig.RoundRobin();
            }
        }
    }

    private static void notWith(Obj b, String actual, String key, boolean invalid, String validWith) {
        if (invalid && b.has(key)) {
            b.doc.problem(b.value(key), b.path(key), "not valid with policy " + actual + " (expected: only with " + validWith + ")");
        }
    }

    private static String name(BalancerConfig.ConsistentHash.Algorithm a) {
        return a.name().toLowerCase(Locale.ROOT);
    }

    /** A number as written; its range is the owning module's rule. */
    private static OptionalDouble number(Doc d, Node node, String path, String expected) {
        Doc.Scalar s = d.scalar(node, path, expected);
        if (s == null) {
            return OptionalDouble.empty();
        }
        double v;
        try {
            v = s.is(Tag.INT) || s.is(Tag.FLOAT) ? Double.parseDouble(s.text()) : Double.NaN;
        } catch (NumberFormatException e) {
            v = Double.NaN;
        }
        if (!Double.isFinite(v)) {
            d.expected(node, path, expected);
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(v);
    }

    private static HashOnConfig hashOn(Obj h) {
        List<String> given = new ArrayList<>();
        for (String k : h.doc.keys("clusters[].balancer.hash_on")) {
            if (h.has(k)) {
                given.add(k);
            }
        }
        String expected = "exactly one of 'header', 'cookie', 'query_parameter', 'source_ip' or 'path'";
        if (given.isEmpty()) {
            h.missing("header", expected);
            return new HashOnConfig(HashOnConfig.Kind.SOURCE_IP, "");
        }
        if (given.size() > 1) {
            h.problem(given.get(1), "both '" + given.get(0) + "' and '" + given.get(1) + "' given (expected: "
                    + expected + ")");
        }
        String k = given.get(0);
        return switch (k) {
            case "header" -> new HashOnConfig(HashOnConfig.Kind.HEADER, SidecarParser.orEmpty(
                    h.string(k, "", "a header name", Names::headerName)).toLowerCase(Locale.ROOT));
            case "cookie" -> new HashOnConfig(HashOnConfig.Kind.COOKIE, h.string(k, "", "a cookie name", Names::headerName));
            case "query_parameter" -> new HashOnConfig(HashOnConfig.Kind.QUERY_PARAMETER,
                    h.string(k, "", "a query parameter name", Names::nonEmpty));
            case "source_ip" -> {
                h.requireTrue(k);
                yield new HashOnConfig(HashOnConfig.Kind.SOURCE_IP, "");
            }
            default -> {
                h.requireTrue(k);
                yield new HashOnConfig(HashOnConfig.Kind.PATH, "");
            }
        };
    }

    private static OutlierDetectionConfig outlier(Obj o) {
        return new OutlierDetectionConfig(
                o.optInt("consecutive_5xx"),
                o.optInt("consecutive_gateway_failure"),
                o.optInt("consecutive_local_origin_failure"),
                o.optDuration("interval"),
                o.optDuration("base_ejection_time"),
                o.optDuration("max_ejection_time"),
                o.optPercent("max_ejection_percent"),
                o.optInt("success_rate_minimum_hosts"),
                o.optInt("success_rate_request_volume"),
                o.optInt("success_rate_stdev_factor"),
                o.optPercent("failure_percentage_threshold"),
                o.optInt("failure_percentage_minimum_hosts"),
                o.optInt("failure_percentage_request_volume"),
                o.optPercent("enforcing_success_rate"),
                o.optPercent("enforcing_failure_percentage"));
    }

    @SuppressWarnings("unchecked")
    private static <V> Map<String, V> ordered(Object... kv) {
        Map<String, V> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], (V) kv[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(m);
    }

    private static Map<String, RetryConfig.RetryOn> retryOn() {
        Map<String, RetryConfig.RetryOn> m = new LinkedHashMap<>();
        for (RetryConfig.RetryOn r : RetryConfig.RetryOn.values()) {
            m.put(r.yamlName(), r);
        }
        return java.util.Collections.unmodifiableMap(m);
    }

    private static Map<String, String> methods() {
        Map<String, String> m = new LinkedHashMap<>();
        for (String s : List.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "CONNECT", "TRACE")) {
            m.put(s, s);
        }
        return java.util.Collections.unmodifiableMap(m);
    }
}
