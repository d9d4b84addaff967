package dev.gossamer.control;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One voter of the Raft group as {@code sidecar.yaml} names it: {@code id@host:port}, e.g. {@code n1@10.0.0.1:7950}
 * or {@code n2@[fd00::2]:7950}. The id is the voter's {@code node.id}; the address is where the other voters and
 * every client reach its Raft port (the voter also binds it).
 *
 * @param id   node id: letters, digits, {@code .}, {@code _}, {@code -}
 * @param host host name or IP address (IPv6 without brackets)
 * @param port 1..65535
 */
public record Voter(String id, String host, int port) {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern SPEC = Pattern.compile("([^@]+)@(\\[[^\\]]+\\]|[^:\\[\\]]+):([0-9]{1,5})");

    public Voter {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(host, "host");
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("id: " + id + " (expected: 1..64 of A-Z a-z 0-9 . _ -)");
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("host: \"\" (expected: a host name or IP address)");
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 1..65535)");
        }
    }

    /**
     * Parses {@code id@host:port}.
     *
     * @throws IllegalArgumentException shaped {@code "n1@host (expected: id@host:port)"}
     */
    public static Voter parse(String spec) {
        Matcher m = spec == null ? null : SPEC.matcher(spec.trim());
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException(spec + " (expected: id@host:port)");
        }
        String host = m.group(2);
        if (host.startsWith("[")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = Integer.parseInt(m.group(3));
        try {
            return new Voter(m.group(1), host, port);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(spec + ": " + e.getMessage(), e);
        }
    }

    /** {@code host:port}, IPv6 in brackets, as Ratis and gRPC take it. */
    public String address() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /** {@code id@host:port}, the form {@link #parse} reads. */
    @Override
    public String toString() {
        return id + "@" + address();
    }
}
