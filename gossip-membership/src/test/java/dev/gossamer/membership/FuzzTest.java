package dev.gossamer.membership;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gossamer.common.FakeScheduler;
import dev.gossamer.common.RandomSource;
import dev.gossamer.common.testing.Seeds;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Property: random, truncated, oversized and bit-flipped input is dropped and counted, never thrown, and never
 * changes a node's state. These whole-frame mutations are nearly all stopped by the checksum or the AES-GCM tag;
 * {@link PlaintextFuzzTest} fuzzes the message decoder below them.
 */
class FuzzTest {

    private static final int CASES = 100_000;
    private static final long FIXED_DEFAULT = 0xF022L;

    /** Valid packets and streams to mutate. */
    private static List<byte[]> corpus(WireCodec c) {
        List<byte[]> out = new ArrayList<>();
        for (Message m : WireCodecTest.allMessages()) {
            out.add(c.packet(List.of(WireCodec.encodePart(m))));
        }
        out.add(c.packet(WireCodecTest.allMessages().stream().map(WireCodec::encodePart).toList()));
        out.add(c.stream(new Message.PushPull(false, List.of(
                new Message.MemberRecord("x", "h:1", 4, MemberState.SUSPECT, WireCodecTest.META)))));
        return out;
    }

    private static byte[] mutate(RandomSource r, List<byte[]> corpus, int i) {
        byte[] base = corpus.get(r.nextInt(corpus.size()));
        switch (i % 5) {
            case 0 -> {
                byte[] b = new byte[r.nextInt(2000)];
                for (int j = 0; j < b.length; j++) {
                    b[j] = (byte) r.nextInt(256);
                }
                if (b.length > 5 && r.nextInt(2) == 0) {
                    System.arraycopy(base, 0, b, 0, 5); // a valid-looking header, random rest
                }
                return b;
            }
            case 1 -> {
                return java.util.Arrays.copyOf(base, r.nextInt(base.length));
            }
            case 2 -> {
                return new byte[WireCodec.MAX_UDP_PAYLOAD + 1 + r.nextInt(1000)];
            }
            default -> {
                byte[] b = base.clone();
                int flips = 1 + r.nextInt(4);
                java.util.Set<Integer> bits = new java.util.HashSet<>();
                while (bits.size() < flips) {
                    bits.add(r.nextInt(b.length * 8)); // distinct, so flips never cancel out
                }
                for (int bit : bits) {
                    b[bit / 8] ^= (byte) (1 << (bit % 8));
                }
                return b;
            }
        }
    }

    @Test
    void decoderDropsEveryBadInputWithAReasonAndNeverThrows() {
        long seed = Seeds.seed(FIXED_DEFAULT);
        RandomSource r = RandomSource.seeded(seed);
        for (Keyring kr : new Keyring[] {null, Keyring.of(WireCodecTest.K1)}) {
            WireCodec c = new WireCodec("mesh", kr);
            List<byte[]> corpus = corpus(c);
            int dropped = 0;
            for (int i = 0; i < CASES; i++) {
                byte[] b = mutate(r, corpus, i);
                WireCodec.Decoded p = c.decodePacket(b);
                WireCodec.Decoded s = c.decodeStream(b);
                assertThat(p.drop() != null ? p.messages().isEmpty() : !p.messages().isEmpty())
                        .as(Seeds.describe(seed, "case " + i + ": a drop xor messages")).isTrue();
                if (p.drop() != null && s.drop() != null) {
                    dropped++;
                }
            }
            assertThat(dropped).as(Seeds.describe(seed, "keyring " + kr)).isEqualTo(CASES);
        }
    }

    @Test
    void protocolHandlerDropsAndCountsWithoutStateChange() {
        long seed = Seeds.seed(FIXED_DEFAULT);
        RandomSource r = RandomSource.seeded(seed);
        FakeScheduler sched = new FakeScheduler();
        SimulatedNetwork net = new SimulatedNetwork(sched, RandomSource.seeded(seed));
        MembershipOptions opts = MembershipOptions.lan().toBuilder().keyring(Keyring.of(WireCodecTest.K1)).build();
        List<SwimNode> nodes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            SimulatedNetwork.Endpoint ep = net.endpoint("n" + i + ":1");
            SwimNode n = new SwimNode(opts, new LocalMember("n" + i, "n" + i + ":1", Metadata.EMPTY), ep, ep,
                    RandomSource.seeded(seed + i));
            n.start(i == 0 ? List.of() : List.of("n0:1"), ok -> { });
            nodes.add(n);
        }
        sched.advance(Duration.ofSeconds(5));
        SwimNode target = nodes.get(0);
        List<Member> before = target.members();
        long sentBefore = target.stats().packetsSent();
        WireCodec c = new WireCodec(opts.clusterName(), opts.keyring()); // valid for the target until mutated
        WireCodec plain = new WireCodec(opts.clusterName(), null);
        List<byte[]> corpus = new ArrayList<>(corpus(c));
        corpus.addAll(corpus(plain));
        corpus.addAll(corpus(new WireCodec(opts.clusterName(), Keyring.of(WireCodecTest.K2))));
        corpus.addAll(corpus(new WireCodec("other-mesh", opts.keyring())));
        for (int i = 0; i < CASES; i++) {
            byte[] b = mutate(r, corpus, i);
            if (i % 2 == 0) {
                target.handlePacket("n1:1", b);
            } else {
                assertThat(target.handleStream("n1:1", b)).as(Seeds.describe(seed, "case " + i)).isNull();
            }
        }
        MembershipStats s = target.stats();
        assertThat(s.droppedTotal()).as(Seeds.describe(seed, "every input dropped")).isEqualTo(CASES);
        assertThat(s.dropped(DropReason.INTERNAL_ERROR)).as(Seeds.describe(seed, "no handler threw")).isZero();
        assertThat(s.dropped(DropReason.DECRYPT_FAILED)).as(Seeds.describe(seed, "DECRYPT_FAILED seen")).isPositive();
        assertThat(s.dropped(DropReason.UNEXPECTED_PLAINTEXT)).as(Seeds.describe(seed, "UNEXPECTED_PLAINTEXT seen"))
                .isPositive();
        assertThat(s.dropped(DropReason.TOO_LARGE)).as(Seeds.describe(seed, "TOO_LARGE seen")).isPositive();
        assertThat(s.dropped(DropReason.TOO_SHORT)).as(Seeds.describe(seed, "TOO_SHORT seen")).isPositive();
        assertThat(s.dropped(DropReason.WRONG_CLUSTER)).as(Seeds.describe(seed, "WRONG_CLUSTER seen")).isPositive();
        assertThat(target.members()).as(Seeds.describe(seed, "state unchanged")).isEqualTo(before);
        assertThat(s.packetsSent()).as(Seeds.describe(seed, "nothing answered")).isEqualTo(sentBefore);
    }
}
