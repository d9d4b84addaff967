package dev.gossamer.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.util.AsciiString;

/**
 * Which server reads a client connection, decided on its first bytes (docs/design.md, "the HTTP/1.1 listener on
 * Netty's codec"): HTTP/2's preface ({@code PRI * HTTP/2.0}, h2c with prior knowledge) or a first request head
 * with an {@code Upgrade} naming {@code h2c} stays with Vert.x's server, which speaks HTTP/2; any other HTTP/1.x
 * connection goes to Netty's codec ({@link H1Connection}). A later {@code Upgrade: h2c} on a Netty connection is
 * ignored, as RFC 9110 §7.8 lets a server do (RFC 9113 §3.1 deprecates the upgrade).
 *
 * <p>Sans-IO and stateless: {@link #classify} reads the bytes seen so far (never moving their indexes) and says
 * whether it needs more. Bytes that cannot be a head within {@code limit} go to Netty, whose decoder answers them
 * (414, 431, 400).
 */
final class FirstBytes {

    /** What the first bytes say. */
    enum Verdict {
        /** The head is not complete yet and within the limit: wait for more bytes. */
        MORE,
        /** HTTP/2 with prior knowledge: Vert.x's server. */
        HTTP2_PREFACE,
        /** A first request asking to upgrade to h2c: Vert.x's server. */
        H2C_UPGRADE,
        /** Anything else: Netty's HTTP/1.1 codec. */
        HTTP1
    }

    private static final byte[] PRI = "PRI * HTTP/2.0".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final AsciiString UPGRADE = AsciiString.cached("upgrade");
    private static final AsciiString H2C = AsciiString.cached("h2c");

    private FirstBytes() {
    }

    /**
     * Classifies the readable bytes of {@code buf}, the first a connection received; {@code limit} is the longest
     * head looked at (request line and headers), past which the answer is {@link Verdict#HTTP1}.
     */
    static Verdict classify(ByteBuf buf, int limit) {
        int start = buf.readerIndex();
        int n = buf.readableBytes();
        int pri = Math.min(n, PRI.length);
        boolean preface = true;
        for (int i = 0; i < pri && preface; i++) {
            preface = buf.getByte(start + i) == PRI[i];
        }
        if (preface) {
            return pri == PRI.length ? Verdict.HTTP2_PREFACE : Verdict.MORE;
        }
        // The head ends at the first empty line; Netty's decoder takes a bare LF as a line end too.
        int end = -1;
        int lineStart = start;
        boolean upgrade = false;
        boolean firstLine = true;
        int stop = start + Math.min(n, limit);
        for (int i = start; i < stop; i++) {
            if (buf.getByte(i) != '\n') {
                continue;
            }
            int lineEnd = i > lineStart && buf.getByte(i - 1) == '\r' ? i - 1 : i;
            if (lineEnd == lineStart) {
                if (firstLine) {
                    lineStart = i + 1; // RFC 9112 §2.2: empty lines before the request line are ignored
                    continue;
                }
                end = i;
                break;
            }
            if (!firstLine && !upgrade) {
                upgrade = upgradesToH2c(buf, lineStart, lineEnd);
            }
            firstLine = false;
            lineStart = i + 1;
        }
        if (end < 0) {
            return n >= limit ? Verdict.HTTP1 : Verdict.MORE;
        }
        return upgrade ? Verdict.H2C_UPGRADE : Verdict.HTTP1;
    }

    /** Whether the header line in {@code [from, to)} is {@code Upgrade} with {@code h2c} among its protocols. */
    private static boolean upgradesToH2c(ByteBuf buf, int from, int to) {
        int colon = buf.indexOf(from, to, (byte) ':');
        if (colon < 0 || colon - from != UPGRADE.length()) {
            return false;
        }
        for (int i = 0; i < UPGRADE.length(); i++) {
            if (lower(buf.getByte(from + i)) != UPGRADE.byteAt(i)) {
                return false;
            }
        }
        // A comma-separated list of protocol[/version]; h2c takes no version.
        int i = colon + 1;
        while (i < to) {
            while (i < to && (buf.getByte(i) == ' ' || buf.getByte(i) == '\t' || buf.getByte(i) == ',')) {
                i++;
            }
            int tokenStart = i;
            while (i < to && buf.getByte(i) != ',' && buf.getByte(i) != ' ' && buf.getByte(i) != '\t') {
                i++;
            }
            if (i - tokenStart == H2C.length()) {
                boolean same = true;
                for (int k = 0; k < H2C.length() && same; k++) {
                    same = lower(buf.getByte(tokenStart + k)) == H2C.byteAt(k);
                }
                if (same) {
                    return true;
                }
            }
        }
        return false;
    }

    private static byte lower(byte b) {
        return b >= 'A' && b <= 'Z' ? (byte) (b + ('a' - 'A')) : b;
    }
}
