package dev.gossamer.sidecar;

import dev.gossamer.common.InvalidOptionsException;
import dev.gossamer.common.Ticker;
import dev.gossamer.injector.CertReloader;
import dev.gossamer.injector.Certificates;
import dev.gossamer.injector.InjectorConfig;
import dev.gossamer.injector.InjectorOptions;
import dev.gossamer.injector.WebhookServer;
import dev.gossamer.vertx.VertxScheduler;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gossamer injector}: the Kubernetes sidecar injector (a mutating admission webhook over HTTPS), and
 * {@code gossamer injector certs}, which makes its CA and serving certificate. The work is the injector module's;
 * this class only reads the command line (docs/kubernetes.md).
 */
@Command(name = "injector", mixinStandardHelpOptions = true,
        description = "Run the Kubernetes sidecar injector (mutating admission webhook). SIGTERM exits 0.",
        subcommands = InjectorCommand.Certs.class)
final class InjectorCommand implements Callable<Integer> {

    @Option(names = "--address", paramLabel = "HOST:PORT", description = "Bind address (default ${DEFAULT-VALUE}).")
    String address = "0.0.0.0:8443";

    // Not `required`: picocli would then ask for them on `gossamer injector certs` too.
    @Option(names = "--cert", paramLabel = "FILE", description = "Serving certificate (PEM), reloaded when it changes.")
    Path cert;

    @Option(names = "--key", paramLabel = "FILE", description = "Its private key (PEM), reloaded when it changes.")
    Path key;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "injector.yaml (image, mode, voters, ...).")
    Path config;

    @Override
    public Integer call() throws InterruptedException {
        if (cert == null || key == null) {
            System.err.println("gossamer injector: --cert and --key are required (PEM files; `gossamer injector "
                    + "certs` makes them)");
            return 2;
        }
        int colon = address.lastIndexOf(':');
        int port;
        try {
            port = Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
            port = -1;
        }
        if (colon <= 0 || port < 0 || port > 65535) {
            System.err.println("--address: '" + address + "' (expected: host:port)");
            return 2;
        }
        String host = address.substring(0, colon).replace("[", "").replace("]", "");
        InjectorOptions options;
        try {
            options = InjectorOptions.from(config == null ? InjectorConfig.empty() : InjectorConfig.load(config));
        } catch (InjectorConfig.InjectorConfigException e) {
            e.problems().forEach(System.err::println);
            return 1;
        } catch (InvalidOptionsException e) {
            e.problems().forEach(p -> System.err.println(config + ": " + p));
            return 1;
        } catch (IOException e) {
            System.err.println("gossamer injector: cannot read " + config + ": " + e.getMessage());
            return 1;
        }
        Vertx vertx = Vertx.vertx();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        WebhookServer server;
        try {
            server = WebhookServer.start(vertx, new VertxScheduler(vertx, Ticker.system()), options, registry, host,
                    port, cert, key, CertReloader.DEFAULT_INTERVAL).toCompletionStage().toCompletableFuture().get();
        } catch (ExecutionException e) {
            System.err.println("gossamer injector: cannot start: " + e.getCause().getMessage());
            vertx.close();
            return 1;
        }
        System.out.println("gossamer injector: serving https://" + host + ":" + server.port()
                + "/inject (image " + options.image() + ", " + (options.nativeSidecar() ? "native" : "classic")
                + " sidecars)");
        CompletableFuture<Void> done = new CompletableFuture<>();
        Runnable stop = () -> server.close().onComplete(ar -> done.complete(null));
        Signals.on("TERM", stop);
        Signals.on("INT", stop);
        try {
            done.get();
            vertx.close().toCompletionStage().toCompletableFuture().get();
        } catch (ExecutionException e) {
            // Closing anyway.
        }
        return 0;
    }

    /** {@code gossamer injector certs}: a CA and a serving certificate; prints the caBundle. */
    @Command(name = "certs", mixinStandardHelpOptions = true,
            description = "Create a CA and the injector's serving certificate in DIR; print the caBundle (base64).")
    static final class Certs implements Callable<Integer> {

        @Option(names = "--service", paramLabel = "NAME", description = "The injector's Service name (default ${DEFAULT-VALUE}).")
        String service = "gossamer-injector";

        @Option(names = "--namespace", paramLabel = "NS", description = "Its namespace (default ${DEFAULT-VALUE}).")
        String namespace = "gossamer-system";

        @Option(names = "--out", required = true, paramLabel = "DIR",
                description = "Where ca.crt, ca.key, tls.crt, tls.key go (an existing ca.crt + ca.key is kept).")
        Path out;

        @Option(names = "--dns", paramLabel = "NAME", description = "Another DNS name for the certificate (repeatable).")
        List<String> dns = new ArrayList<>();

        @Option(names = "--ip", paramLabel = "ADDRESS", description = "An IP address for the certificate (repeatable).")
        List<String> ips = new ArrayList<>();

        @Option(names = "--days", paramLabel = "N", description = "Validity of the serving certificate (default ${DEFAULT-VALUE}).")
        int days = (int) Certificates.DEFAULT_SERVING_VALIDITY.toDays();

        PrintStream stdout = System.out;

        @Override
        public Integer call() {
            if (days < 1) {
                System.err.println("--days: " + days + " (expected: >= 1)");
                return 2;
            }
            List<String> names = new ArrayList<>(Certificates.serviceNames(service, namespace));
            names.addAll(dns);
            try {
                Certificates.Issued issued = Certificates.issue(out, names, ips, Instant.now(), Duration.ofDays(days));
                System.err.println("wrote " + out.resolve("tls.crt") + " and tls.key for " + String.join(", ", names)
                        + (ips.isEmpty() ? "" : ", " + String.join(", ", ips)) + "; CA in ca.crt; caBundle:");
                stdout.println(issued.caBundle());
                return 0;
            } catch (IOException | IllegalArgumentException e) {
                System.err.println("gossamer injector certs: " + e.getMessage());
                return 1;
            }
        }
    }
}
