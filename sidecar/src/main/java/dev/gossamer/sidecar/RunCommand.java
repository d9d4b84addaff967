package dev.gossamer.sidecar;

import dev.gossamer.config.ConfigValidator;
import dev.gossamer.config.SidecarConfig;
import dev.gossamer.config.ValidationResult;
import dev.gossamer.control.ControlOptions;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code gossamer run --config sidecar.yaml}: runs a sidecar until SIGTERM/SIGINT or {@code POST /quitquitquit},
 * then drains and exits 0. SIGHUP re-reads the mesh config. Exit 1 when the configuration is invalid or a port
 * cannot be bound.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run a sidecar. SIGHUP reloads the mesh config; SIGTERM drains and exits 0.")
final class RunCommand implements Callable<Integer> {

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE",
            description = "The sidecar (bootstrap) document, e.g. sidecar.yaml.")
    Path config;

    @Option(names = "--event-loops", paramLabel = "N",
            description = "Event loops (and listener acceptors). Default: one per core (${DEFAULT-VALUE}).")
    int eventLoops = Math.max(1, java.lang.Runtime.getRuntime().availableProcessors());

    @Mixin
    TransportOption transport = new TransportOption();

    @Option(names = "--log-format", paramLabel = "FORMAT", defaultValue = "${env:GOSSAMER_LOG_FORMAT:-text}",
            description = "Log lines as ${COMPLETION-CANDIDATES} (default: $GOSSAMER_LOG_FORMAT, else text).")
    Logging.Format logFormat = Logging.Format.text;

    @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "${env:GOSSAMER_LOG_LEVEL:-info}",
            description = "trace, debug, info, warn or error (default: $GOSSAMER_LOG_LEVEL, else info); change it "
                    + "at run time with POST /admin/logging?level=.")
    String logLevel = Logging.DEFAULT_LEVEL;

    @Override
    public Integer call() throws InterruptedException {
        if (Logging.level(logLevel).isEmpty()) {
            System.err.println("--log-level " + logLevel + " (expected: one of " + Logging.levelNames() + ")");
            return 2;
        }
        Logging.configure(logFormat, logLevel);
        return run(config, eventLoops, transport, false);
    }

    /**
     * Runs a node until it is told to stop. {@code voterOnly} ({@code gossamer control}) runs the node's Raft voter
     * and admin API without data-plane listeners or advertised services, as a Kubernetes StatefulSet of voters does.
     */
    static int run(Path config, int eventLoops, TransportOption transport, boolean voterOnly)
            throws InterruptedException {
        if (eventLoops < 1) {
            System.err.println("--event-loops: " + eventLoops + " (expected: >= 1)");
            return 2;
        }
        Sidecar.Runtime runtime = Sidecar.Runtime.system(eventLoops);
        // The same check as `gossamer validate`: both documents, loader and every module's rules.
        ValidationResult checked = new ConfigValidator(runtime.loader(), Plans.RULES).validate(config);
        if (!checked.isOk() || checked.sidecar().isEmpty()) {
            checked.problems().forEach(System.err::println);
            return 1;
        }
        SidecarConfig loaded = checked.sidecar().get();
        SidecarConfig node = loaded;
        if (voterOnly) {
            // The voters are the control module's to read: the node plan (built by the check above) knows them.
            boolean voter = Plans.node(loaded, checked.sidecarSource()).value().control()
                    .flatMap(ControlOptions::self).isPresent();
            if (!voter) {
                System.err.println(config + ": node.id " + loaded.node().id() + " is not one of control.voters "
                        + "(expected: gossamer control runs a voter; run a sidecar with gossamer run)");
                return 1;
            }
            node = new SidecarConfig(loaded.node(), loaded.admin(), List.of(), List.of(), loaded.meshConfig(),
                    loaded.membership(), loaded.control(), loaded.drain(), loaded.metrics(), loaded.accessLog());
        }
        Vertx vertx = transport.vertx(eventLoops);
        Sidecar sidecar;
        try {
            sidecar = Sidecar.start(vertx, node, checked.sidecarSource(), runtime).toCompletionStage()
                    .toCompletableFuture().get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Sidecar.ConfigRejected rejected) {
                rejected.problems().forEach(System.err::println);
            } else if (cause instanceof StartupFailure failure) {
                System.err.println(config + ": " + failure.getMessage());
            } else {
                System.err.println("gossamer: cannot start: " + StartupFailure.causeText(cause));
            }
            vertx.close();
            return 1;
        }
        Signals.on("HUP", sidecar::reload);
        Signals.on("TERM", sidecar::shutdown);
        Signals.on("INT", sidecar::shutdown);
        CompletableFuture<Void> done = sidecar.terminated().toCompletionStage().toCompletableFuture();
        try {
            done.get();
        } catch (ExecutionException e) {
            System.err.println("gossamer: shutdown failed: " + e.getCause().getMessage());
        }
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get();
        } catch (ExecutionException e) {
            // Already shutting down; nothing left to release.
        }
        return 0;
    }
}
