package dev.gossamer.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One proxy listener ({@code listeners[i]} in sidecar.yaml). Every listener accepts both HTTP/1.1 and
 * cleartext HTTP/2 (h2c), so there is no protocol setting.
 *
 * @param name                  unique among listeners; routes name it in {@code routes[i].listener}
 * @param address               bind address; port 0 picks a free port
 * @param requestHeadersTimeout time a client has to send a request head, as written; empty: the proxy's default
 *                              ({@code ListenerSpec})
 * @param maxConnections        client connections open at once, as written; empty: the proxy's default
 */
public record ListenerConfig(String name, HostPort address, Optional<Duration> requestHeadersTimeout,
                             OptionalInt maxConnections) {

    /** The listener used when {@code listeners:} is absent: the app's outbound traffic on Istio's outbound port. */
    public static final List<ListenerConfig> DEFAULT_LISTENERS =
            List.of(new ListenerConfig("outbound", new HostPort("127.0.0.1", 15001)));

    /** A listener with nothing but its name and address written. */
    public ListenerConfig(String name, HostPort address) {
        this(name, address, Optional.empty(), OptionalInt.empty());
    }

    public ListenerConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(requestHeadersTimeout, "requestHeadersTimeout");
        Objects.requireNonNull(maxConnections, "maxConnections");
    }
}
