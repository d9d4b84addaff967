package dev.gossamer.proxy;

import dev.gossamer.common.OptionRules;
import java.time.Duration;
import java.util.Objects;

/**
 * One HTTP listener of the data plane: where it binds and the limits it keeps on its clients. Immutable. Owns the
 * defaults and ranges of a listener's limits; broken rules are reported by their YAML keys in a
 * {@link dev.gossamer.common.InvalidOptionsException}.
 *
 * @param name                  unique listener name; routes name the listener they belong to
 * @param host                  bind address, e.g. {@code 127.0.0.1} or {@code 0.0.0.0}
 * @param port                  TCP port, 0..65535; 0 binds an ephemeral port (read it back with
 *                              {@link DataPlane#boundPort})
 * @param requestHeadersTimeout the time a client has to send a complete HTTP/1.x request head: from the accept for
 *                              a connection's first request, from the first byte for the next ones on a keep-alive
 *                              connection (HAProxy's {@code timeout http-request}, nginx's
 *                              {@code client_header_timeout}, Envoy's {@code request_headers_timeout}). Past it the
 *                              connection gets 408 (or, when it sent nothing, is closed) and
 *                              {@code gossamer.downstream.header.timeouts} counts it. {@link Duration#ZERO}: none
 * @param maxConnections        client connections open at once on this listener; one more is closed as soon as it
 *                              is accepted, before a byte is read, and {@code gossamer.downstream.connections.refused}
 *                              counts it
 */
public record ListenerSpec(String name, String host, int port, Duration requestHeadersTimeout, int maxConnections) {

    /**
     * HAProxy's advice for {@code timeout http-request} is a few seconds; 10 s leaves a slow mobile link room while a
     * slowloris connection holds its socket for seconds, not for the 5 minute idle timeout.
     */
    public static final Duration DEFAULT_REQUEST_HEADERS_TIMEOUT = Duration.ofSeconds(10);
    /** A head that takes longer than this is an attack or a bug: beyond it the setting is a typo. */
    public static final Duration MAX_REQUEST_HEADERS_TIMEOUT = Duration.ofMinutes(10);
    /**
     * A container's usual open-file limit is 65,536 (containerd, Docker); each client connection may need an upstream
     * one too, so 10,000 per listener leaves room for a few listeners, their upstreams, gossip and the admin API.
     */
    public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
    /** More than a million connections is more than one sidecar's file descriptors: a typo. */
    public static final int MAX_MAX_CONNECTIONS = 1_000_000;

    public ListenerSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(requestHeadersTimeout, "requestHeadersTimeout");
        OptionRules r = new OptionRules();
        r.check(!name.isBlank(), "name", "\"\" (expected: non-blank)");
        r.range("port", port, 0, 65535);
        r.nonNegative("request_headers_timeout", requestHeadersTimeout);
        r.check(requestHeadersTimeout.compareTo(MAX_REQUEST_HEADERS_TIMEOUT) <= 0, "request_headers_timeout",
                OptionRules.format(requestHeadersTimeout) + " (expected: <= "
                        + OptionRules.format(MAX_REQUEST_HEADERS_TIMEOUT) + ", or 0 for none)");
        r.range("max_connections", maxConnections, 1, MAX_MAX_CONNECTIONS);
        r.throwIfAny();
    }

    /** A listener with the default limits. */
    public ListenerSpec(String name, String host, int port) {
        this(name, host, port, DEFAULT_REQUEST_HEADERS_TIMEOUT, DEFAULT_MAX_CONNECTIONS);
    }

    /** The same listener with other limits. */
    public ListenerSpec withLimits(Duration newRequestHeadersTimeout, int newMaxConnections) {
        return new ListenerSpec(name, host, port, newRequestHeadersTimeout, newMaxConnections);
    }
}
