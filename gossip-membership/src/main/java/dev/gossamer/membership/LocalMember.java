package dev.gossamer.membership;

import java.util.Objects;

/**
 * Who this node is: a unique id, the gossip address others reach it at ({@code host:port}, UDP and TCP on the same
 * port) and its initial metadata. Immutable.
 *
 * @param id unique member id, 1..128 UTF-8 bytes; a restart with the same id rejoins (with a higher incarnation)
 * @param address advertised {@code host:port}
 * @param metadata initial metadata
 */
public record LocalMember(String id, String address, Metadata metadata) {

    public LocalMember {
        Objects.requireNonNull(metadata, "metadata");
        Metadata.checkString("id", id, 1, Metadata.MAX_NAME_BYTES);
        checkAddress(address);
    }

    static void checkAddress(String address) {
        Objects.requireNonNull(address, "address");
        int colon = address.lastIndexOf(':');
        int port = -1;
        if (colon > 0) {
            try {
                port = Integer.parseInt(address.substring(colon + 1));
            } catch (NumberFormatException e) {
                port = -1;
            }
        }
        if (port < 0 || port > 65535 || address.length() > 255) {
            throw new IllegalArgumentException("address: " + address + " (expected: host:port)");
        }
    }
}
