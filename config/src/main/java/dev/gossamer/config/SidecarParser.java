package dev.gossamer.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.Tag;

/** Reads a sidecar.yaml node tree into {@link SidecarConfig}, filling defaults. Stateless. */
final class SidecarParser {

    private static final Pattern STATUS_RANGE = Pattern.compile("([0-9]{3})-([0-9]{3})");
    private static final Map<String, MembershipProfile> PROFILES = profiles();

    private SidecarParser() {
    }

    static SidecarConfig parse(Doc d, Node root, Path baseDir) {
        Obj o = d.obj(root, "", "");

        NodeConfig node = new NodeConfig("", NodeConfig.DEFAULT_ZONE);
        Obj n = o.obj("node", "node");
        if (n == null) {
            o.missing("node", "a mapping with the node's id");
        } else {
            node = new NodeConfig(orEmpty(n.requiredString("id", "a node id", Names::name)),
                    n.string("zone", NodeConfig.DEFAULT_ZONE, "a zone name", Names::zone));
        }

        AdminConfig admin = AdminConfig.DEFAULT;
        Obj a = o.obj("admin", "admin");
        if (a != null) {
            admin = new AdminConfig(a.address("address", AdminConfig.DEFAULT_ADDRESS, 0));
        }

        List<ListenerConfig> listeners = ListenerConfig.DEFAULT_LISTENERS;
        if (o.has("listeners")) {
            Uniques names = new Uniques(d, "listener");
            listeners = orList(o.list("listeners", (el, path) -> {
                Obj l = d.obj(el, path, "listeners[]");
                String name = l.requiredString("name", "a listener name", Names::name);
                HostPort address = l.address("address", null, 0);
                if (!l.has("address")) {
                    l.missing("address", Values.ADDRESS_EXPECTED);
                }
                names.add(name, l.value("name"), l.path("name"));
                Optional<Duration> headersTimeout = l.optDuration("request_headers_timeout");
                OptionalInt maxConnections = l.optInt("max_connections");
                return name == null || address == null ? null
                        : new ListenerConfig(name, address, headersTimeout, maxConnections);
            }));
        }

        List<ServiceConfig> services = List.of();
        if (o.has("services")) {
            Uniques names = new Uniques(d, "service");
            services = orList(o.list("services", (el, path) -> {
                Obj s = d.obj(el, path, "services[]");
                String name = s.requiredString("name", "a service name", Names::name);
                names.add(name, s.value("name"), s.path("name"));
                if (!s.has("port")) {
                    s.missing("port", "an integer 1..65535");
                }
                int port = s.integer("port", 1, 1, 65535);
                int weight = s.integer("weight", ServiceConfig.DEFAULT_WEIGHT, 1, ServiceConfig.MAX_WEIGHT);
                List<String> tags = orList(s.list("tags", (t, p) -> d.string(t, p, "a tag", Names::nonEmpty)));
                Obj h = s.obj("health_check", "services[].health_check");
                Optional<HealthCheckConfig> hc = h == null ? Optional.empty() : Optional.of(healthCheck(h));
                return new ServiceConfig(orEmpty(name), port, weight, tags, hc);
            }));
        }

        Optional<Path> meshConfig = Optional.ofNullable(path(o, "mesh_config", baseDir));

        Obj m = o.obj("membership", "membership");
        Optional<MembershipConfig> membership = m == null ? Optional.empty() : Optional.of(membership(m));

        Obj c = o.obj("control", "control");
        Optional<ControlConfig> control = c == null ? Optional.empty() : Optional.ofNullable(control(c, baseDir));

        DrainConfig drain = DrainConfig.DEFAULT;
        Obj dr = o.obj("drain", "drain");
        if (dr != null) {
            drain = new DrainConfig(dr.optDuration("timeout"));
        }

        MetricsConfig metrics = MetricsConfig.DEFAULT;
        Obj me = o.obj("metrics", "metrics");
        if (me != null) {
            metrics = new MetricsConfig(me.optBool("per_endpoint"));
        }
        AccessLogConfig accessLog = AccessLogConfig.DEFAULT;
        Obj al = o.obj("access_log", "access_log");
        if (al != null) {
            Optional<String> format = Optional.ofNullable(al.string("format", null, "off, text or json",
                    Names::nonEmpty));
            String where = al.string("path", null, "stdout or a file path", Names::nonEmpty);
            Optional<String> path = Optional.empty();
            if (where != null) {
                path = "stdout".equals(where) ? Optional.of(where)
                        : Optional.ofNullable(path(al, "path", baseDir)).map(Path::toString);
            }
            accessLog = new AccessLogConfig(format, path);
        }
        return new SidecarConfig(node, admin, listeners, services, meshConfig, membership, control, drain, metrics,
                accessLog);
    }

