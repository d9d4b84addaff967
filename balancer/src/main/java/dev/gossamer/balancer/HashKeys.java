package dev.gossamer.balancer;

import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Turns a request attribute (a header, cookie, query parameter, client IP or path) into the 64-bit hash key a
 * consistent-hashing picker maps to an endpoint: {@code PickContext.withHashKey(HashKeys.hash(value))}.
 *
 * <p>The function is FarmHash Fingerprint64 (Guava's {@code Hashing.farmHashFingerprint64}), a fixed function whose
 * values Guava guarantees never to change, and about 4 ns for a 16-byte key (Guava's MurmurHash3, with its
 * streaming hasher, costs about 50 ns). It is part of the mesh's wire contract: every sidecar, on every JVM and
 * version, must hash the same bytes to the same value, or two sidecars would send the same session to different
 * endpoints. Never change it. Ring points are hashed with the same function.
 *
 * <p>{@code hash(s) == hash(s.getBytes(UTF_8))} for every string {@code s}.
 *
 * <p>Threading: stateless and thread-safe; allocation-light (one small {@code HashCode} per call, usually
 * scalar-replaced by the JIT).
 */
public final class HashKeys {

    /** Seed ("goss") of the 128-bit hash behind Maglev's permutations; part of the mapping, so it never changes. */
    static final int PERMUTATION_SEED = 0x676f7373;

    private static final HashFunction FUNCTION = Hashing.farmHashFingerprint64();

    /** Maglev needs two independent values per endpoint (offset and skip): the halves of one 128-bit hash. */
    private static final HashFunction PERMUTATION = Hashing.murmur3_128(PERMUTATION_SEED);

    private HashKeys() {
    }

    /** The hash key of {@code key}'s UTF-8 bytes. */
    public static long hash(CharSequence key) {
        Objects.requireNonNull(key, "key");
        return FUNCTION.hashString(key, StandardCharsets.UTF_8).asLong();
    }

    /** The hash key of {@code key}. */
    public static long hash(byte[] key) {
        Objects.requireNonNull(key, "key");
        return FUNCTION.hashBytes(key).asLong();
    }

    /** The hash key of {@code key[offset, offset + length)}. */
    static long hash(byte[] key, int offset, int length) {
        return FUNCTION.hashBytes(key, offset, length).asLong();
    }

    /** Seeded MurmurHash3 x64 128 of {@code key}'s UTF-8 bytes as two little-endian longs (Maglev's offset, skip). */
    static long[] hash128(CharSequence key) {
        byte[] bytes = PERMUTATION.hashString(key, StandardCharsets.UTF_8).asBytes();
        long lo = 0;
        long hi = 0;
        for (int i = 7; i >= 0; i--) {
            lo = (lo << 8) | (bytes[i] & 0xff);
            hi = (hi << 8) | (bytes[i + 8] & 0xff);
        }
        return new long[] {lo, hi};
    }
}
