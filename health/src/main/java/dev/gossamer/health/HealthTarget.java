package dev.gossamer.health;

import java.util.Objects;

/**
 * One address to probe: {@code host:port}. {@link #id()} renders it the way endpoint ids are written elsewhere
 * in Gossamer ({@code 10.0.0.5:8080}, IPv6 in brackets), so the sidecar can key health and outlier state alike.
 */
public record HealthTarget(String host, int port) {

    public HealthTarget {
        Objects.requireNonNull(host, "host");
        if (host.isBlank()) {
            throw new IllegalArgumentException("host: \"" + host + "\" (expected: non-blank)");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 1..65535)");
        }
    }

    /** Parses {@code host:port} or {@code [v6]:port}. */
    public static HealthTarget parse(String hostPort) {
        Objects.requireNonNull(hostPort, "hostPort");
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0 || colon == hostPort.length() - 1) {
            throw new IllegalArgumentException("target: \"" + hostPort + "\" (expected: host:port)");
        }
        String host = hostPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(hostPort.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("target: \"" + hostPort + "\" (expected: host:port)", e);
        }
        return new HealthTarget(host, port);
    }

    /** {@code host:port}, with IPv6 literals in brackets. */
    public String id() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public String toString() {
        return id();
    }
}
