package dev.gossamer.sidecar;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
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
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code gossamer config apply|get|history|diff|rollback}: the mesh config as the control plane keeps it, through
 * any sidecar's admin API (writes are forwarded to the Raft leader). Exit 0 on success, 1 when the control plane
 * refused or could not be reached, with a sentence saying why.
 */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = "Read and change the mesh config through a sidecar's admin API (the control plane's history).",
        subcommands = {ConfigCommand.Apply.class, ConfigCommand.Get.class, ConfigCommand.History.class,
            ConfigCommand.Diff.class, ConfigCommand.Rollback.class})
final class ConfigCommand implements Runnable {

    @Override
    public void run() {
        System.err.println("gossamer config: name a sub-command: apply, get, history, diff or rollback "
                + "(gossamer config --help)");
    }

    @Command(name = "apply", mixinStandardHelpOptions = true,
            description = "Propose FILE as the next mesh config version: validated by the leader, committed by a "
                    + "majority of voters, applied by every sidecar.")
    static final class Apply extends AdminCall {
        @Parameters(paramLabel = "FILE", description = "The whole mesh config (mesh.yaml).")
        Path file;

        @Option(names = "--if-version", paramLabel = "N",
                description = "Commit only if N is the latest version (compare-and-set; 0 = nothing committed yet).")
        Long ifVersion;

        @Override
        String name() {
            return "apply";
        }

        @Override
        int call(WebClient client) {
            String yaml;
            try {
                yaml = Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new Failure(file + ": cannot read it (" + e.getMessage() + ")");
            }
            String path = "/admin/config" + (ifVersion == null ? "" : "?if_version=" + ifVersion);
            JsonObject r = ok(await(request(client, io.vertx.core.http.HttpMethod.PUT, path)
                    .putHeader("x-gossamer-author", System.getProperty("user.name", ""))
                    .sendBuffer(Buffer.buffer(yaml))));
            out.println(r.getBoolean("created", true) ? "committed as version " + r.getLong("version")
                    : "unchanged: version " + r.getLong("version") + " has this text");
            return 0;
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true,
            description = "Print a committed version's YAML (default: the version this sidecar applied).")
    static final class Get extends AdminCall {
        @Option(names = "--version", paramLabel = "N", description = "A committed version.")
        Long version;

        @Mixin
        OutputOption output = new OutputOption(); // table: the YAML as committed; json: the admin API's answer

        @Override
        String name() {
            return "get";
        }

        @Override
        int call(WebClient client) {
            JsonObject r = version == null
                    ? ok(await(request(client, io.vertx.core.http.HttpMethod.GET, "/admin/config").send()))
                    : version(client, version);
            if (output.json()) {
                OutputOption.printJson(r, out);
            } else {
                out.print(r.getString("yaml", ""));
            }
            return 0;
        }
    }

    @Command(name = "history", mixinStandardHelpOptions = true, description = "List every committed version.")
    static final class History extends AdminCall {
        @Mixin
        OutputOption output = new OutputOption();

        @Override
        String name() {
            return "history";
        }

        @Override
        int call(WebClient client) {
            JsonObject body = ok(await(request(client, io.vertx.core.http.HttpMethod.GET,
                    "/admin/config/history").send()));
            if (output.json()) {
                OutputOption.printJson(body, out);
                return 0;
            }
            JsonArray versions = body.getJsonArray("versions");
            out.printf("%-8s %-24s %-14s %-24s %s%n", "VERSION", "TIME", "DIGEST", "SOURCE", "AUTHOR");
            for (int i = 0; i < versions.size(); i++) {
                JsonObject v = versions.getJsonObject(i);
                out.printf("%-8d %-24s %-14s %-24s %s%n", v.getLong("version"), v.getString("time"),
                        v.getString("digest").substring(0, 12), v.getString("source"), v.getString("author"));
            }
            return 0;
        }
    }

    @Command(name = "diff", mixinStandardHelpOptions = true,
            description = "Show what changed from version A to version B, as a unified diff.")
    static final class Diff extends AdminCall {
        @Parameters(index = "0", paramLabel = "A")
        long a;

        @Parameters(index = "1", paramLabel = "B")
        long b;

        @Override
        String name() {
            return "diff";
        }

        @Override
        int call(WebClient client) {
            List<String> from = version(client, a).getString("yaml").lines().toList();
            List<String> to = version(client, b).getString("yaml").lines().toList();
            UnifiedDiffUtils.generateUnifiedDiff("version " + a, "version " + b, from, DiffUtils.diff(from, to), 3)
                    .forEach(out::println);
            return 0;
        }
    }

    @Command(name = "rollback", mixinStandardHelpOptions = true,
            description = "Commit version N's text again, as a new version (history is never rewritten).")
    static final class Rollback extends AdminCall {
        @Parameters(paramLabel = "N")
        long version;

        @Override
        String name() {
            return "rollback";
        }

        @Override
        int call(WebClient client) {
            JsonObject r = ok(await(request(client, io.vertx.core.http.HttpMethod.POST,
                    "/admin/config/rollback?version=" + version).send()));
            out.println("version " + version + " committed again as version " + r.getLong("version"));
            return 0;
        }
    }
}
