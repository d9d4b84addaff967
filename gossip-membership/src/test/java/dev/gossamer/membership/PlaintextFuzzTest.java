package dev.gossamer.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.gossamer.common.RandomSource;
import dev.gossamer.common.testing.Seeds;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes the decoder below the authentication layer. {@link FuzzTest}'s mutations of whole frames are almost all
 * stopped by the CRC32C or the AES-GCM tag before the message decoder sees them; here valid <em>plaintext
 * payloads</em> are mutated (bit flips, length fields set to extremes, truncation, splices, insertions) and handed
 * straight to {@link WireCodec#decodePayload}. Properties, for every input:
 * <ul>
 *   <li>nothing is thrown: the result is messages or a drop, and the drop is a payload-level reason;</li>
 *   <li>nothing outside {@code [off, off + len)} is read: the payload decodes the same inside a larger buffer full
 *       of other bytes as in an array of its exact size (where a read past the end would throw);</li>
 *   <li>allocation is bounded by the input's size (a length field cannot make it allocate more);</li>
 *   <li>what decodes re-encodes to something that decodes to the same messages.</li>
 * </ul>
 * Seeded ({@code -Dgossamer.seed=N}); {@code -Dgossamer.fuzz.cases=N} runs longer (default {@value #DEFAULT_CASES}).
 */
class PlaintextFuzzTest {

    private static final long FIXED_DEFAULT = 0x9A710AD5L;
    private static final int DEFAULT_CASES = 200_000;
    /**
     * Allocation allowed per input byte, plus a constant: every 2-byte empty string costs a CharsetDecoder and its
     * buffers (about 300 bytes) and every message a record and a list. Measured worst case on the corpus is far
     * below; a length field trusted for preallocation (65,535 list slots from 3 bytes) would exceed it.
     */
    private static final long ALLOC_PER_BYTE = 512;
    private static final long ALLOC_BASE = 16 * 1024;
    private static final Set<DropReason> PAYLOAD_REASONS = Set.of(DropReason.MALFORMED, DropReason.UNKNOWN_TYPE);

    private record Input(byte[] payload, boolean stream) {
    }

    private static List<Input> corpus() {
        List<Input> out = new ArrayList<>();
        List<Message> all = WireCodecTest.allMessages();
        for (Message m : all) {
            out.add(new Input(WireCodec.packetPayload(List.of(WireCodec.encodePart(m))), false));
            out.add(new Input(WireCodec.streamPayload(m), true));
        }
        out.add(new Input(WireCodec.packetPayload(all.stream().map(WireCodec::encodePart).toList()), false));
        Message.PushPull pp = new Message.PushPull(true, List.of(
                new Message.MemberRecord("a", "10.0.0.1:1", 1, MemberState.ALIVE, WireCodecTest.META),
                new Message.MemberRecord("b", "[::1]:7946", 2, MemberState.LEFT, Metadata.EMPTY),
                new Message.MemberRecord("c", "host.example:7946", 3, MemberState.SUSPECT, WireCodecTest.META)));
        out.add(new Input(WireCodec.streamPayload(pp), true));
        out.add(new Input(WireCodec.streamPayload(new Message.PushPull(false, List.of())), true));
        return out;
    }

    private static byte[] mutate(RandomSource r, List<Input> corpus, byte[] base) {
        byte[] b = base.clone();
        int rounds = 1 + r.nextInt(3);
        for (int round = 0; round < rounds; round++) {
            if (b.length == 0) {
                b = new byte[] {(byte) r.nextInt(256)};
            }
            switch (r.nextInt(8)) {
                case 0 -> { // flip 1..8 bits
                    for (int i = 1 + r.nextInt(8); i > 0; i--) {
                        int bit = r.nextInt(b.length * 8);
                        b[bit / 8] ^= (byte) (1 << (bit % 8));
                    }
                }
                case 1 -> { // an interesting byte (counts, types, booleans, state codes)
                    int[] v = {0, 1, 2, 0x7F, 0x80, 0xFE, 0xFF, r.nextInt(16)};
                    b[r.nextInt(b.length)] = (byte) v[r.nextInt(v.length)];
                }
                case 2 -> { // a u16 length field to an extreme
                    if (b.length >= 2) {
                        int[] v = {0, 1, 0x7FFF, 0x8000, 0xFFFF, b.length, b.length + 1, r.nextInt(65_536)};
                        int at = r.nextInt(b.length - 1);
                        int x = v[r.nextInt(v.length)];
                        b[at] = (byte) (x >>> 8);
                        b[at + 1] = (byte) x;
                    }
                }
                case 3 -> { // a u32 count to an extreme
                    if (b.length >= 4) {
                        int[] v = {0, 1, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, 100_000, 100_001,
                            (int) r.nextLong()};
                        int at = r.nextInt(b.length - 3);
                        int x = v[r.nextInt(v.length)];
                        for (int i = 0; i < 4; i++) {
                            b[at + i] = (byte) (x >>> (24 - 8 * i));
                        }
                    }
                }
                case 4 -> b = Arrays.copyOf(b, r.nextInt(b.length + 1)); // truncate
                case 5 -> { // insert random bytes
                    int at = r.nextInt(b.length + 1);
                    byte[] ins = new byte[1 + r.nextInt(16)];
                    for (int i = 0; i < ins.length; i++) {
                        ins[i] = (byte) r.nextInt(256);
                    }
                    b = splice(b, at, at, ins);
                }
                case 6 -> { // delete a range
                    int from = r.nextInt(b.length);
                    int to = from + r.nextInt(b.length - from + 1);
                    b = splice(b, from, to, new byte[0]);
                }
                default -> { // splice in a piece of another valid payload
                    byte[] other = corpus.get(r.nextInt(corpus.size())).payload();
                    int from = r.nextInt(other.length);
                    int to = from + r.nextInt(other.length - from + 1);
                    int at = r.nextInt(b.length + 1);
                    b = splice(b, at, Math.min(b.length, at + r.nextInt(8)), Arrays.copyOfRange(other, from, to));
                }
            }
        }
        return b;
    }

    private static byte[] splice(byte[] b, int from, int to, byte[] with) {
        byte[] out = new byte[b.length - (to - from) + with.length];
        System.arraycopy(b, 0, out, 0, from);
        System.arraycopy(with, 0, out, from, with.length);
        System.arraycopy(b, to, out, from + with.length, b.length - to);
        return out;
    }

    private static byte[] reencode(List<Message> messages, boolean stream) {
        return stream ? WireCodec.streamPayload(messages.get(0))
                : WireCodec.packetPayload(messages.stream().map(WireCodec::encodePart).toList());
    }

    @Test
    void mutatedPlaintextReachesTheDecoderWhichDropsOrDecodesWithinBounds() {
        long seed = Seeds.seed(FIXED_DEFAULT);
        int cases = Integer.getInteger("gossamer.fuzz.cases", DEFAULT_CASES);
        RandomSource r = RandomSource.seeded(seed);
        com.sun.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean()
                instanceof com.sun.management.ThreadMXBean t && t.isThreadAllocatedMemorySupported() ? t : null;
        long thread = Thread.currentThread().getId();
        List<Input> corpus = corpus();
        Map<DropReason, Integer> drops = new EnumMap<>(DropReason.class);
        int decoded = 0;
        int changed = 0;
        long worstAllocPerByte = 0;
        for (int i = 0; i < cases; i++) {
            Input in = corpus.get(r.nextInt(corpus.size()));
            byte[] payload = mutate(r, corpus, in.payload());
            boolean stream = r.nextInt(8) == 0 ? !in.stream() : in.stream(); // sometimes the wrong kind
            String what = "case " + i + " stream=" + stream + " payload=" + Arrays.toString(payload);

            WireCodec.Decoded exact;
            long before = threads == null ? 0 : threads.getThreadAllocatedBytes(thread);
            try {
                exact = WireCodec.decodePayload(payload, 0, payload.length, stream);
            } catch (Throwable t) {
                throw new AssertionError(Seeds.describe(seed, what + " threw " + t), t);
            }
            if (threads != null) {
                long allocated = threads.getThreadAllocatedBytes(thread) - before;
                assertThat(allocated).as(Seeds.describe(seed, what + ": allocation bounded by the input"))
                        .isLessThanOrEqualTo(ALLOC_PER_BYTE * payload.length + ALLOC_BASE);
                if (payload.length >= 64) { // below that the per-call constants dominate the ratio
                    worstAllocPerByte = Math.max(worstAllocPerByte, allocated / payload.length);
                }
            }

            // the same bytes inside a buffer full of other bytes: nothing outside the range may matter
            int pre = r.nextInt(32);
            byte[] padded = new byte[pre + payload.length + r.nextInt(64)];
            for (int j = 0; j < padded.length; j++) {
                padded[j] = (byte) r.nextInt(256);
            }
            System.arraycopy(payload, 0, padded, pre, payload.length);
            WireCodec.Decoded embedded;
            try {
                embedded = WireCodec.decodePayload(padded, pre, payload.length, stream);
            } catch (Throwable t) {
                throw new AssertionError(Seeds.describe(seed, what + " threw when embedded: " + t), t);
            }
            assertThat(embedded).as(Seeds.describe(seed, what + ": same result inside a larger buffer"))
                    .isEqualTo(exact);

            if (exact.drop() != null) {
                assertThat(exact.messages()).as(Seeds.describe(seed, what)).isEmpty();
                assertThat(PAYLOAD_REASONS).as(Seeds.describe(seed, what + ": a payload-level reason"))
                        .contains(exact.drop());
                drops.merge(exact.drop(), 1, Integer::sum);
                continue;
            }
            decoded++;
            assertThat(exact.messages()).as(Seeds.describe(seed, what)).isNotEmpty();
            byte[] again = reencode(exact.messages(), stream);
            if (!Arrays.equals(again, in.payload())) {
                changed++;
            }
            assertThat(WireCodec.decodePayload(again, 0, again.length, stream).messages())
                    .as(Seeds.describe(seed, what + ": re-encodes to the same messages")).isEqualTo(exact.messages());
        }
        System.out.printf("plaintext fuzz: seed %d, %d cases, %d decoded (%d differing from their original),"
                        + " drops %s, worst allocation %d bytes per input byte (inputs of 64 bytes or more)%n",
                seed, cases, decoded, changed, drops, worstAllocPerByte);
        // the mutations reach past the framing into every part of the decoder
        assertThat(drops.getOrDefault(DropReason.MALFORMED, 0)).as(Seeds.describe(seed, "malformed seen"))
                .isGreaterThan(cases / 10);
        assertThat(drops.getOrDefault(DropReason.UNKNOWN_TYPE, 0)).as(Seeds.describe(seed, "unknown types seen"))
                .isPositive();
        assertThat(changed).as(Seeds.describe(seed, "some mutations decode to new valid messages"))
                .isGreaterThan(cases / 100);
        if (threads == null) {
            fail("this JVM cannot measure per-thread allocation; the allocation bound went unchecked");
        }
    }
}
