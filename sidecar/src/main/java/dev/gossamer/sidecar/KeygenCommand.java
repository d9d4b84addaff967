package dev.gossamer.sidecar;

import java.io.PrintStream;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gossamer keygen}: prints a new gossip key for {@code membership.keys} — base64 of 32 random bytes from the
 * platform's strong random source (AES-256), like {@code consul keygen}. Put it first in every node's {@code keys}
 * to encrypt with it; keep the old key after it while the new one is installed everywhere (docs/membership.md).
 */
@Command(name = "keygen", mixinStandardHelpOptions = true,
        description = "Print a new gossip key (base64 AES key) for membership.keys.")
final class KeygenCommand implements Callable<Integer> {

    @Option(names = "--bytes", paramLabel = "N", description = "Key size: 16, 24 or 32 bytes (default ${DEFAULT-VALUE}).")
    int bytes = 32;

    PrintStream out = System.out;

    @Override
    public Integer call() {
        if (bytes != 16 && bytes != 24 && bytes != 32) {
            System.err.println("--bytes: " + bytes + " (expected: 16, 24 or 32)");
            return 2;
        }
        byte[] key = new byte[bytes];
        new SecureRandom().nextBytes(key);
        out.println(Base64.getEncoder().encodeToString(key));
        return 0;
    }
}
