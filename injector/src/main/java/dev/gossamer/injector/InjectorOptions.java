package dev.gossamer.injector;

import dev.gossamer.common.OptionRules;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * What the injector does, with every default and range in one place (the one owner): built from an
 * {@link InjectorConfig} (what the user wrote) by {@link #from}, which reports every broken rule at once.
 *
 * <p>Immutable; safe to share between threads.
 */
public final class InjectorOptions {

    /** The container's (and its volumes' prefix) name: one name users can recognise and {@code kubectl logs -c}. */
    public static final String SIDECAR_NAME = "gossamer";
    /** Where the admin API listens in the pod; the kubelet probes it on the pod IP (docs/kubernetes.md). */
    public static final int ADMIN_PORT = 9901;
    /** The outbound listener the application sends to: the sidecar's own default (docs/configuration.md). */
    public static final int OUTBOUND_PORT = 15001;
    /** Gossip (UDP and TCP), memberlist's port as everywhere in Gossamer. */
    public static final int GOSSIP_PORT = 7946;

    /** The image this build's Dockerfile and Jib produce ({@code gossamer:<version>}). */
    public static final String DEFAULT_IMAGE = "gossamer:" + projectVersion();
    /**
     * Classic mode by default: native sidecars (an init container with {@code restartPolicy: Always}) need
     * Kubernetes 1.29 (on by default from then); the classic mode works on every version still in use.
     */
    public static final boolean DEFAULT_NATIVE_SIDECAR = false;
    /** The ConfigMap holding {@code mesh.yaml} in the pod's namespace, used when no voters are configured. */
    public static final String DEFAULT_MESH_CONFIG_MAP = "gossamer-mesh";
    /** A JVM proxy at rest: about 0.1 core and 128 MiB; the limit leaves the heap (75 %) room under load. */
    public static final String DEFAULT_CPU_REQUEST = "100m";
    public static final String DEFAULT_MEMORY_REQUEST = "128Mi";
    public static final String DEFAULT_MEMORY_LIMIT = "256Mi";
    /** No CPU limit: CFS throttling a proxy adds its period (100 ms) to requests' latency; the request is honoured. */
    public static final Optional<String> DEFAULT_CPU_LIMIT = Optional.empty();
    /**
     * The largest AdmissionReview body read: the API server stores objects of at most 1.5 MiB (etcd's request
     * limit) and a review of a Pod CREATE carries it once; 4 MiB leaves room for JSON escaping and metadata.
     */
    public static final long DEFAULT_MAX_REVIEW_BYTES = 4L * 1024 * 1024;

    /** Kubernetes' resource.Quantity, as the API server parses it (a number and an optional suffix). */
    private static final Pattern QUANTITY = Pattern.compile(
            "[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+|[KMGTPE]i|[mkMGTPE])?");
    /** A DNS-1123 label: the names of ConfigMaps and Secrets. */
    private static final Pattern DNS_NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");
    /** {@code id@host:port}, the voters' syntax in sidecar.yaml (ControlOptions re-checks it in the sidecar). */
    private static final Pattern VOTER = Pattern.compile("[^@\\s]+@[^:\\s]+:\\d{1,5}");
    private static final Pattern HOST_PORT = Pattern.compile("[^:\\s]+:\\d{1,5}");

    private final String image;
    private final boolean nativeSidecar;
    private final List<String> voters;
    private final List<String> seeds;
    private final String meshConfigMap;
    private final Optional<String> gossipKeySecret;
    private final Optional<String> adminTokenSecret;
    private final String cpuRequest;
    private final String memoryRequest;
    private final Optional<String> cpuLimit;
    private final String memoryLimit;
    private final long maxReviewBytes;

    private InjectorOptions(InjectorConfig c) {
        this.image = c.image().orElse(DEFAULT_IMAGE);
        this.nativeSidecar = c.nativeSidecar().orElse(DEFAULT_NATIVE_SIDECAR);
        this.voters = c.voters().orElse(List.of());
        this.seeds = c.seeds().orElse(List.of());
        this.meshConfigMap = c.meshConfigMap().orElse(DEFAULT_MESH_CONFIG_MAP);
        this.gossipKeySecret = c.gossipKeySecret();
        this.adminTokenSecret = c.adminTokenSecret();
        this.cpuRequest = c.cpuRequest().orElse(DEFAULT_CPU_REQUEST);
        this.memoryRequest = c.memoryRequest().orElse(DEFAULT_MEMORY_REQUEST);
        this.cpuLimit = c.cpuLimit().or(() -> DEFAULT_CPU_LIMIT);
        this.memoryLimit = c.memoryLimit().orElse(DEFAULT_MEMORY_LIMIT);
        this.maxReviewBytes = c.maxReviewBytes().orElse(DEFAULT_MAX_REVIEW_BYTES);
    }

    /** The options for {@code config}; throws {@link dev.gossamer.common.InvalidOptionsException} with every problem. */
    public static InjectorOptions from(InjectorConfig config) {
        InjectorOptions o = new InjectorOptions(config);
        OptionRules r = new OptionRules();
        r.check(!o.image.isBlank() && !o.image.contains(" "), "image", "'" + o.image + "' (expected: an image reference)");
        r.check(o.voters.size() == 0 || o.voters.size() == 1 || o.voters.size() == 3 || o.voters.size() == 5,
                "voters", o.voters.size() + " voters (expected: 0, 1, 3 or 5)");
        for (int i = 0; i < o.voters.size(); i++) {
            r.check(VOTER.matcher(o.voters.get(i)).matches(), "voters[" + i + "]",
                    "'" + o.voters.get(i) + "' (expected: id@host:port)");
        }
        for (int i = 0; i < o.seeds.size(); i++) {
            r.check(HOST_PORT.matcher(o.seeds.get(i)).matches(), "seeds[" + i + "]",
                    "'" + o.seeds.get(i) + "' (expected: host:port)");
        }
        dnsName(r, "mesh_config_map", Optional.of(o.meshConfigMap));
        dnsName(r, "gossip_key_secret", o.gossipKeySecret);
        dnsName(r, "admin_token_secret", o.adminTokenSecret);
        quantity(r, "resources.cpu_request", Optional.of(o.cpuRequest));
        quantity(r, "resources.memory_request", Optional.of(o.memoryRequest));
        quantity(r, "resources.cpu_limit", o.cpuLimit);
        quantity(r, "resources.memory_limit", Optional.of(o.memoryLimit));
        r.range("max_review_bytes", o.maxReviewBytes, 64 * 1024, 64L * 1024 * 1024);
        r.throwIfAny();
        return o;
    }

    /** The defaults. */
    public static InjectorOptions defaults() {
        return from(InjectorConfig.empty());
    }

    /** Whether {@code q} is a Kubernetes quantity ({@code 100m}, {@code 1.5}, {@code 128Mi}); also for annotations. */
    public static boolean isQuantity(String q) {
        return q != null && QUANTITY.matcher(q).matches();
    }

    private static void quantity(OptionRules r, String field, Optional<String> q) {
        q.ifPresent(v -> r.check(isQuantity(v), field, "'" + v + "' (expected: a Kubernetes quantity such as 100m, 1, 128Mi)"));
    }

    private static void dnsName(OptionRules r, String field, Optional<String> name) {
        name.ifPresent(v -> r.check(DNS_NAME.matcher(v).matches(), field, "'" + v + "' (expected: a DNS-1123 name)"));
    }

    private static String projectVersion() {
        Properties p = new Properties();
        try (InputStream in = InjectorOptions.class.getResourceAsStream("injector.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String v = p.getProperty("version", "latest");
        return v.startsWith("${") ? "latest" : v;
    }

    public String image() {
        return image;
    }

    public boolean nativeSidecar() {
        return nativeSidecar;
    }

    public List<String> voters() {
        return voters;
    }

    public List<String> seeds() {
        return seeds;
    }

    public String meshConfigMap() {
        return meshConfigMap;
    }

    public Optional<String> gossipKeySecret() {
        return gossipKeySecret;
    }

    public Optional<String> adminTokenSecret() {
        return adminTokenSecret;
    }

    public String cpuRequest() {
        return cpuRequest;
    }

    public String memoryRequest() {
        return memoryRequest;
    }

    public Optional<String> cpuLimit() {
        return cpuLimit;
    }

    public String memoryLimit() {
        return memoryLimit;
    }

    public long maxReviewBytes() {
        return maxReviewBytes;
    }
}
