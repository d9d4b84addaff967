package dev.gossamer.proxy;

import io.vertx.core.MultiMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The routes of every listener, in order; the first route whose {@link RouteMatch} holds takes the request.
 * Immutable and validated at construction: route names unique, cluster names unique, every route's cluster
 * defined. Matching allocates nothing except for regex conditions.
 *
 * <p>Threading: immutable, safe from any thread.
 */
public final class RoutingTable {

    private static final Route[] NO_ROUTES = new Route[0];

    private final Map<String, Route[]> byListener;
    private final Map<String, ClusterSpec> clusters;
    private final List<RouteSpec> routes;

    private RoutingTable(Map<String, Route[]> byListener, Map<String, ClusterSpec> clusters,
                         List<RouteSpec> routes) {
        this.byListener = byListener;
        this.clusters = clusters;
        this.routes = routes;
    }

    /** An empty table: every request answers 404. */
    public static RoutingTable empty() {
        return new RoutingTable(Map.of(), Map.of(), List.of());
    }

    /**
     * Builds and validates a table.
     *
     * @throws IllegalArgumentException listing every problem found, one per line
     */
    public static RoutingTable of(List<RouteSpec> routes, List<ClusterSpec> clusters) {
        List<String> problems = new ArrayList<>();
        Map<String, ClusterSpec> clusterMap = new LinkedHashMap<>();
        for (ClusterSpec c : clusters) {
            if (clusterMap.putIfAbsent(c.name(), c) != null) {
                problems.add("clusters: duplicate name " + c.name() + " (expected: unique names)");
            }
        }
        Set<String> routeNames = new HashSet<>();
        Map<String, List<Route>> byListener = new HashMap<>();
        for (RouteSpec r : routes) {
            if (!routeNames.add(r.name())) {
                problems.add("routes: duplicate name " + r.name() + " (expected: unique names)");
            }
            if (!clusterMap.containsKey(r.cluster())) {
                problems.add("routes[" + r.name() + "].cluster: " + r.cluster() + " (expected: a defined cluster)");
            }
            byListener.computeIfAbsent(r.listener(), k -> new ArrayList<>()).add(new Route(r));
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("\n", problems));
        }
        Map<String, Route[]> compiled = new HashMap<>();
        byListener.forEach((k, v) -> compiled.put(k, v.toArray(NO_ROUTES)));
        return new RoutingTable(Map.copyOf(compiled), Map.copyOf(clusterMap), List.copyOf(routes));
    }

    /**
     * The first route of {@code listener} that takes the request, or null.
     *
     * @param host    the request's host without port (null when absent)
     * @param path    the path without query
     * @param headers the request headers
     */
    public RouteSpec match(String listener, String method, String host, String path, MultiMap headers) {
        Route[] rs = byListener.getOrDefault(listener, NO_ROUTES);
        for (Route r : rs) {
            if (r.matches(method, host, path, headers)) {
                return r.spec;
            }
        }
        return null;
    }

    /** The cluster spec named {@code name}, or null. */
    public ClusterSpec cluster(String name) {
        return clusters.get(name);
    }

    public Map<String, ClusterSpec> clusters() {
        return clusters;
    }

    public List<RouteSpec> routes() {
        return routes;
    }

    /** A route with its conditions precomputed. */
    private static final class Route {
        final RouteSpec spec;
        final String authority;
        final boolean authoritySuffix;
        final RouteMatch m;
        final HeaderMatch[] headers;

        Route(RouteSpec spec) {
            this.spec = spec;
            this.m = spec.match();
            String a = m.authority();
            this.authoritySuffix = a != null && a.startsWith("*.");
            this.authority = authoritySuffix ? a.substring(1) : a;
            this.headers = m.headers().toArray(new HeaderMatch[0]);
        }

        boolean matches(String method, String host, String path, MultiMap hs) {
            if (authority != null) {
                if (host == null) {
                    return false;
                }
                if (authoritySuffix) {
                    int start = host.length() - authority.length();
                    if (start <= 0 || !host.regionMatches(true, start, authority, 0, authority.length())) {
                        return false;
                    }
                } else if (!host.equalsIgnoreCase(authority)) {
                    return false;
                }
            }
            if (m.path() != null && !m.path().equals(path)) {
                return false;
            }
            if (m.pathPrefix() != null && !path.startsWith(m.pathPrefix())) {
                return false;
            }
            if (m.pathRegex() != null && !m.pathRegex().matcher(path).matches()) {
                return false;
            }
            if (!m.methods().isEmpty() && !m.methods().contains(method)) {
                return false;
            }
            for (HeaderMatch h : headers) {
                if (!h.test(hs.get(h.name()))) {
                    return false;
                }
            }
            return true;
        }
    }
}
