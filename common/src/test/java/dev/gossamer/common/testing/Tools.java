package dev.gossamer.common.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The one way a test gets an outside tool: a command from Debian's packages (installed with {@code apt-get} when
 * missing, as CI runs as root), or an npm package (installed once into the cache, outside the repository). So
 * {@code mvn -B verify} on a fresh machine still does it all, and a second run finds everything in place.
 *
 * <p>Installs are serialised across JVMs by a file lock in the cache (two modules' tests, or two builds, must not
 * run {@code apt-get} at once). A tool that cannot be had fails the test with a sentence saying what to install.
 */
public final class Tools {

    private static final long INSTALL_MINUTES = 15;

    private Tools() {
    }

    /** The cache for tools and builds: {@code $GOSSAMER_CACHE}, else {@code ~/.cache/gossamer}. */
    public static Path cache() {
        String configured = System.getenv("GOSSAMER_CACHE");
        Path dir = configured != null && !configured.isBlank()
                ? Path.of(configured)
                : Path.of(System.getProperty("user.home"), ".cache", "gossamer");
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the tool cache " + dir, e);
        }
    }

    /** Where {@code command} is on PATH, if it is. */
    public static Optional<Path> onPath(String command) {
        String path = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin");
        for (String dir : (path + ":/usr/sbin:/sbin").split(":")) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, command);
            if (Files.isExecutable(p) && !Files.isDirectory(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /**
     * The path of {@code command}, installing Debian's {@code debianPackage} first when it is missing (with the
     * package's own services kept from starting, as they would take ports such as :80).
     */
    public static Path debian(String command, String debianPackage) {
        Optional<Path> found = onPath(command);
        if (found.isPresent()) {
            return found.get();
        }
        withInstallLock(() -> {
            if (onPath(command).isEmpty()) {
                aptInstall(debianPackage);
            }
        });
        return onPath(command).orElseThrow(() -> new AssertionError(
                "installed Debian's " + debianPackage + " but there is still no '" + command + "' on PATH"));
    }

    /** Installs Debian's packages when {@code dpkg} does not know them (for libraries: no command to look for). */
    public static void debianPackages(String... packages) {
        List<String> missing = new ArrayList<>();
        for (String p : packages) {
            if (!dpkgInstalled(p)) {
                missing.add(p);
            }
        }
        if (!missing.isEmpty()) {
            withInstallLock(() -> aptInstall(missing.stream().filter(p -> !dpkgInstalled(p)).toArray(String[]::new)));
        }
    }

    /**
     * The {@code node_modules} folder holding npm's {@code name@version}, installed once into the cache (the npm
     * registry is reachable here; nothing is fetched when the folder is complete).
     */
    public static Path npm(String name, String version) {
        Path prefix = cache().resolve("npm").resolve(name.replace('/', '+') + "@" + version);
        Path done = prefix.resolve(".installed");
        if (Files.exists(done)) {
            return prefix.resolve("node_modules");
        }
        withInstallLock(() -> {
            if (Files.exists(done)) {
                return;
            }
            debian("npm", "npm");
            run(List.of("npm", "install", "--no-audit", "--no-fund", "--loglevel=error", "--prefix",
                    prefix.toString(), name + "@" + version), "npm install " + name + "@" + version);
            try {
                Files.writeString(done, name + "@" + version + "\n");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        return prefix.resolve("node_modules");
    }

    /** Whether this process runs as root (iptables, network namespaces, apt-get). */
    public static boolean isRoot() {
        try {
            Process p = new ProcessBuilder("id", "-u").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            return p.waitFor() == 0 && out.equals("0");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static boolean dpkgInstalled(String pkg) {
        try {
            Process p = new ProcessBuilder("dpkg-query", "-W", "-f=${Status}", pkg).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return p.waitFor() == 0 && out.contains("install ok installed");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void aptInstall(String... packages) {
        if (packages.length == 0) {
            return;
        }
        if (!isRoot()) {
            throw new AssertionError("this test needs Debian's " + String.join(", ", packages)
                    + " and is not root to install it: run `apt-get install " + String.join(" ", packages) + "`");
        }
        Path policy = Path.of("/usr/sbin/policy-rc.d");
        boolean ownPolicy = false;
        try {
            if (!Files.exists(policy)) {
                Files.writeString(policy, "#!/bin/sh\nexit 101\n");
                policy.toFile().setExecutable(true);
                ownPolicy = true;
            }
            run(List.of("apt-get", "update", "-q"), "apt-get update");
            List<String> cmd = new ArrayList<>(List.of("apt-get", "install", "-y", "-q", "--no-install-recommends"));
            cmd.addAll(List.of(packages));
            run(cmd, "apt-get install " + String.join(" ", packages));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (ownPolicy) {
                try {
                    Files.deleteIfExists(policy);
                } catch (IOException ignored) {
                    // a stale policy only keeps package services from starting
                }
            }
        }
    }

    private static void run(List<String> command, String what) {
        try {
            Path log = Files.createTempFile("gossamer-tools", ".log");
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
            Process p = pb.start();
            if (!p.waitFor(INSTALL_MINUTES, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new AssertionError(what + " did not finish in " + INSTALL_MINUTES + " minutes; see " + log);
            }
            if (p.exitValue() != 0) {
                String tail = Files.readString(log);
                tail = tail.substring(Math.max(0, tail.length() - 2000));
                throw new AssertionError(what + " failed (exit " + p.exitValue() + "):\n" + tail);
            }
            Files.deleteIfExists(log);
        } catch (IOException e) {
            throw new UncheckedIOException(what, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(what + " interrupted", e);
        }
    }

    @SuppressWarnings("try") // the lock is held by the try block, not used in it
    private static synchronized void withInstallLock(Runnable install) {
        Path lockFile = cache().resolve("install.lock");
        try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = ch.lock()) {
            install.run();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + lockFile, e);
        }
    }
}
