package dev.gossamer.injector;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * {@code injector.yaml} as the user wrote it: every key optional, no defaults here ({@link InjectorOptions} owns
 * them and their ranges). Example, with every key:
 *
 * <pre>{@code
 * image: gossamer:0.1.0               # the sidecar image
 * native_sidecar: true                # Kubernetes >= 1.29: an init container with restartPolicy Always
 * voters: ["gossamer-voter-0@gossamer-voter-0.gossamer-voters.gossamer-system.svc:7950", ...]
 * seeds: [gossamer-voters.gossamer-system.svc:7946]
 * mesh_config_map: gossamer-mesh      # only without voters: the ConfigMap holding mesh.yaml, in the pod's namespace
 * gossip_key_secret: gossamer-gossip-key   # a Secret with key "key", in the pod's namespace
 * admin_token_secret: gossamer-admin-token # a Secret with key "token", in the pod's namespace
 * resources: {cpu_request: 100m, memory_request: 128Mi, cpu_limit: 1, memory_limit: 256Mi}
 * max_review_bytes: 4194304
 * }</pre>
 */
public record InjectorConfig(
        Optional<String> image,
        Optional<Boolean> nativeSidecar,
        Optional<List<String>> voters,
        Optional<List<String>> seeds,
        Optional<String> meshConfigMap,
        Optional<String> gossipKeySecret,
        Optional<String> adminTokenSecret,
        Optional<String> cpuRequest,
        Optional<String> memoryRequest,
        Optional<String> cpuLimit,
        Optional<String> memoryLimit,
        Optional<Long> maxReviewBytes) {

    private static final Set<String> KEYS = Set.of("image", "native_sidecar", "voters", "seeds", "mesh_config_map",
            "gossip_key_secret", "admin_token_secret", "resources", "max_review_bytes");
    private static final Set<String> RESOURCE_KEYS = Set.of("cpu_request", "memory_request", "cpu_limit",
            "memory_limit");

    /** Nothing written: every value is the default. */
    public static InjectorConfig empty() {
        return new InjectorConfig(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty());
    }

    /**
     * Reads {@code file}; every problem (unknown key, wrong type) is collected and thrown at once as
     * {@link InjectorConfigException} with lines {@code injector.yaml: key: message}.
     */
    public static InjectorConfig load(Path file) throws IOException {
        return parse(Files.readString(file), file.getFileName().toString());
    }

    /** Parses YAML text; {@code name} prefixes each problem. */
    public static InjectorConfig parse(String yaml, String name) {
        Object root;
        try {
            root = new Load(LoadSettings.builder().setLabel(name).build()).loadFromString(yaml);
        } catch (YamlEngineException e) {
            throw new InjectorConfigException(List.of(name + ": " + e.getMessage()));
        }
        if (root == null) {
            return empty();
        }
        List<String> problems = new ArrayList<>();
        if (!(root instanceof Map<?, ?> map)) {
            throw new InjectorConfigException(List.of(name + ": expected a mapping of keys, got " + kind(root)));
        }
        Reader r = new Reader(name, problems);
        r.unknown("", map, KEYS);
        Map<?, ?> resources = r.map(map, "resources");
        r.unknown("resources.", resources, RESOURCE_KEYS);
        InjectorConfig c = new InjectorConfig(
                r.string(map, "image", "image"),
                r.bool(map, "native_sidecar"),
                r.strings(map, "voters"),
                r.strings(map, "seeds"),
                r.string(map, "mesh_config_map", "mesh_config_map"),
                r.string(map, "gossip_key_secret", "gossip_key_secret"),
                r.string(map, "admin_token_secret", "admin_token_secret"),
                r.string(resources, "cpu_request", "resources.cpu_request"),
                r.string(resources, "memory_request", "resources.memory_request"),
                r.string(resources, "cpu_limit", "resources.cpu_limit"),
                r.string(resources, "memory_limit", "resources.memory_limit"),
                r.integer(map, "max_review_bytes"));
        if (!problems.isEmpty()) {
            throw new InjectorConfigException(problems);
        }
        return c;
    }

    private static String kind(Object v) {
        if (v instanceof Map) {
            return "a mapping";
        }
        if (v instanceof List) {
            return "a list";
        }
        return v instanceof String ? "a string" : v.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
    }

    private record Reader(String name, List<String> problems) {

        void unknown(String prefix, Map<?, ?> map, Set<String> known) {
            for (Object k : map.keySet()) {
                if (!known.contains(String.valueOf(k))) {
                    problems.add(name + ": " + prefix + k + ": unknown key (expected one of: "
                            + String.join(", ", new java.util.TreeSet<>(known)) + ")");
                }
            }
        }

        Map<?, ?> map(Map<?, ?> map, String key) {
            Object v = map.get(key);
            if (v == null) {
                return Map.of();
            }
            if (v instanceof Map<?, ?> m) {
                return m;
            }
            problems.add(name + ": " + key + ": " + kind(v) + " (expected: a mapping)");
            return Map.of();
        }

        Optional<String> string(Map<?, ?> map, String key, String path) {
            Object v = map.get(key);
            if (v == null) {
                return Optional.empty();
            }
            if (v instanceof String || v instanceof Number) {
                String s = String.valueOf(v);
                return Optional.of(s);
            }
            problems.add(name + ": " + path + ": " + kind(v) + " (expected: a string)");
            return Optional.empty();
        }

        Optional<Boolean> bool(Map<?, ?> map, String key) {
            Object v = map.get(key);
            if (v == null) {
                return Optional.empty();
            }
            if (v instanceof Boolean b) {
                return Optional.of(b);
            }
            problems.add(name + ": " + key + ": " + v + " (expected: true or false)");
            return Optional.empty();
        }

        Optional<Long> integer(Map<?, ?> map, String key) {
            Object v = map.get(key);
            if (v == null) {
                return Optional.empty();
            }
            if (v instanceof Integer || v instanceof Long) {
                return Optional.of(((Number) v).longValue());
            }
            problems.add(name + ": " + key + ": " + v + " (expected: an integer)");
            return Optional.empty();
        }

        Optional<List<String>> strings(Map<?, ?> map, String key) {
            Object v = map.get(key);
            if (v == null) {
                return Optional.empty();
            }
            if (v instanceof List<?> list) {
                List<String> out = new ArrayList<>();
                for (int i = 0; i < list.size(); i++) {
                    Object e = list.get(i);
                    if (e instanceof String s) {
                        out.add(s);
                    } else {
                        problems.add(name + ": " + key + "[" + i + "]: " + e + " (expected: a string)");
                    }
                }
                return Optional.of(List.copyOf(out));
            }
            problems.add(name + ": " + key + ": " + kind(v) + " (expected: a list of strings)");
            return Optional.empty();
        }
    }

    /** Every problem of one injector.yaml, one per line. */
    public static final class InjectorConfigException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        private final List<String> problems;

        InjectorConfigException(List<String> problems) {
            super(String.join("\n", problems));
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() {
            return problems;
        }
    }
}
