package dev.gossamer.injector;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Decides whether a Pod gets the sidecar and builds the RFC 6902 JSONPatch that adds it. Pure: a Pod (as JSON) in,
 * a {@link Decision} out; no I/O, so every Pod shape is a table test.
 *
 * <p>The rule, in order:
 * <ol>
 *   <li>{@code gossamer.io/status: injected} — already injected: no patch (a second review, a reinvocation, a
 *       re-created ReplicaSet pod carrying the annotations), never two sidecars.</li>
 *   <li>{@code gossamer.io/inject: "true" | "false"} on the pod decides; any other value is refused with a sentence.
 *       Without it, the namespace decides: the webhook that called says whether the pod's namespace is labelled
 *       {@code gossamer.io/inject=enabled} (the path, as the API server sends no namespace labels).</li>
 *   <li>A container, init container or volume already named like the sidecar's is refused: two would make the API
 *       server reject the pod with a message about a name the user never wrote.</li>
 * </ol>
 *
 * <p>Every path of the patch works on any Pod shape: a missing {@code metadata.annotations}, {@code spec.volumes}
 * or {@code spec.initContainers} is added whole (a JSONPatch {@code add} to {@code /a/b/-} fails when {@code /a/b}
 * does not exist); nothing depends on the pod's name, which {@code generateName} pods do not have yet.
 *
 * <p>Thread-safe: immutable.
 */
public final class PatchBuilder {

    public static final String ANNOTATION_INJECT = "gossamer.io/inject";
    public static final String ANNOTATION_STATUS = "gossamer.io/status";
    public static final String ANNOTATION_SERVICES = "gossamer.io/services";
    public static final String ANNOTATION_CONFIG = "gossamer.io/sidecar-config";
    public static final String ANNOTATION_CPU_REQUEST = "gossamer.io/cpu-request";
    public static final String ANNOTATION_MEMORY_REQUEST = "gossamer.io/memory-request";
    public static final String ANNOTATION_CPU_LIMIT = "gossamer.io/cpu-limit";
    public static final String ANNOTATION_MEMORY_LIMIT = "gossamer.io/memory-limit";
    public static final String STATUS_INJECTED = "injected";

    static final String VOLUME_CONFIG = InjectorOptions.SIDECAR_NAME + "-config";
    static final String VOLUME_DATA = InjectorOptions.SIDECAR_NAME + "-data";
    static final String VOLUME_MESH = InjectorOptions.SIDECAR_NAME + "-mesh";
    static final String VOLUME_TOKEN = InjectorOptions.SIDECAR_NAME + "-token";
    static final String VOLUME_TMP = InjectorOptions.SIDECAR_NAME + "-tmp";

    private static final Pattern SERVICE_NAME = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    private final InjectorOptions options;

    public PatchBuilder(InjectorOptions options) {
        this.options = options;
    }

