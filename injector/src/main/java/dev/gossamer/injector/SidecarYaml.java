package dev.gossamer.injector;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;

/**
 * Renders the {@code sidecar.yaml} of one injected pod. Pod-specific values the API server does not know yet at
 * admission (the pod's name under {@code generateName}, its IP) are left as {@code ${VAR}} references, which the
 * sidecar substitutes from the downward-API environment the patch adds ({@code POD_NAME}, {@code POD_NAMESPACE},
 * {@code POD_IP}, {@code NODE_NAME}).
 *
 * <p>Example, with three voters and one service:
 * <pre>{@code
 * node: {id: '${POD_NAME}.${POD_NAMESPACE}'}
 * admin: {address: 0.0.0.0:9901}
 * listeners: [{name: outbound, address: 127.0.0.1:15001}]
 * services: [{name: orders, port: 8080}]
 * membership: {address: 0.0.0.0:7946, advertise: '${POD_IP}:7946', seeds: [gossamer-voters.gossamer-system.svc:7946]}
 * control: {voters: [...], data_dir: /var/lib/gossamer}
 * }</pre>
 */
final class SidecarYaml {

    static final String CONFIG_DIR = "/etc/gossamer/sidecar";
    static final String CONFIG_FILE = CONFIG_DIR + "/sidecar.yaml";
    static final String MESH_DIR = "/etc/gossamer/mesh";
    static final String DATA_DIR = "/var/lib/gossamer";
    static final String TOKEN_DIR = "/etc/gossamer/token";

    /** A service the pod serves: its name in the mesh and the app's port. */
    record Service(String name, int port) {
    }

    private SidecarYaml() {
    }

    static String render(InjectorOptions o, List<Service> services) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("node", Map.of("id", "${POD_NAME}.${POD_NAMESPACE}"));
        // The kubelet probes /ready and /live on the pod IP; beyond loopback the admin API asks a token of every
        // other endpoint when admin_token_secret is set (AdminGuard).
        doc.put("admin", Map.of("address", "0.0.0.0:" + InjectorOptions.ADMIN_PORT));
        doc.put("listeners", List.of(ordered("name", "outbound", "address", "127.0.0.1:" + InjectorOptions.OUTBOUND_PORT)));
        List<Object> svc = new ArrayList<>();
        for (Service s : services) {
            svc.add(ordered("name", s.name(), "port", s.port()));
        }
        doc.put("services", svc);
        Map<String, Object> membership = ordered("address", "0.0.0.0:" + InjectorOptions.GOSSIP_PORT,
                "advertise", "${POD_IP}:" + InjectorOptions.GOSSIP_PORT);
        if (!o.seeds().isEmpty()) {
            membership.put("seeds", o.seeds());
        }
        if (o.gossipKeySecret().isPresent()) {
            membership.put("keys", List.of("${GOSSIP_KEY}"));
        }
        doc.put("membership", membership);
        if (o.voters().isEmpty()) {
            doc.put("mesh_config", MESH_DIR + "/mesh.yaml");
        } else {
            Map<String, Object> control = ordered("voters", o.voters(), "data_dir", DATA_DIR);
            o.adminTokenSecret().ifPresent(s -> control.put("token_file", TOKEN_DIR + "/token"));
            doc.put("control", control);
        }
        DumpSettings settings = DumpSettings.builder().setDefaultFlowStyle(FlowStyle.BLOCK).build();
        return "# rendered by gossamer injector for this pod; ${VAR}s come from the downward API\n"
                + new Dump(settings).dumpToString(doc);
    }

    private static Map<String, Object> ordered(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
