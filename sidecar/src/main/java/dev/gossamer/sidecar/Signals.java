package dev.gossamer.sidecar;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POSIX signal hooks: SIGHUP reloads the mesh config, SIGTERM and SIGINT drain and exit.
 *
 * <p>Uses {@code sun.misc.Signal} (module jdk.unsupported, present in every OpenJDK build) because a shutdown hook
 * cannot choose the exit code and cannot serve SIGHUP. Where a signal cannot be handled (another OS), it is logged
 * and the JVM's default handling stays.
 */
final class Signals {

    private static final Logger log = LoggerFactory.getLogger(Signals.class);

    private Signals() {}

    static void on(String name, Runnable action) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> action.run());
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            log.warn("cannot handle SIG{} here ({}); default handling stays", name, e.getMessage());
        }
    }
}