    /**
     * The decision for {@code pod}.
     *
     * @param pod              the Pod of the AdmissionReview's {@code request.object}
     * @param namespaceEnabled whether the pod's namespace opted in (the webhook that called)
     */
    public Decision decide(JsonObject pod, boolean namespaceEnabled) {
        JsonObject metadata = objectOrEmpty(pod, "metadata");
        JsonObject annotations = objectOrEmpty(metadata, "annotations");
        JsonObject labels = objectOrEmpty(metadata, "labels");
        JsonObject spec = objectOrEmpty(pod, "spec");
        if (STATUS_INJECTED.equals(annotations.getValue(ANNOTATION_STATUS))) {
            return Decision.skip("already injected (" + ANNOTATION_STATUS + ": " + STATUS_INJECTED + ")");
        }
        Object inject = annotations.getValue(ANNOTATION_INJECT);
        if (inject != null) {
            String v = String.valueOf(inject).trim().toLowerCase(Locale.ROOT);
            if (v.equals("false")) {
                return Decision.skip("opted out by annotation " + ANNOTATION_INJECT + ": \"false\"");
            }
            if (!v.equals("true")) {
                return Decision.refuse("annotation " + ANNOTATION_INJECT + ": \"" + inject
                        + "\" (expected: \"true\" or \"false\")");
            }
        } else if (!namespaceEnabled) {
            return Decision.skip("namespace not labelled gossamer.io/inject=enabled and no " + ANNOTATION_INJECT
                    + " annotation");
        }
        JsonArray containers = arrayOrEmpty(spec, "containers");
        JsonArray initContainers = arrayOrEmpty(spec, "initContainers");
        for (JsonArray list : List.of(containers, initContainers)) {
            for (Object c : list) {
                if (c instanceof JsonObject co && InjectorOptions.SIDECAR_NAME.equals(co.getValue("name"))) {
                    return Decision.refuse("the pod already has a container named '" + InjectorOptions.SIDECAR_NAME
                            + "', the Gossamer sidecar's name: rename it, or annotate the pod " + ANNOTATION_INJECT
                            + ": \"false\"");
                }
            }
        }
        JsonArray volumes = arrayOrEmpty(spec, "volumes");
        for (Object v : volumes) {
            if (v instanceof JsonObject vo && String.valueOf(vo.getValue("name")).startsWith(InjectorOptions.SIDECAR_NAME + "-")) {
                return Decision.refuse("the pod already has a volume named '" + vo.getValue("name")
                        + "': names starting with '" + InjectorOptions.SIDECAR_NAME + "-' are the sidecar's");
            }
        }
        Map<String, String> resources = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        resource(annotations, ANNOTATION_CPU_REQUEST, Optional.of(options.cpuRequest()), "requests", "cpu", resources, problems);
        resource(annotations, ANNOTATION_MEMORY_REQUEST, Optional.of(options.memoryRequest()), "requests", "memory", resources, problems);
        resource(annotations, ANNOTATION_CPU_LIMIT, options.cpuLimit(), "limits", "cpu", resources, problems);
        resource(annotations, ANNOTATION_MEMORY_LIMIT, Optional.of(options.memoryLimit()), "limits", "memory", resources, problems);
        List<SidecarYaml.Service> services = services(annotations, labels, containers, problems);
        if (!problems.isEmpty()) {
            return Decision.refuse(String.join("; ", problems));
        }
        String sidecarYaml = SidecarYaml.render(options, services);

        JsonArray patch = new JsonArray();
        Map<String, String> newAnnotations = new LinkedHashMap<>();
        newAnnotations.put(ANNOTATION_STATUS, STATUS_INJECTED);
        newAnnotations.put(ANNOTATION_CONFIG, sidecarYaml);
        if (!metadata.containsKey("annotations") || metadata.getValue("annotations") == null) {
            patch.add(op("/metadata/annotations", new JsonObject(new LinkedHashMap<>(newAnnotations))));
        } else {
            newAnnotations.forEach((k, v) -> patch.add(op("/metadata/annotations/" + escape(k), v)));
        }
        JsonArray newVolumes = volumes();
        if (!spec.containsKey("volumes") || spec.getValue("volumes") == null) {
            patch.add(op("/spec/volumes", newVolumes));
        } else {
            for (Object v : newVolumes) {
                patch.add(op("/spec/volumes/-", v));
            }
        }
        JsonObject sidecar = container(resources);
        if (options.nativeSidecar()) {
            if (!spec.containsKey("initContainers") || spec.getValue("initContainers") == null) {
                patch.add(op("/spec/initContainers", new JsonArray().add(sidecar)));
            } else {
                // First, so the init containers after it (which may call the network) have the mesh.
                patch.add(op("/spec/initContainers/0", sidecar));
            }
        } else {
            // First: the kubelet starts containers in order and runs each postStart hook before the next.
            patch.add(op("/spec/containers/0", sidecar));
        }
        String what = services.isEmpty() ? "no service" : services.stream()
                .map(s -> s.name() + ":" + s.port()).reduce((a, b) -> a + "," + b).orElse("");
        return Decision.inject(patch, "injected (" + (options.nativeSidecar() ? "native sidecar" : "classic")
                + ", serving " + what + ")");
    }

    private static void resource(JsonObject annotations, String annotation, Optional<String> dflt, String kind,
                                 String name, Map<String, String> out, List<String> problems) {
        Object v = annotations.getValue(annotation);
        if (v != null) {
            String s = String.valueOf(v).trim();
            if (!InjectorOptions.isQuantity(s)) {
                problems.add("annotation " + annotation + ": \"" + v + "\" (expected: a Kubernetes quantity such as 100m, 1, 128Mi)");
                return;
            }
            out.put(kind + "." + name, s);
        } else {
            dflt.ifPresent(d -> out.put(kind + "." + name, d));
        }
    }

