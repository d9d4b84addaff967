package dev.gossamer.config;

import java.util.List;
import java.util.Objects;

/**
 * One proxy listener ({@code listeners[i]} in sidecar.yaml). Every listener accepts both HTTP/1.1 and
 * cleartext HTTP/2 (h2c), so there is no protocol setting.
 *
 * @param name    unique among listeners; routes name it in {@code routes[i].listener}
 * @param address bind address; port 0 picks a free port
 */
public record ListenerConfig(String name, HostPort address) {

    /** The listener used when {@code listeners:} is absent: the app's outbound traffic on Istio's outbound port. */
    public static final List<ListenerConfig> DEFAULT_LISTENERS =
            List.of(new ListenerConfig("outbound", new HostPort("127.0.0.1", 15001)));

    public ListenerConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(address, "address");
    }
}