    private static MembershipConfig membership(Obj m) {
        Doc d = m.doc;
        Optional<MembershipProfile> profile = Optional.ofNullable(m.choice("profile", null, PROFILES));
        HostPort address = m.address("address", MembershipConfig.DEFAULT_ADDRESS, 0);
        Optional<HostPort> advertise = Optional.ofNullable(m.address("advertise", null, 1));
        List<HostPort> seeds = orList(m.list("seeds", (el, path) -> d.address(el, path, 1)));
        Optional<String> clusterName = Optional.ofNullable(m.string("cluster_name", null, "a cluster name",
                Names::name));
        List<String> keys = orList(m.list("keys", (el, path) -> key(el, path, d)));
        return new MembershipConfig(address, advertise, seeds, profile, clusterName, keys,
                m.optDuration("probe_interval"),
                m.optDuration("probe_timeout"),
                m.optInt("indirect_checks"),
                m.optInt("suspicion_mult"),
                m.optInt("suspicion_max_timeout_mult"),
                m.optDuration("gossip_interval"),
                m.optInt("gossip_nodes"),
                m.optInt("retransmit_mult"),
                m.optDuration("push_pull_interval"),
                m.optInt("awareness_max_multiplier"),
                m.optDuration("dead_node_reclaim_time"));
    }

    private static ControlConfig control(Obj c, Path baseDir) {
        Doc d = c.doc;
        if (!c.has("voters")) {
            c.missing("voters", "a list of id@host:port, like [\"n1@10.0.0.1:7950\"]");
        }
        // The voter syntax (id@host:port, unique ids and addresses, 1, 3 or 5 of them) is the control module's rule
        // (ControlOptions): only the form of a list of strings is read here.
        List<String> voters = orList(c.list("voters", (el, path) -> d.string(el, path, "id@host:port, like "
                + "n1@10.0.0.1:7950", Names::nonEmpty)));
        if (c.value("voters") instanceof org.snakeyaml.engine.v2.nodes.SequenceNode seq && seq.getValue().isEmpty()) {
            c.problem("voters", "[] (expected: 1, 3 or 5 voters)");
        }
        if (!c.has("data_dir")) {
            c.missing("data_dir", "a directory for the Raft log and the applied config, like /var/lib/gossamer");
        }
        Path dataDir = path(c, "data_dir", baseDir);
        Path tokenFile = path(c, "token_file", baseDir);
        Optional<ControlConfig.Tls> tls = Optional.empty();
        Obj t = c.obj("tls", "control.tls");
        if (t != null) {
            for (String k : List.of("cert", "key", "ca")) {
                if (!t.has(k)) {
                    t.missing(k, "a PEM file");
                }
            }
            Path cert = path(t, "cert", baseDir);
            Path key = path(t, "key", baseDir);
            Path ca = path(t, "ca", baseDir);
            if (cert != null && key != null && ca != null) {
                tls = Optional.of(new ControlConfig.Tls(cert, key, ca));
            }
        }
        return dataDir == null ? null : new ControlConfig(voters, dataDir, Optional.ofNullable(tokenFile), tls);
    }

    /** A file path resolved against {@code baseDir}, or null when absent or bad (after recording the problem). */
    private static Path path(Obj o, String key, Path baseDir) {
        if (!o.has(key)) {
            return null;
        }
        String p = o.requiredString(key, "a file path", Names::nonEmpty);
        if (p == null) {
            return null;
        }
        try {
            Path path = Path.of(p);
            return baseDir == null ? path : baseDir.resolve(path).normalize();
        } catch (InvalidPathException e) {
            o.problem(key, Doc.quote(p) + " (expected: a file path: " + e.getReason() + ")");
            return null;
        }
    }

    /** A base64 AES key; the value is never echoed in a message. */
    private static String key(Node el, String path, Doc d) {
        String expected = "base64 of 16, 24 or 32 bytes (AES-128, AES-192, AES-256)";
        Doc.Scalar s = d.scalar(el, path, expected);
        if (s == null) {
            return null;
        }
        if (!s.is(Tag.STR)) {
            d.problem(el, path, "a value that is not a string (expected: " + expected + ")");
            return null;
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(s.text());
        } catch (IllegalArgumentException e) {
            d.problem(el, path, "a key that is not base64 (expected: " + expected + ")");
            return null;
        }
        if (key.length != 16 && key.length != 24 && key.length != 32) {
            d.problem(el, path, "a key of " + key.length + " bytes (expected: " + expected + ")");
            return null;
        }
        return s.text();
    }

