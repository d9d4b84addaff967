package dev.gossamer.membership;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * Versioned binary wire format with strict bounds checks. Every packet and stream frame is:
 *
 * <pre>
 *   'G' 'M' | version=1 | flags (bit0 encrypted, bit1 stream) | clusterLen u8 | cluster UTF-8
 *   encrypted: nonce(12) | AES-GCM(payload) | tag(16)     (AAD = the header above)
 *   plaintext: payload | CRC32C(header ‖ payload) u32
 * </pre>
 *
 * A packet payload is a compound: {@code count u8} then {@code count × (type u8 | len u16 | body)}; a stream
 * payload is one {@code type u8 | body}. Integers are big-endian, strings {@code u16 length | UTF-8}. Decoding never
 * throws: a bad frame yields a {@link DropReason}. Thread-safe (immutable apart from the shared {@link Keyring}).
 */
final class WireCodec {

    static final int MAX_UDP_PAYLOAD = 65_507;
    static final int MAX_STREAM_BYTES = 16 << 20;
    static final int MAX_PUSH_PULL_MEMBERS = 100_000;
    static final byte MAGIC0 = 'G';
    static final byte MAGIC1 = 'M';
    static final int VERSION = 1;
    static final int FLAG_ENCRYPTED = 1;
    static final int FLAG_STREAM = 2;
    /** Per message in a compound: type + length. */
    static final int MESSAGE_HEADER = 3;

    private final byte[] cluster;
    private final Keyring keyring;

    WireCodec(String clusterName, Keyring keyring) {
        this.cluster = clusterName.getBytes(StandardCharsets.UTF_8);
        this.keyring = keyring != null && keyring.size() > 0 ? keyring : null;
    }

    boolean encrypted() {
        return keyring != null;
    }

    /** Bytes a packet adds around its compound payload (header, count byte, crypto or CRC). */
    int packetOverhead() {
        return 5 + cluster.length + 1 + (keyring != null ? Keyring.OVERHEAD : 4);
    }

    /** One message as a compound part: type | len u16 | body. */
    static byte[] encodePart(Message m) {
        Writer w = new Writer(64);
        w.u8(m.type());
        w.u16(0);
        writeBody(w, m);
        byte[] out = w.toArray();
        int len = out.length - MESSAGE_HEADER;
        if (len > 0xFFFF) {
            throw new IllegalArgumentException("message: " + len + " bytes (expected: <= 65535)");
        }
        out[1] = (byte) (len >>> 8);
        out[2] = (byte) len;
        return out;
    }

    /** A packet from parts made by {@link #encodePart}; at most 255 parts. */
    byte[] packet(List<byte[]> parts) {
        return frame(0, packetPayload(parts));
    }

