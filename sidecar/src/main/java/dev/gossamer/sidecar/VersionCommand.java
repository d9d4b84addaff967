package dev.gossamer.sidecar;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

/** {@code gossamer version}: the project version, the JVM and the Vert.x version. */
@Command(name = "version", mixinStandardHelpOptions = true, description = "Print the version and exit.")
final class VersionCommand implements Runnable {

    @Override
    public void run() {
        for (String line : versionLines()) {
            System.out.println(line);
        }
    }

    static String version() {
        Properties p = new Properties();
        try (InputStream in = VersionCommand.class.getResourceAsStream("/gossamer-version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p.getProperty("version", "unknown");
    }

    static String[] versionLines() {
        return new String[] {
            "gossamer " + version(),
            "java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")",
            "vert.x " + vertxVersion()
        };
    }

    /** Vert.x core ships its version as a resource; a shaded jar has no per-package manifest to ask. */
    static String vertxVersion() {
        try (InputStream in = io.vertx.core.Vertx.class.getResourceAsStream("/META-INF/vertx/vertx-version.txt")) {
            return in == null ? "unknown" : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** Feeds {@code gossamer --version}. */
    static final class Provider implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return versionLines();
        }
    }
}