    /**
     * The services the pod serves: {@code gossamer.io/services: "orders:8080,admin:9090"} when annotated, else the
     * pod's {@code app.kubernetes.io/name} (or {@code app}) label on the first TCP port of its containers, else none
     * (a pure client).
     */
    static List<SidecarYaml.Service> services(JsonObject annotations, JsonObject labels, JsonArray containers,
                                              List<String> problems) {
        Object annotated = annotations.getValue(ANNOTATION_SERVICES);
        Optional<Integer> firstPort = firstTcpPort(containers);
        List<SidecarYaml.Service> out = new ArrayList<>();
        if (annotated != null) {
            for (String item : String.valueOf(annotated).split(",")) {
                String it = item.trim();
                if (it.isEmpty()) {
                    continue;
                }
                int colon = it.indexOf(':');
                String name = colon < 0 ? it : it.substring(0, colon);
                Optional<Integer> port = Optional.empty();
                if (colon >= 0) {
                    try {
                        port = Optional.of(Integer.parseInt(it.substring(colon + 1)));
                    } catch (NumberFormatException e) {
                        port = Optional.of(-1);
                    }
                } else {
                    port = firstPort;
                }
                if (!SERVICE_NAME.matcher(name).matches()) {
                    problems.add("annotation " + ANNOTATION_SERVICES + ": '" + name
                            + "' (expected: a DNS label such as orders)");
                } else if (port.isEmpty()) {
                    problems.add("annotation " + ANNOTATION_SERVICES + ": '" + it
                            + "' has no port and the pod's containers declare none (expected: name:port)");
                } else if (port.get() < 1 || port.get() > 65535) {
                    problems.add("annotation " + ANNOTATION_SERVICES + ": '" + it + "' (expected: name:port, port 1..65535)");
                } else {
                    out.add(new SidecarYaml.Service(name, port.get()));
                }
            }
            return out;
        }
        Object name = labels.getValue("app.kubernetes.io/name", labels.getValue("app"));
        if (name != null && firstPort.isPresent() && SERVICE_NAME.matcher(String.valueOf(name)).matches()) {
            out.add(new SidecarYaml.Service(String.valueOf(name), firstPort.get()));
        }
        return out;
    }

    private static Optional<Integer> firstTcpPort(JsonArray containers) {
        for (Object c : containers) {
            if (!(c instanceof JsonObject co)) {
                continue;
            }
            for (Object p : arrayOrEmpty(co, "ports")) {
                if (p instanceof JsonObject po && po.getValue("containerPort") instanceof Number n
                        && "TCP".equals(po.getValue("protocol", "TCP"))) {
                    return Optional.of(n.intValue());
                }
            }
        }
        return Optional.empty();
    }

    private JsonArray volumes() {
        JsonArray v = new JsonArray();
        v.add(new JsonObject().put("name", VOLUME_CONFIG).put("downwardAPI", new JsonObject().put("items",
                new JsonArray().add(new JsonObject().put("path", "sidecar.yaml").put("fieldRef",
                        new JsonObject().put("fieldPath", "metadata.annotations['" + ANNOTATION_CONFIG + "']"))))));
        // The root file system is read-only; the JVM and Vert.x write temporary files.
        v.add(new JsonObject().put("name", VOLUME_TMP).put("emptyDir", new JsonObject()));
        if (options.voters().isEmpty()) {
            v.add(new JsonObject().put("name", VOLUME_MESH)
                    .put("configMap", new JsonObject().put("name", options.meshConfigMap())));
        } else {
            v.add(new JsonObject().put("name", VOLUME_DATA).put("emptyDir", new JsonObject()));
            options.adminTokenSecret().ifPresent(s -> v.add(new JsonObject().put("name", VOLUME_TOKEN)
                    .put("secret", new JsonObject().put("secretName", s))));
        }
        return v;
    }