    /** The plaintext payload of a packet, {@code count u8 | parts} (what the frame authenticates). */
    static byte[] packetPayload(List<byte[]> parts) {
        int size = 1;
        for (byte[] p : parts) {
            size += p.length;
        }
        byte[] payload = new byte[size];
        payload[0] = (byte) parts.size();
        int off = 1;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, payload, off, p.length);
            off += p.length;
        }
        return payload;
    }

    byte[] stream(Message m) {
        return frame(FLAG_STREAM, streamPayload(m));
    }

    /** The plaintext payload of a stream frame, {@code type u8 | body}. */
    static byte[] streamPayload(Message m) {
        Writer w = new Writer(1024);
        w.u8(m.type());
        writeBody(w, m);
        return w.toArray();
    }

    private byte[] frame(int flags, byte[] payload) {
        if (keyring != null) {
            flags |= FLAG_ENCRYPTED;
        }
        byte[] header = new byte[5 + cluster.length];
        header[0] = MAGIC0;
        header[1] = MAGIC1;
        header[2] = VERSION;
        header[3] = (byte) flags;
        header[4] = (byte) cluster.length;
        System.arraycopy(cluster, 0, header, 5, cluster.length);
        if (keyring != null) {
            return keyring.seal(header, payload, payload.length);
        }
        byte[] out = new byte[header.length + payload.length + 4];
        System.arraycopy(header, 0, out, 0, header.length);
        System.arraycopy(payload, 0, out, header.length, payload.length);
        CRC32C crc = new CRC32C();
        crc.update(out, 0, out.length - 4);
        int c = (int) crc.getValue();
        int e = out.length - 4;
        out[e] = (byte) (c >>> 24);
        out[e + 1] = (byte) (c >>> 16);
        out[e + 2] = (byte) (c >>> 8);
        out[e + 3] = (byte) c;
        return out;
    }

    /** Result of decoding: the messages, or why the input was dropped. */
    record Decoded(List<Message> messages, DropReason drop) {
        static Decoded drop(DropReason r) {
            return new Decoded(List.of(), r);
        }
    }

    Decoded decodePacket(byte[] data) {
        return decode(data, false);
    }

    Decoded decodeStream(byte[] data) {
        return decode(data, true);
    }

    private Decoded decode(byte[] data, boolean stream) {
        if (data == null || data.length < 5) {
            return Decoded.drop(DropReason.TOO_SHORT);
        }
        if (data.length > (stream ? MAX_STREAM_BYTES : MAX_UDP_PAYLOAD)) {
            return Decoded.drop(DropReason.TOO_LARGE);
        }
        if (data[0] != MAGIC0 || data[1] != MAGIC1) {
            return Decoded.drop(DropReason.BAD_MAGIC);
        }
        if (data[2] != VERSION) {
            return Decoded.drop(DropReason.UNSUPPORTED_VERSION);
        }
        int flags = data[3] & 0xFF;
        if ((flags & ~(FLAG_ENCRYPTED | FLAG_STREAM)) != 0 || ((flags & FLAG_STREAM) != 0) != stream) {
            return Decoded.drop(DropReason.MALFORMED);
        }
        int clusterLen = data[4] & 0xFF;
        int headerLen = 5 + clusterLen;
        if (data.length < headerLen) {
            return Decoded.drop(DropReason.TOO_SHORT);
        }
        if (!Arrays.equals(data, 5, headerLen, cluster, 0, cluster.length)) {
            return Decoded.drop(DropReason.WRONG_CLUSTER);
        }
        byte[] payload;
        int payloadOff;
        int payloadLen;
        if ((flags & FLAG_ENCRYPTED) != 0) {
            if (keyring == null) {
                return Decoded.drop(DropReason.UNEXPECTED_ENCRYPTED);
            }
            payload = keyring.open(data, headerLen);
            if (payload == null) {
                return Decoded.drop(DropReason.DECRYPT_FAILED);
            }
            payloadOff = 0;
            payloadLen = payload.length;
        } else {
            if (keyring != null) {
                return Decoded.drop(DropReason.UNEXPECTED_PLAINTEXT);
            }
            if (data.length < headerLen + 4) {
                return Decoded.drop(DropReason.TOO_SHORT);
            }
            CRC32C crc = new CRC32C();
            crc.update(data, 0, data.length - 4);
            int e = data.length - 4;
            int got = ((data[e] & 0xFF) << 24) | ((data[e + 1] & 0xFF) << 16) | ((data[e + 2] & 0xFF) << 8)
                    | (data[e + 3] & 0xFF);
            if (got != (int) crc.getValue()) {
                return Decoded.drop(DropReason.BAD_CHECKSUM);
            }
            payload = data;
            payloadOff = headerLen;
            payloadLen = data.length - 4 - headerLen;
        }
        return decodePayload(payload, payloadOff, payloadLen, stream);
    }

    /**
     * Decodes an authenticated plaintext payload, {@code payload[off, off + len)}: a packet's compound or a stream's
     * single message. The layer below {@link #decodePacket}/{@link #decodeStream}'s checksum and AES-GCM, exposed so
     * that a fuzzer reaches it; never throws, never reads outside the range, and sizes what it allocates by the
     * bytes present.
     */
    static Decoded decodePayload(byte[] payload, int off, int len, boolean stream) {
        try {
            Reader r = new Reader(payload, off, off + len);
            if (stream) {
                Message m = readBody(r, r.u8(), r.end);
                r.expectEnd();
                return new Decoded(List.of(m), null);
            }
            int count = r.u8();
            if (count == 0) {
                throw new Malformed(DropReason.MALFORMED);
            }
            List<Message> out = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                int type = r.u8();
                int len16 = r.u16();
                int end = r.pos + len16;
                if (end > r.end) {
                    throw new Malformed(DropReason.MALFORMED);
                }
                Message m = readBody(r, type, end);
                if (r.pos != end) {
                    throw new Malformed(DropReason.MALFORMED);
                }
                out.add(m);
            }
            r.expectEnd();
            return new Decoded(out, null);
        } catch (Malformed e) {
            return Decoded.drop(e.reason);
        } catch (IllegalArgumentException e) {
            // a value the decoder bounded but a record constructor still rejects
            return Decoded.drop(DropReason.MALFORMED);
        }
    }

    private static void writeBody(Writer w, Message m) {
        if (m instanceof Message.Ping p) {
            w.u32(p.seq());
            w.str(p.target());
            w.str(p.source());
        } else if (m instanceof Message.IndirectPing p) {
            w.u32(p.seq());
            w.str(p.target());
            w.str(p.targetAddress());
            w.u8(p.wantNack() ? 1 : 0);
        } else if (m instanceof Message.Ack a) {
            w.u32(a.seq());
        } else if (m instanceof Message.Nack a) {
            w.u32(a.seq());
        } else if (m instanceof Message.Suspect s) {
            w.u64(s.incarnation());
            w.str(s.node());
            w.str(s.from());
        } else if (m instanceof Message.Dead d) {
            w.u64(d.incarnation());
            w.str(d.node());
            w.str(d.from());
        } else if (m instanceof Message.Alive a) {
            w.u64(a.incarnation());
            w.str(a.node());
            w.str(a.address());
            writeMeta(w, a.metadata());
        } else if (m instanceof Message.PushPull pp) {
            w.u8(pp.join() ? 1 : 0);
            w.u32(pp.members().size());
            for (Message.MemberRecord r : pp.members()) {
                w.str(r.id());
                w.str(r.address());
                w.u64(r.incarnation());
                w.u8(r.state().code);
                writeMeta(w, r.metadata());
            }
        }
    }

    static void writeMeta(Writer w, Metadata m) {
        w.str(m.zone());
        w.u8(m.services().size());
        for (ServiceEndpoint s : m.services()) {
            w.str(s.name());
            w.u16(s.port());
            w.u16(s.weight());
            w.u8(s.tags().size());
            for (String t : s.tags()) {
                w.str(t);
            }
        }
        w.u8(m.fields().size());
        for (Map.Entry<String, String> e : m.fields().entrySet()) {
            w.str(e.getKey());
            w.str(e.getValue());
        }
    }

    /** Encoded size of {@code m}'s metadata, for the {@link Metadata#MAX_ENCODED_BYTES} check. */
    static int metadataSize(Metadata m) {
        Writer w = new Writer(256);
        writeMeta(w, m);
        return w.size;
    }

    private static Message readBody(Reader r, int type, int end) throws Malformed {
        return switch (type) {
            case 1 -> new Message.Ping(r.u32(), r.id(), r.id());
            case 2 -> new Message.IndirectPing(r.u32(), r.id(), r.address(), r.bool());
            case 3 -> new Message.Ack(r.u32());
            case 4 -> new Message.Nack(r.u32());
            case 5 -> new Message.Suspect(r.incarnation(), r.id(), r.id());
            case 6 -> new Message.Alive(r.incarnation(), r.id(), r.address(), readMeta(r));
            case 7 -> new Message.Dead(r.incarnation(), r.id(), r.id());
            case 8 -> {
                boolean join = r.bool();
                long n = r.u32() & 0xFFFFFFFFL;
                if (n > MAX_PUSH_PULL_MEMBERS || n > (end - r.pos) / 16) {
                    throw new Malformed(DropReason.MALFORMED);
                }
                List<Message.MemberRecord> ms = new ArrayList<>((int) n);
                Map<String, Boolean> seen = new HashMap<>();
                for (int i = 0; i < n; i++) {
                    String id = r.id();
                    String addr = r.address();
                    long inc = r.incarnation();
                    MemberState st = MemberState.ofCode(r.u8());
                    if (st == null || seen.put(id, Boolean.TRUE) != null) {
                        throw new Malformed(DropReason.MALFORMED);
                    }
                    ms.add(new Message.MemberRecord(id, addr, inc, st, readMeta(r)));
                }
                yield new Message.PushPull(join, ms);
            }
            default -> throw new Malformed(DropReason.UNKNOWN_TYPE);
        };
    }

    private static Metadata readMeta(Reader r) throws Malformed {
        int start = r.pos;
        String zone = r.str(0, Metadata.MAX_NAME_BYTES);
        int ns = r.u8();
        if (ns > Metadata.MAX_SERVICES) {
            throw new Malformed(DropReason.MALFORMED);
        }
        List<ServiceEndpoint> services = new ArrayList<>(ns);
        for (int i = 0; i < ns; i++) {
            String name = r.str(1, Metadata.MAX_NAME_BYTES);
            int port = r.u16();
            int weight = r.u16();
            int nt = r.u8();
            if (port == 0 || nt > Metadata.MAX_TAGS) {
                throw new Malformed(DropReason.MALFORMED);
            }
            List<String> tags = new ArrayList<>(nt);
            for (int t = 0; t < nt; t++) {
                tags.add(r.str(1, Metadata.MAX_NAME_BYTES));
            }
            services.add(new ServiceEndpoint(name, port, weight, tags));
        }
        int nf = r.u8();
        if (nf > Metadata.MAX_FIELDS) {
            throw new Malformed(DropReason.MALFORMED);
        }
        Map<String, String> fields = new HashMap<>();
        for (int i = 0; i < nf; i++) {
            String k = r.str(1, Metadata.MAX_NAME_BYTES);
            if (fields.put(k, r.str(0, Metadata.MAX_VALUE_BYTES)) != null) {
                throw new Malformed(DropReason.MALFORMED);
            }
        }
        if (r.pos - start > Metadata.MAX_ENCODED_BYTES) {
            throw new Malformed(DropReason.MALFORMED);
        }
        return new Metadata(zone, services, fields);
    }

    /** Control flow for bad input inside the decoder; never escapes it. */
    private static final class Malformed extends Exception {
        final DropReason reason;

        Malformed(DropReason reason) {
            super(null, null, false, false);
            this.reason = reason;
        }
    }

    private static final class Reader {
        final byte[] b;
        int pos;
        final int end;

        Reader(byte[] b, int pos, int end) {
            this.b = b;
            this.pos = pos;
            this.end = end;
        }

        private void need(int n) throws Malformed {
            if (n < 0 || end - pos < n) {
                throw new Malformed(DropReason.MALFORMED);
            }
        }

        int u8() throws Malformed {
            need(1);
            return b[pos++] & 0xFF;
        }

        boolean bool() throws Malformed {
            int v = u8();
            if (v > 1) {
                throw new Malformed(DropReason.MALFORMED);
            }
            return v == 1;
        }

        int u16() throws Malformed {
            need(2);
            int v = ((b[pos] & 0xFF) << 8) | (b[pos + 1] & 0xFF);
            pos += 2;
            return v;
        }

        int u32() throws Malformed {
            need(4);
            int v = ((b[pos] & 0xFF) << 24) | ((b[pos + 1] & 0xFF) << 16) | ((b[pos + 2] & 0xFF) << 8)
                    | (b[pos + 3] & 0xFF);
            pos += 4;
            return v;
        }

        long incarnation() throws Malformed {
            need(8);
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | (b[pos + i] & 0xFF);
            }
            pos += 8;
            if (v < 0) {
                throw new Malformed(DropReason.MALFORMED);
            }
            return v;
        }

        String str(int minBytes, int maxBytes) throws Malformed {
            int len = u16();
            if (len < minBytes || len > maxBytes) {
                throw new Malformed(DropReason.MALFORMED);
            }
            need(len);
            CharsetDecoder d = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);
            try {
                CharBuffer cb = d.decode(ByteBuffer.wrap(b, pos, len));
                pos += len;
                return cb.toString();
            } catch (CharacterCodingException e) {
                throw new Malformed(DropReason.MALFORMED);
            }
        }

        String id() throws Malformed {
            return str(1, Metadata.MAX_NAME_BYTES);
        }

        String address() throws Malformed {
            String a = str(3, 255);
            try {
                LocalMember.checkAddress(a);
            } catch (IllegalArgumentException e) {
                throw new Malformed(DropReason.MALFORMED);
            }
            return a;
        }

        void expectEnd() throws Malformed {
            if (pos != end) {
                throw new Malformed(DropReason.MALFORMED);
            }
        }
    }

    static final class Writer {
        byte[] buf;
        int size;

        Writer(int cap) {
            buf = new byte[cap];
        }

        private void ensure(int n) {
            if (size + n > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + n));
            }
        }

        void u8(int v) {
            ensure(1);
            buf[size++] = (byte) v;
        }

        void u16(int v) {
            ensure(2);
            buf[size++] = (byte) (v >>> 8);
            buf[size++] = (byte) v;
        }

        void u32(int v) {
            ensure(4);
            buf[size++] = (byte) (v >>> 24);
            buf[size++] = (byte) (v >>> 16);
            buf[size++] = (byte) (v >>> 8);
            buf[size++] = (byte) v;
        }

        void u64(long v) {
            ensure(8);
            for (int i = 7; i >= 0; i--) {
                buf[size++] = (byte) (v >>> (8 * i));
            }
        }

        void str(String s) {
            byte[] bs = s.getBytes(StandardCharsets.UTF_8);
            u16(bs.length);
            ensure(bs.length);
            System.arraycopy(bs, 0, buf, size, bs.length);
            size += bs.length;
        }

        byte[] toArray() {
            return Arrays.copyOf(buf, size);
        }
    }
}
