package dev.gossamer.membership;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WireCodecTest {

    static final byte[] K1 = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    static final byte[] K2 = "fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.US_ASCII);

    static final Metadata META = new Metadata("eu-west-1a",
            List.of(new ServiceEndpoint("orders", 8080, 10, List.of("v2", "canary")), new ServiceEndpoint("audit", 9000)),
            Map.of("config.version", "42", "health.orders", "passing"));

    static List<Message> allMessages() {
        return List.of(
                new Message.Ping(7, "n1", "n2"),
                new Message.IndirectPing(-5, "n3", "10.0.0.3:7946", true),
                new Message.Ack(Integer.MAX_VALUE),
                new Message.Nack(0),
                new Message.Suspect(3, "n4", "n5"),
                new Message.Alive(Long.MAX_VALUE, "n6", "[::1]:7946", META),
                new Message.Dead(9, "n7", "n7"));
    }

    @Test
    void compoundRoundTripsPlaintextAndEncrypted() {
        for (Keyring kr : new Keyring[] {null, Keyring.of(K1)}) {
            WireCodec c = new WireCodec("mesh-a", kr);
            List<Message> msgs = allMessages();
            byte[] pkt = c.packet(msgs.stream().map(WireCodec::encodePart).toList());
            WireCodec.Decoded d = c.decodePacket(pkt);
            assertThat(d.drop()).as("keyring=%s", kr).isNull();
            assertThat(d.messages()).isEqualTo(msgs);
        }
    }

    @Test
    void pushPullRoundTripsAsStream() {
        WireCodec c = new WireCodec("mesh-a", Keyring.of(K2));
        Message.PushPull pp = new Message.PushPull(true, List.of(
                new Message.MemberRecord("a", "10.0.0.1:1", 1, MemberState.ALIVE, META),
                new Message.MemberRecord("b", "10.0.0.2:1", 2, MemberState.LEFT, Metadata.EMPTY)));
        WireCodec.Decoded d = c.decodeStream(c.stream(pp));
        assertThat(d.drop()).isNull();
        assertThat(d.messages()).containsExactly(pp);
        assertThat(c.decodePacket(c.stream(pp)).drop()).as("a stream frame is not a packet")
                .isEqualTo(DropReason.MALFORMED);
    }

    @Test
    void otherClusterAndOtherKeysAreDropped() {
        byte[] pkt = new WireCodec("mesh-a", null).packet(List.of(WireCodec.encodePart(new Message.Ack(1))));
        assertThat(new WireCodec("mesh-b", null).decodePacket(pkt).drop()).isEqualTo(DropReason.WRONG_CLUSTER);
        assertThat(new WireCodec("mesh-a", Keyring.of(K1)).decodePacket(pkt).drop())
                .isEqualTo(DropReason.UNEXPECTED_PLAINTEXT);
        byte[] enc = new WireCodec("mesh-a", Keyring.of(K1)).packet(List.of(WireCodec.encodePart(new Message.Ack(1))));
        assertThat(new WireCodec("mesh-a", Keyring.of(K2)).decodePacket(enc).drop())
                .isEqualTo(DropReason.DECRYPT_FAILED);
        assertThat(new WireCodec("mesh-a", null).decodePacket(enc).drop()).isEqualTo(DropReason.UNEXPECTED_ENCRYPTED);
    }

    @Test
    void keyRotationPrimaryEncryptsEveryInstalledKeyDecrypts() {
        Keyring a = Keyring.of(K1);
        Keyring b = Keyring.of(K1);
        WireCodec ca = new WireCodec("m", a);
        WireCodec cb = new WireCodec("m", b);
        byte[] part = WireCodec.encodePart(new Message.Ack(5));
        b.install(K2);
        b.use(K2); // b now sends with K2, still reads K1
        assertThat(ca.decodePacket(cb.packet(List.of(part))).drop()).as("a lacks K2").isEqualTo(DropReason.DECRYPT_FAILED);
        assertThat(cb.decodePacket(ca.packet(List.of(part))).drop()).isNull();
        a.install(K2);
        assertThat(ca.decodePacket(cb.packet(List.of(part))).drop()).isNull();
        a.use(K2);
        b.remove(K1);
        a.remove(K1);
        assertThat(cb.decodePacket(ca.packet(List.of(part))).drop()).isNull();
        assertThat(b.size()).isEqualTo(1);
    }

    @Test
    void bitFlipsInPlaintextAreCaughtByTheChecksum() {
        WireCodec c = new WireCodec("mesh", null);
        byte[] pkt = c.packet(List.of(WireCodec.encodePart(new Message.Alive(3, "n1", "h:1", META))));
        int caught = 0;
        for (int bit = 0; bit < pkt.length * 8; bit++) {
            byte[] p = pkt.clone();
            p[bit / 8] ^= (byte) (1 << (bit % 8));
            if (c.decodePacket(p).drop() != null) {
                caught++;
            }
        }
        assertThat(caught).isEqualTo(pkt.length * 8);
    }

    @Test
    void packetOverheadMatchesTheEncoding() {
        for (Keyring kr : new Keyring[] {null, Keyring.of(K1)}) {
            WireCodec c = new WireCodec("mesh-a", kr);
            byte[] part = WireCodec.encodePart(new Message.Ack(1));
            assertThat(c.packet(List.of(part)).length).isEqualTo(c.packetOverhead() + part.length);
        }
    }
}
