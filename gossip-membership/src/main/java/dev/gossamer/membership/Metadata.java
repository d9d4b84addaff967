package dev.gossamer.membership;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What a member announces about itself besides its address: its zone, the services it serves and a free map of
 * string fields that later features use (service health, applied mesh-config version). Immutable; a change is
 * announced with a new incarnation ({@link Membership#updateMetadata(Metadata)}).
 *
 * <p>The encoded size must stay below {@link #MAX_ENCODED_BYTES} so an alive message fits a 1400-byte packet.
 *
 * @param zone availability zone, may be empty, at most 128 bytes
 * @param services served services, at most 64
 * @param fields free string fields, at most 64, keys 1..128 bytes, values at most 256 bytes
 */
public record Metadata(String zone, List<ServiceEndpoint> services, Map<String, String> fields) {

    /** Keeps an alive message well inside one UDP packet together with its header and a few piggybacks. */
    public static final int MAX_ENCODED_BYTES = 1024;
    static final int MAX_NAME_BYTES = 128;
    static final int MAX_VALUE_BYTES = 256;
    static final int MAX_TAGS = 32;
    static final int MAX_SERVICES = 64;
    static final int MAX_FIELDS = 64;

    /** No zone, no services, no fields. */
    public static final Metadata EMPTY = new Metadata("", List.of(), Map.of());

    public Metadata {
        Objects.requireNonNull(zone, "zone");
        Objects.requireNonNull(services, "services");
        Objects.requireNonNull(fields, "fields");
        services = List.copyOf(services);
        fields = java.util.Collections.unmodifiableMap(new TreeMap<>(fields));
        checkString("zone", zone, 0, MAX_NAME_BYTES);
        if (services.size() > MAX_SERVICES) {
            throw new IllegalArgumentException("services: " + services.size() + " (expected: <= " + MAX_SERVICES + ")");
        }
        if (fields.size() > MAX_FIELDS) {
            throw new IllegalArgumentException("fields: " + fields.size() + " (expected: <= " + MAX_FIELDS + ")");
        }
        for (Map.Entry<String, String> e : fields.entrySet()) {
            checkString("fields key", e.getKey(), 1, MAX_NAME_BYTES);
            checkString("fields[" + e.getKey() + "]", e.getValue(), 0, MAX_VALUE_BYTES);
        }
    }

    /** A copy with {@code key} set to {@code value}. */
    public Metadata withField(String key, String value) {
        Map<String, String> m = new TreeMap<>(fields);
        m.put(key, value);
        return new Metadata(zone, services, m);
    }

    static void checkString(String what, String s, int min, int maxBytes) {
        Objects.requireNonNull(s, what);
        int len = s.getBytes(StandardCharsets.UTF_8).length;
        if (len < min || len > maxBytes) {
            throw new IllegalArgumentException(what + ": " + len + " bytes (expected: " + min + ".." + maxBytes + ")");
        }
    }
}
