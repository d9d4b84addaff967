package dev.gossamer.proxy;

import java.util.Objects;

/**
 * One HTTP listener of the data plane: where it binds. Immutable.
 *
 * @param name unique listener name; routes name the listener they belong to
 * @param host bind address, e.g. {@code 127.0.0.1} or {@code 0.0.0.0}
 * @param port TCP port, 0..65535; 0 binds an ephemeral port (read it back with {@link DataPlane#boundPort})
 */
public record ListenerSpec(String name, String host, int port) {

    public ListenerSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(host, "host");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name: \"\" (expected: non-blank)");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
        }
    }
}
