package dev.gossamer.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The keys each mapping of each document accepts, by path pattern ({@code ""} is the root, {@code []} stands for
 * any list index). The loader reads against these tables, and a test checks they equal the JSON Schemas'
 * properties, so schema, loader and docs cannot drift apart.
 */
final class KnownKeys {

    static final List<String> HEALTH_CHECK = List.of("http", "tcp", "grpc", "expected_statuses", "interval", "timeout",
            "jitter", "unhealthy_threshold", "healthy_threshold");

    static final Map<String, List<String>> SIDECAR = sidecar();
    static final Map<String, List<String>> MESH = mesh();

    /** The top-level keys that identify a sidecar document (see {@link DocumentKind}). */
    static final List<String> SIDECAR_MARKERS = List.of("node", "listeners", "admin");
    /** The top-level keys that identify a mesh document. */
    static final List<String> MESH_MARKERS = List.of("routes", "clusters");

    private KnownKeys() {
    }

    private static Map<String, List<String>> sidecar() {
        Map<String, List<String>> m = new LinkedHashMap<>();
        m.put("", List.of("node", "admin", "listeners", "services", "mesh_config", "membership", "control", "drain",
                "metrics", "access_log"));
        m.put("node", List.of("id", "zone"));
        m.put("admin", List.of("address"));
        m.put("listeners[]", List.of("name", "address", "request_headers_timeout", "max_connections"));
        m.put("services[]", List.of("name", "port", "weight", "tags", "health_check"));
        m.put("services[].health_check", HEALTH_CHECK);
        m.put("membership", List.of("address", "advertise", "seeds", "profile", "cluster_name", "keys",
                "probe_interval", "probe_timeout", "indirect_checks", "suspicion_mult", "suspicion_max_timeout_mult",
                "gossip_interval", "gossip_nodes", "retransmit_mult", "push_pull_interval", "awareness_max_multiplier",
                "dead_node_reclaim_time"));
        m.put("control", List.of("voters", "data_dir", "token_file", "tls"));
        m.put("control.tls", List.of("cert", "key", "ca"));
        m.put("drain", List.of("timeout"));
        m.put("metrics", List.of("per_endpoint"));
        m.put("access_log", List.of("format", "path"));
        return Map.copyOf(m);
    }

    private static Map<String, List<String>> mesh() {
        Map<String, List<String>> m = new LinkedHashMap<>();
        m.put("", List.of("routes", "clusters"));
        m.put("routes[]", List.of("name", "listener", "match", "cluster", "timeout", "retries", "idle_timeout"));
        m.put("routes[].match", List.of("authority", "path_prefix", "path", "path_regex", "headers", "methods"));
        m.put("routes[].match.headers[]", List.of("name", "exact", "regex", "present"));
        m.put("routes[].retries", List.of("attempts", "retry_on", "per_try_timeout", "budget_percent",
                "min_retry_concurrency", "retry_non_idempotent"));
        m.put("clusters[]", List.of("name", "endpoints", "protocol", "balancer", "connect_timeout",
                "max_connections_per_endpoint", "health_check", "outlier_detection", "panic_threshold", "slow_start",
                "circuit_breakers"));
        m.put("clusters[].circuit_breakers", List.of("max_connections", "max_pending_requests", "max_requests",
                "max_retries"));
        m.put("clusters[].endpoints[]", List.of("address", "weight", "zone"));
        m.put("clusters[].balancer", List.of("policy", "algorithm", "table_size", "min_ring_size", "bounded_load",
                "hash_on", "choice_count"));
        m.put("clusters[].balancer.hash_on", List.of("header", "cookie", "query_parameter", "source_ip", "path"));
        m.put("clusters[].health_check", HEALTH_CHECK);
        m.put("clusters[].outlier_detection", List.of("consecutive_5xx", "consecutive_gateway_failure",
                "consecutive_local_origin_failure", "interval", "base_ejection_time", "max_ejection_time",
                "max_ejection_percent", "success_rate_minimum_hosts", "success_rate_request_volume",
                "success_rate_stdev_factor", "failure_percentage_threshold", "failure_percentage_minimum_hosts",
                "failure_percentage_request_volume", "enforcing_success_rate", "enforcing_failure_percentage"));
        m.put("clusters[].slow_start", List.of("window", "min_weight_percent"));
        return Map.copyOf(m);
    }
}