    private JsonObject container(Map<String, String> resources) {
        String adminUrl = "http://127.0.0.1:" + InjectorOptions.ADMIN_PORT;
        JsonObject requests = new JsonObject();
        JsonObject limits = new JsonObject();
        resources.forEach((k, val) -> (k.startsWith("requests.") ? requests : limits)
                .put(k.substring(k.indexOf('.') + 1), val));
        JsonArray env = new JsonArray()
                .add(fieldEnv("POD_NAME", "metadata.name"))
                .add(fieldEnv("POD_NAMESPACE", "metadata.namespace"))
                .add(fieldEnv("POD_IP", "status.podIP"))
                .add(fieldEnv("NODE_NAME", "spec.nodeName"));
        options.gossipKeySecret().ifPresent(s -> env.add(new JsonObject().put("name", "GOSSIP_KEY")
                .put("valueFrom", new JsonObject().put("secretKeyRef",
                        new JsonObject().put("name", s).put("key", "key")))));
        JsonArray mounts = new JsonArray()
                .add(new JsonObject().put("name", VOLUME_CONFIG).put("mountPath", SidecarYaml.CONFIG_DIR).put("readOnly", true))
                .add(new JsonObject().put("name", VOLUME_TMP).put("mountPath", "/tmp"));
        if (options.voters().isEmpty()) {
            mounts.add(new JsonObject().put("name", VOLUME_MESH).put("mountPath", SidecarYaml.MESH_DIR).put("readOnly", true));
        } else {
            mounts.add(new JsonObject().put("name", VOLUME_DATA).put("mountPath", SidecarYaml.DATA_DIR));
            if (options.adminTokenSecret().isPresent()) {
                mounts.add(new JsonObject().put("name", VOLUME_TOKEN).put("mountPath", SidecarYaml.TOKEN_DIR).put("readOnly", true));
            }
        }
        // Drain on the way down: readiness turns false, listeners stop accepting, in-flight requests finish
        // (POST /admin/drain; the kubelet's httpGet hook cannot POST). With a token the admin API asks for it.
        String auth = options.adminTokenSecret().isPresent()
                ? " -H \"Authorization: Bearer $(cat " + SidecarYaml.TOKEN_DIR + "/token)\"" : "";
        JsonObject lifecycle = new JsonObject().put("preStop", exec(
                "curl -fsS -X POST" + auth + " " + adminUrl + "/admin/drain >/dev/null"));
        JsonObject c = new JsonObject()
                .put("name", InjectorOptions.SIDECAR_NAME)
                .put("image", options.image())
                .put("args", new JsonArray().add("run").add("--config").add(SidecarYaml.CONFIG_FILE))
                .put("ports", new JsonArray()
                        .add(port("gossamer-admin", InjectorOptions.ADMIN_PORT, "TCP"))
                        .add(port("gossip-tcp", InjectorOptions.GOSSIP_PORT, "TCP"))
                        .add(port("gossip-udp", InjectorOptions.GOSSIP_PORT, "UDP")))
                .put("env", env)
                .put("resources", new JsonObject().put("requests", requests).put("limits", limits))
                .put("readinessProbe", probe("/ready", 2, 3))
                .put("livenessProbe", probe("/live", 10, 3))
                .put("volumeMounts", mounts)
                .put("securityContext", new JsonObject()
                        .put("runAsNonRoot", true)
                        .put("allowPrivilegeEscalation", false)
                        .put("readOnlyRootFilesystem", true)
                        .put("capabilities", new JsonObject().put("drop", new JsonArray().add("ALL"))));
        if (options.nativeSidecar()) {
            // An init container that keeps running: the kubelet starts the app containers only once its startup
            // probe passes, and stops it after they end (so a Job completes).
            c.put("restartPolicy", "Always");
            c.put("startupProbe", probe("/ready", 1, 600));
        } else {
            // The kubelet does not start the next container before this hook returns: the app never starts before
            // its sidecar is ready (no startup probe for a plain container gates the others).
            lifecycle.put("postStart", exec("until curl -fsS -o /dev/null " + adminUrl + "/ready; do sleep 1; done"));
        }
        c.put("lifecycle", lifecycle);
        return c;
    }

    private static JsonObject exec(String shell) {
        return new JsonObject().put("exec", new JsonObject().put("command",
                new JsonArray().add("/bin/sh").add("-c").add(shell)));
    }

    private static JsonObject probe(String path, int periodSeconds, int failureThreshold) {
        return new JsonObject()
                .put("httpGet", new JsonObject().put("path", path).put("port", InjectorOptions.ADMIN_PORT))
                .put("periodSeconds", periodSeconds)
                .put("failureThreshold", failureThreshold);
    }

    private static JsonObject port(String name, int port, String protocol) {
        return new JsonObject().put("name", name).put("containerPort", port).put("protocol", protocol);
    }

    private static JsonObject fieldEnv(String name, String fieldPath) {
        return new JsonObject().put("name", name).put("valueFrom",
                new JsonObject().put("fieldRef", new JsonObject().put("fieldPath", fieldPath)));
    }

    private static JsonObject op(String path, Object value) {
        return new JsonObject().put("op", "add").put("path", path).put("value", value);
    }

    /** RFC 6901: {@code ~} is {@code ~0}, {@code /} is {@code ~1}. */
    static String escape(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }

    private static JsonObject objectOrEmpty(JsonObject o, String key) {
        return o.getValue(key) instanceof JsonObject j ? j : new JsonObject();
    }

    private static JsonArray arrayOrEmpty(JsonObject o, String key) {
        return o.getValue(key) instanceof JsonArray a ? a : new JsonArray();
    }
}
