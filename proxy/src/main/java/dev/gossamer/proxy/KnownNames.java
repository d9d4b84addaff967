package dev.gossamer.proxy;

import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A table of header-field names as constants, for the HTTP/1.x decoders ({@link H1ResponseDecoder},
 * {@link H1ServerCodec}): Netty's decoders make a new {@code AsciiString} and its bytes for every name they read, which
 * for the few dozen names real traffic carries is the same text on every message. A name whose bytes are exactly
 * those of a constant (as listed, or in lower case) is answered with the constant; any other spelling is not, so what
 * the peer receives is byte for byte what was sent.
 *
 * <p>Immutable and shared by every connection.
 */
final class KnownNames {

    private final AsciiString[][] byLength; // by length: each name as listed and in lower case

    KnownNames(String... names) {
        List<AsciiString> forms = new ArrayList<>();
        int longest = 0;
        for (String n : names) {
            for (String form : List.of(n, n.toLowerCase(Locale.ROOT))) {
                AsciiString a = AsciiString.cached(form);
                if (!forms.contains(a)) {
                    forms.add(a);
                    longest = Math.max(longest, a.length());
                }
            }
        }
        byLength = new AsciiString[longest + 1][];
        for (AsciiString a : forms) {
            AsciiString[] of = byLength[a.length()];
            of = of == null ? new AsciiString[1] : Arrays.copyOf(of, of.length + 1);
            of[of.length - 1] = a;
            byLength[a.length()] = of;
        }
    }

    /** The constant with exactly these bytes, or null. */
    AsciiString find(byte[] sb, int start, int length) {
        AsciiString[] of = length < byLength.length ? byLength[length] : null;
        if (of != null) {
            for (AsciiString name : of) {
                if (same(name, sb, start, length)) {
                    return name;
                }
            }
        }
        return null;
    }

    /** Whether {@code s} is exactly the bytes {@code sb[start, start + length)} read as ISO-8859-1. */
    static boolean same(CharSequence s, byte[] sb, int start, int length) {
        if (s.length() != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (s.charAt(i) != (char) (sb[start + i] & 0xff)) {
                return false;
            }
        }
        return true;
    }
}
