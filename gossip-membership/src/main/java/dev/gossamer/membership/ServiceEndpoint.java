package dev.gossamer.membership;

import java.util.List;
import java.util.Objects;

/**
 * A service a member serves, as announced in its gossip metadata. Immutable.
 *
 * @param name service name, 1..128 UTF-8 bytes
 * @param port 1..65535
 * @param weight balancing weight, 0..65535 (0 = drain)
 * @param tags free tags, at most 32, each 1..128 bytes
 */
public record ServiceEndpoint(String name, int port, int weight, List<String> tags) {

    public ServiceEndpoint {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(tags, "tags");
        tags = List.copyOf(tags);
        Metadata.checkString("name", name, 1, Metadata.MAX_NAME_BYTES);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 1..65535)");
        }
        if (weight < 0 || weight > 65535) {
            throw new IllegalArgumentException("weight: " + weight + " (expected: 0..65535)");
        }
        if (tags.size() > Metadata.MAX_TAGS) {
            throw new IllegalArgumentException("tags: " + tags.size() + " (expected: <= " + Metadata.MAX_TAGS + ")");
        }
        for (String t : tags) {
            Metadata.checkString("tags[]", t, 1, Metadata.MAX_NAME_BYTES);
        }
    }

    public ServiceEndpoint(String name, int port) {
        this(name, port, 1, List.of());
    }
}
