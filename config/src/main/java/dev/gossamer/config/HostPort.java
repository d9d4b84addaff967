package dev.gossamer.config;

import java.util.Objects;

/**
 * A {@code host:port} address as written in the configuration: an IPv4 literal, an IPv6 literal (written
 * {@code [::1]:port} in YAML, stored without brackets), or a DNS name. No name resolution happens here.
 *
 * @param host the host without brackets
 * @param port 0..65535; 0 only where a document allows "pick a free port" (listeners, admin, gossip bind)
 */
public record HostPort(String host, int port) {

    public HostPort {
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
        }
    }

    /** {@code host:port}, with IPv6 literals bracketed: the form the configuration accepts. */
    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
