package dev.gossamer.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.hash.Hashing;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HashKeysTest {

    @Test
    void stringsHashLikeTheirUtf8Bytes() {
        for (String s : new String[] {"", "user-42", "10.1.2.3", "/api/v1/orders?id=7", "zürich ☃ 東京"}) {
            assertThat(HashKeys.hash(s)).as(s).isEqualTo(HashKeys.hash(s.getBytes(StandardCharsets.UTF_8)));
        }
        assertThat(HashKeys.hash(new StringBuilder("user-42"))).isEqualTo(HashKeys.hash("user-42"));
    }

    @Test
    void isFarmHashFingerprint64OnEveryJvm() {
        // Pinned against Guava's fingerprint: the mesh-wide mapping.
        long expected = Hashing.farmHashFingerprint64().hashString("user-42", StandardCharsets.UTF_8).asLong();
        assertThat(HashKeys.hash("user-42")).isEqualTo(expected);
        assertThat(HashKeys.hash("user-42")).isEqualTo(PINNED_USER_42);
        assertThat(HashKeys.hash("user-43")).isNotEqualTo(HashKeys.hash("user-42"));
    }

    /** Computed once; if this changes, every sidecar's key-to-endpoint mapping changes. */
    private static final long PINNED_USER_42 = 5340128202724118949L;

    @Test
    void hash128SplitsTheLittleEndianHalves() {
        byte[] bytes = Hashing.murmur3_128(0x676f7373).hashString("10.0.0.1:8080", StandardCharsets.UTF_8).asBytes();
        long[] halves = HashKeys.hash128("10.0.0.1:8080");
        assertThat(halves[0]).isEqualTo(java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .getLong(0));
        assertThat(halves[1]).isEqualTo(java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .getLong(8));
    }
}
