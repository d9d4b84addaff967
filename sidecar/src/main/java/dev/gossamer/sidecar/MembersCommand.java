package dev.gossamer.sidecar;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code gossamer members}: the membership table of a running sidecar, read from its admin API. */
@Command(name = "members", mixinStandardHelpOptions = true,
        description = "Show the gossip membership as a running sidecar sees it (from GET /admin/members).")
final class MembersCommand extends AdminCall {

    @Mixin
    OutputOption output = new OutputOption();

    @Override
    String name() {
        return "members";
    }

    @Override
    int call(WebClient client) {
        return show(client, "/admin/members", output, MembersCommand::print);
    }

    static void print(JsonObject body, PrintStream out) {
        if (!body.getBoolean("enabled", false)) {
            out.println("membership is not configured on this node (no 'membership:' in sidecar.yaml)");
            return;
        }
        List<String[]> rows = OutputOption.table("ID", "ADDRESS", "STATE", "INC", "ZONE", "SERVICES");
        JsonArray members = body.getJsonArray("members");
        for (int i = 0; i < members.size(); i++) {
            JsonObject m = members.getJsonObject(i);
            List<String> services = new ArrayList<>();
            JsonArray ss = m.getJsonArray("services");
            for (int j = 0; j < ss.size(); j++) {
                JsonObject s = ss.getJsonObject(j);
                String health = s.getString("health");
                services.add(s.getString("name") + ":" + s.getInteger("port") + (health == null ? "" : "(" + health + ")"));
            }
            String id = m.getString("id") + (m.getBoolean("local", false)
                    ? " (self, health " + m.getInteger("local_health") + ")" : "");
            rows.add(new String[] {id, m.getString("address"), m.getString("state"),
                String.valueOf(m.getLong("incarnation")), m.getString("zone"), String.join(" ", services)});
        }
        OutputOption.printTable(rows, out);
    }
}