    /** Shared by services (sidecar.yaml) and clusters (mesh.yaml). */
    static HealthCheckConfig healthCheck(Obj h) {
        Doc d = h.doc;
        boolean http = h.has("http");
        boolean tcp = h.has("tcp");
        boolean grpc = h.has("grpc");
        String oneOf = "exactly one of 'http: /path', 'tcp: true' or 'grpc: SERVICE'";
        if ((http ? 1 : 0) + (tcp ? 1 : 0) + (grpc ? 1 : 0) > 1) {
            h.problem(grpc ? "grpc" : "tcp", "both " + (http ? "'http'" : "'tcp'") + " and " + (grpc ? "'grpc'"
                    : "'tcp'") + " given (expected: " + oneOf + ")");
        } else if (!http && !tcp && !grpc) {
            h.missing("http", oneOf);
        }
        String path = http ? h.string("http", "/", "an HTTP path like /healthz", Names::httpPath) : "";
        if (tcp) {
            h.requireTrue("tcp");
        }
        if (grpc && !http) {
            // grpc.health.v1: any service name; "" asks about the server as a whole.
            path = h.string("grpc", "", "a gRPC service name, or \"\" for the whole server", v -> null);
        }
        Optional<List<HealthCheckConfig.StatusRange>> statuses = Optional.empty();
        if (h.has("expected_statuses")) {
            if (!http) {
                h.problem("expected_statuses", "not valid for a " + (grpc ? "grpc" : "tcp")
                        + " check (expected: only with 'http')");
            }
            List<HealthCheckConfig.StatusRange> given = h.list("expected_statuses", (el, p) -> status(d, el, p));
            if (given != null && !given.isEmpty()) {
                statuses = Optional.of(given);
            } else if (given != null) {
                h.problem("expected_statuses", "[] (expected: at least one status or range, or omit the key)");
            }
        }
        HealthCheckConfig.Protocol protocol = http || (!tcp && !grpc) ? HealthCheckConfig.Protocol.HTTP
                : grpc ? HealthCheckConfig.Protocol.GRPC : HealthCheckConfig.Protocol.TCP;
        return new HealthCheckConfig(protocol, protocol == HealthCheckConfig.Protocol.TCP ? "" : path, statuses,
                h.optDuration("interval"), h.optDuration("timeout"),
                h.optPercent("jitter"), h.optInt("unhealthy_threshold"), h.optInt("healthy_threshold"));
    }

    private static HealthCheckConfig.StatusRange status(Doc d, Node el, String path) {
        String expected = "a status 100..599 or a range like \"200-399\"";
        Doc.Scalar s = d.scalar(el, path, expected);
        if (s == null) {
            return null;
        }
        if (s.is(Tag.INT)) {
            Long v = d.integer(el, path, 100, 599);
            return v == null ? null : new HealthCheckConfig.StatusRange(v.intValue(), v.intValue());
        }
        Matcher m = STATUS_RANGE.matcher(s.text());
        if (s.is(Tag.STR) && m.matches()) {
            int from = Integer.parseInt(m.group(1));
            int to = Integer.parseInt(m.group(2));
            if (from >= 100 && to <= 599 && from <= to) {
                return new HealthCheckConfig.StatusRange(from, to);
            }
        }
        d.expected(el, path, expected);
        return null;
    }

    private static Map<String, MembershipProfile> profiles() {
        Map<String, MembershipProfile> m = new java.util.LinkedHashMap<>();
        for (MembershipProfile p : MembershipProfile.values()) {
            m.put(p.yamlName(), p);
        }
        return java.util.Collections.unmodifiableMap(m);
    }

    static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    static <T> List<T> orList(List<T> l) {
        return l == null ? List.of() : l;
    }

    /** Reports names seen twice within one list. */
    static final class Uniques {
        private final Doc doc;
        private final String what;
        private final Map<String, Node> first = new HashMap<>();
        final List<String> names = new ArrayList<>();

        Uniques(Doc doc, String what) {
            this.doc = doc;
            this.what = what;
        }

        /** Records {@code name} (ignored when null); reports a duplicate at {@code at}. */
        void add(String name, Node at, String path) {
            if (name == null) {
                return;
            }
            Node prior = first.putIfAbsent(name, at);
            if (prior != null) {
                doc.duplicate(at, path, name, prior, what);
            } else {
                names.add(name);
            }
        }

        boolean contains(String name) {
            return first.containsKey(name);
        }
    }
}
