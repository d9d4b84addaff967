package dev.gossamer.sidecar;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gossamer members}: the membership table of a running sidecar, read from its admin API. */
@Command(name = "members", mixinStandardHelpOptions = true,
        description = "Show the gossip membership as a running sidecar sees it (from GET /admin/members).")
final class MembersCommand implements Callable<Integer> {

    @Option(names = "--admin", paramLabel = "HOST:PORT", defaultValue = "${env:GOSSAMER_ADMIN:-127.0.0.1:9901}",
            description = "The sidecar's admin address (default: $GOSSAMER_ADMIN, else ${DEFAULT-VALUE}).")
    String admin;

    @Override
    public Integer call() throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + admin
                    + "/admin/members")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                System.err.println("gossamer members: " + admin + " answered " + r.statusCode());
                return 1;
            }
            print(new JsonObject(r.body()), System.out);
            return 0;
        } catch (IOException e) {
            System.err.println("gossamer members: cannot reach the admin API at " + admin + ": "
                    + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName())
                    + " (expected: a running sidecar; set --admin or GOSSAMER_ADMIN)");
            return 1;
        }
    }

    static void print(JsonObject body, PrintStream out) {
        if (!body.getBoolean("enabled", false)) {
            out.println("membership is not configured on this node (no 'membership:' in sidecar.yaml)");
            return;
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"ID", "ADDRESS", "STATE", "INC", "ZONE", "SERVICES"});
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
        int[] width = new int[6];
        for (String[] row : rows) {
            for (int c = 0; c < row.length; c++) {
                width[c] = Math.max(width[c], row[c].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < row.length; c++) {
                line.append(c == row.length - 1 ? row[c] : String.format("%-" + (width[c] + 2) + "s", row[c]));
            }
            out.println(line.toString().stripTrailing());
        }
    }
}
