package dev.gossamer.config;

import java.util.Objects;

/**
 * The admin API ({@code admin:} in sidecar.yaml).
 *
 * @param address bind address; port 0 picks a free port
 */
public record AdminConfig(HostPort address) {

    /** Loopback only, on Envoy's conventional admin port: the admin API can change config, so not public. */
    public static final HostPort DEFAULT_ADDRESS = new HostPort("127.0.0.1", 9901);

    /** The admin config used when {@code admin:} is absent. */
    public static final AdminConfig DEFAULT = new AdminConfig(DEFAULT_ADDRESS);

    public AdminConfig {
        Objects.requireNonNull(address, "address");
    }
}
