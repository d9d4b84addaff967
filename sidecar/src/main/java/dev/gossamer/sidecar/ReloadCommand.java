package dev.gossamer.sidecar;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import picocli.CommandLine.Command;

/** {@code gossamer reload}: re-read the mesh config file of a running sidecar ({@code POST /admin/reload}). */
@Command(name = "reload", mixinStandardHelpOptions = true,
        description = "Make a running sidecar re-read its mesh_config file now (POST /admin/reload; as SIGHUP).")
final class ReloadCommand extends AdminCall {

    @Override
    String name() {
        return "reload";
    }

    @Override
    int call(WebClient client) {
        HttpResponse<Buffer> r = await(request(client, HttpMethod.POST, "/admin/reload").send());
        JsonObject body = r.statusCode() == 400 ? r.bodyAsJsonObject() : ok(r);
        if (body != null && body.containsKey("problems")) {
            StringBuilder s = new StringBuilder("the mesh config file was not applied; version "
                    + body.getLong("version", 0L) + " keeps serving:");
            body.getJsonArray("problems").forEach(p -> s.append("\n").append(p));
            throw new Failure(s.toString());
        }
        out.println("mesh config version " + body.getLong("version", 0L) + " is applied");
        return 0;
    }
}
