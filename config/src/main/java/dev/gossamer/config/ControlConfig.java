package dev.gossamer.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The control plane ({@code control:} in sidecar.yaml): where the Raft voters that own the mesh config are, and
 * where this node keeps its state. A node whose {@code node.id} is one of the voters runs a voter; every other node
 * is a plain sidecar that knows where the voters are. Paths are resolved against the sidecar file's directory.
 *
 * @param voters    the voters, {@code id@host:port} each, as written (the control module's {@code ControlOptions}
 *                  owns their syntax and count)
 * @param dataDir   the Raft log, snapshots, and the last applied mesh config
 * @param tokenFile a file holding the bearer token that config writes from beyond loopback must carry; empty:
 *                  only loopback callers may write
 * @param tls       mutual TLS between voters; empty: plaintext Raft traffic
 */
public record ControlConfig(List<String> voters, Path dataDir, Optional<Path> tokenFile, Optional<Tls> tls) {

    /**
     * PEM files for mutual TLS between voters: this voter's certificate and key, and the CA whose certificates the
     * other voters must present.
     */
    public record Tls(Path cert, Path key, Path ca) {
        public Tls {
            Objects.requireNonNull(cert, "cert");
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(ca, "ca");
        }
    }

    public ControlConfig {
        voters = List.copyOf(voters);
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(tokenFile, "tokenFile");
        Objects.requireNonNull(tls, "tls");
    }
}
