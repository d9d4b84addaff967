package dev.gossamer.sidecar;

import io.netty.util.internal.PlatformDependent;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Netty's native transport libraries of this machine's architecture, copied out of the sidecar's jar into a directory
 * once, by the launcher's training run ({@code gossamer train --natives DIR}); the launcher then starts the JVM with
 * {@code -Djava.library.path=DIR}, where Netty looks before anything else. Without it Netty copies its library out of
 * the jar into a new temporary file at every start (a {@code SecureRandom} for the file's name, the inflating, a
 * write to {@code java.io.tmpdir}), and a sidecar whose temporary directory is not writable or is mounted
 * {@code noexec} (a read-only root file system, a hardened {@code /tmp}) cannot load io_uring or epoll at all.
 * Only Netty's own libraries ({@code META-INF/native/libnetty_*}) are copied: the shaded copy of Netty inside Ratis
 * names its libraries differently and still finds them its own way.
 */
final class NativeLibraries {

    private static final String PREFIX = "META-INF/native/libnetty_";

    private NativeLibraries() {
    }

    /** Copies the libraries for this architecture from {@code jar} into {@code dir} (made if missing); their paths. */
    static List<Path> extract(Path jar, Path dir) throws IOException {
        String suffix = "_" + PlatformDependent.normalizedArch() + ".so";
        List<Path> copied = new ArrayList<>();
        Files.createDirectories(dir);
        try (JarFile j = new JarFile(jar.toFile())) {
            for (Enumeration<JarEntry> entries = j.entries(); entries.hasMoreElements(); ) {
                JarEntry e = entries.nextElement();
                String name = e.getName();
                if (name.startsWith(PREFIX) && name.endsWith(suffix) && name.indexOf('/', PREFIX.length()) < 0) {
                    Path to = dir.resolve(name.substring(name.lastIndexOf('/') + 1));
                    try (InputStream in = j.getInputStream(e)) {
                        Files.copy(in, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    }
                    copied.add(to);
                }
            }
        }
        return copied;
    }

    /** The jar this class was loaded from, or null when it was loaded from a directory (a build's classes). */
    static Path ownJar() {
        java.security.CodeSource source = NativeLibraries.class.getProtectionDomain().getCodeSource();
        if (source == null) {
            return null;
        }
        try {
            Path p = Path.of(source.getLocation().toURI());
            return Files.isRegularFile(p) ? p : null;
        } catch (java.net.URISyntaxException e) {
            return null;
        }
    }
}
