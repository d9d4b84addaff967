package dev.gossamer.sidecar;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.WebClient;
import picocli.CommandLine.Command;

/** {@code gossamer drain}: start a running sidecar's graceful drain ({@code POST /admin/drain}). */
@Command(name = "drain", mixinStandardHelpOptions = true,
        description = "Start a running sidecar's graceful drain: /ready turns 503, new connections are refused, "
                + "requests in flight finish (POST /admin/drain). The process keeps running; stop it afterwards.")
final class DrainCommand extends AdminCall {

    @Override
    String name() {
        return "drain";
    }

    @Override
    int call(WebClient client) {
        ok(await(request(client, HttpMethod.POST, "/admin/drain").send()));
        out.println(admin + " is draining: /ready answers 503 and requests in flight finish");
        return 0;
    }
}
