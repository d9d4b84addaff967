package dev.gossamer.sidecar;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.io.PrintStream;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code gossamer clusters}: every cluster and endpoint of a running sidecar, from {@code GET /admin/clusters}. */
@Command(name = "clusters", mixinStandardHelpOptions = true,
        description = "Show each cluster's endpoints as a running sidecar's pickers see them (GET /admin/clusters).")
final class ClustersCommand extends AdminCall {

    @Mixin
    OutputOption output = new OutputOption();

    @Override
    String name() {
        return "clusters";
    }

    @Override
    int call(WebClient client) {
        return show(client, "/admin/clusters", output, ClustersCommand::print);
    }

    /**
     * One row per endpoint: its cluster and policy, address, state (up; down: refused connections; ejected: outlier
     * detection; unhealthy: active checks; {@code panic} marks a cluster using every endpoint), and counters.
     */
    static void print(JsonObject body, PrintStream out) {
        JsonArray clusters = body.getJsonArray("clusters", new JsonArray());
        if (clusters.isEmpty()) {
            out.println("no clusters: no mesh config is applied on this node yet");
            return;
        }
        List<String[]> rows = OutputOption.table("CLUSTER", "POLICY", "ENDPOINT", "STATE", "ACTIVE", "REQUESTS",
                "5XX", "CONNECT_ERR", "MEAN_MS");
        for (int i = 0; i < clusters.size(); i++) {
            JsonObject c = clusters.getJsonObject(i);
            String name = c.getString("name") + (c.getBoolean("panic", false) ? " (panic)" : "");
            JsonArray eps = c.getJsonArray("endpoints", new JsonArray());
            if (eps.isEmpty()) {
                rows.add(new String[] {name, c.getString("policy"), "(none)", "-", "0", "0", "0", "0", "-"});
            }
            for (int j = 0; j < eps.size(); j++) {
                JsonObject e = eps.getJsonObject(j);
                rows.add(new String[] {name, c.getString("policy"), e.getString("address"), state(e),
                    String.valueOf(e.getLong("active_requests", 0L)), String.valueOf(e.getLong("requests", 0L)),
                    String.valueOf(e.getLong("http_5xx", 0L)), String.valueOf(e.getLong("connect_failures", 0L)),
                    e.getValue("mean_latency_ms") == null ? "-"
                            : String.format(java.util.Locale.ROOT, "%.2f", e.getDouble("mean_latency_ms"))});
            }
        }
        OutputOption.printTable(rows, out);
    }

    private static String state(JsonObject e) {
        if (e.getBoolean("ejected", false)) {
            return "ejected";
        }
        if ("unhealthy".equals(e.getString("health"))) {
            return "unhealthy";
        }
        if (e.getBoolean("down", false)) {
            return "down";
        }
        return e.getBoolean("eligible", true) ? "up" : "excluded";
    }
}
