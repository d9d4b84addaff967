package dev.gossamer.sidecar;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * A command that talks to a running sidecar's admin API: {@code gossamer members}, {@code clusters}, {@code reload},
 * {@code drain} and {@code config ...}. The address comes from {@code --admin}, else {@code $GOSSAMER_ADMIN}, else
 * {@code 127.0.0.1:9901}; a bearer token from {@code --token-file}. Every failure is one sentence on stderr with the
 * cause and the fix, and exit status 1; never a stack trace, never {@code null}.
 */
abstract class AdminCall implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--admin", paramLabel = "HOST:PORT", defaultValue = "${env:GOSSAMER_ADMIN:-127.0.0.1:9901}",
            description = "A sidecar's admin address (default: $GOSSAMER_ADMIN, else ${DEFAULT-VALUE}).")
    String admin;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "A file holding the bearer token, for an admin API beyond loopback.")
    Path tokenFile;

    PrintStream out = System.out;
    PrintStream err = System.err;

    /** Runs {@code call} with a web client to the admin API; answers a sentence, not a stack trace. */
    @Override
    public Integer call() {
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
        WebClient client = WebClient.create(vertx, new WebClientOptions().setConnectTimeout(5_000));
        try {
            return call(client);
        } catch (Failure f) {
            err.println(commandName() + ": " + f.getMessage());
            return 1;
        } finally {
            client.close();
            vertx.close();
        }
    }

    /** The sub-command's own name, e.g. {@code get}. */
    abstract String name();

    /** The full command as the user typed it, e.g. {@code gossamer config get}, for the start of a message. */
    String commandName() {
        return spec != null ? spec.qualifiedName() : "gossamer " + name();
    }

    abstract int call(WebClient client);

    HttpRequest<Buffer> request(WebClient client, io.vertx.core.http.HttpMethod method, String path) {
        String[] hp = admin.split(":(?=[0-9]+$)");
        if (hp.length != 2) {
            throw new Failure("--admin " + admin + " (expected: host:port, like 127.0.0.1:9901)");
        }
        HttpRequest<Buffer> r = client.request(method, Integer.parseInt(hp[1]), hp[0], path).timeout(15_000);
        if (tokenFile != null) {
            try {
                r.bearerTokenAuthentication(Files.readString(tokenFile, StandardCharsets.UTF_8).lines()
                        .findFirst().orElse("").trim());
            } catch (IOException e) {
                throw new Failure("--token-file " + tokenFile + ": cannot read it (" + e.getMessage() + ")");
            }
        }
        return r;
    }

    /** Waits for the admin API's answer; a connection failure is a sentence with the address and the fix. */
    /**
     * A read command's whole job: {@code GET path}, then the body as JSON ({@code -o json}) or as {@code table}
     * prints it. Returns the exit code, 0.
     */
    int show(WebClient client, String path, OutputOption output, BiConsumer<JsonObject, PrintStream> table) {
        JsonObject body = ok(await(request(client, io.vertx.core.http.HttpMethod.GET, path).send()));
        if (output.json()) {
            OutputOption.printJson(body, out);
        } else {
            table.accept(body, out);
        }
        return 0;
    }

    HttpResponse<Buffer> await(Future<HttpResponse<Buffer>> f) {
        try {
            return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            throw new Failure("cannot reach the admin API at " + admin + ": " + (c.getMessage() != null
                    ? c.getMessage() : c.getClass().getSimpleName()) + " (expected: a running sidecar; set "
                    + "--admin or GOSSAMER_ADMIN)");
        } catch (TimeoutException e) {
            throw new Failure("the admin API at " + admin + " did not answer within 20 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure("interrupted");
        }
    }

    /** The JSON body of a 2xx answer; otherwise the server's reason as the failure. */
    JsonObject ok(HttpResponse<Buffer> r) {
        JsonObject body;
        try {
            body = r.bodyAsJsonObject();
        } catch (RuntimeException e) {
            throw new Failure(admin + " answered " + r.statusCode() + " without JSON");
        }
        if (r.statusCode() / 100 == 2) {
            return body == null ? new JsonObject() : body;
        }
        if (body != null && body.containsKey("problems")) {
            StringBuilder s = new StringBuilder("rejected by the control plane; the committed version keeps "
                    + "serving:");
            body.getJsonArray("problems").forEach(p -> s.append("\n").append(p));
            throw new Failure(s.toString());
        }
        if (r.statusCode() == 409 && body != null && body.containsKey("current_version")) {
            throw new Failure("version " + body.getLong("current_version") + " is the latest, not the one "
                    + "--if-version named: read it (gossamer config get) and apply again");
        }
        throw new Failure(body != null && body.containsKey("error") ? body.getString("error")
                : admin + " answered " + r.statusCode());
    }

    JsonObject version(WebClient client, long version) {
        return ok(await(request(client, io.vertx.core.http.HttpMethod.GET, "/admin/config?version=" + version)
                .send()));
    }

    /** A failure the user reads: one sentence with the cause and the fix. */
    static final class Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Failure(String message) {
            super(message);
        }
    }
}
