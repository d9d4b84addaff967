package dev.gossamer.membership;

/** Why an incoming packet or stream was dropped; each is counted ({@code gossamer_membership_dropped}). */
public enum DropReason {
    /** Shorter than the fixed header. */
    TOO_SHORT,
    /** Longer than a UDP datagram or the stream limit. */
    TOO_LARGE,
    /** Not a Gossamer membership packet. */
    BAD_MAGIC,
    /** A wire version this node does not speak. */
    UNSUPPORTED_VERSION,
    /** From another mesh sharing the network. */
    WRONG_CLUSTER,
    /** Encrypted, but this node has no keys. */
    UNEXPECTED_ENCRYPTED,
    /** Plaintext, but this node requires encryption. */
    UNEXPECTED_PLAINTEXT,
    /** No installed key authenticates it (wrong key or tampering). */
    DECRYPT_FAILED,
    /** Plaintext whose CRC32C does not match (corruption). */
    BAD_CHECKSUM,
    /** Structurally invalid: bad lengths, counts, strings or values. */
    MALFORMED,
    /** A message type this node does not know. */
    UNKNOWN_TYPE,
    /** A ping meant for another member id (e.g. a restarted node now at that address). */
    WRONG_TARGET,
    /** A stream carried something other than a push-pull. */
    UNEXPECTED_MESSAGE,
    /** A stream connection did not deliver its request within {@code streamTimeout} and was closed. */
    STREAM_TIMEOUT,
    /** A stream connection arrived while {@code maxConcurrentStreams} were open and was closed at once. */
    TOO_MANY_STREAMS,
    /** A bug: handling a well-formed message threw. Must stay 0. */
    INTERNAL_ERROR
}
