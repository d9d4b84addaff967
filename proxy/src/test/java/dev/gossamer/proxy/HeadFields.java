package dev.gossamer.proxy;

import io.netty.handler.codec.http.HttpMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Header fields for the decoders' tests: random field lines to decode (names from a list, in any case, short values)
 * and the fields a decoded head holds, as the very objects the decoder made.
 */
final class HeadFields {

    private HeadFields() {
    }

    /**
     * Appends up to {@code max - 1} lines {@code name: vN} (or without the space) to {@code s}; one value in twenty
     * holds a control character, which the field maps refuse.
     */
    static void appendRandom(StringBuilder s, Random r, List<String> names, int max) {
        int fields = r.nextInt(max);
        for (int i = 0; i < fields; i++) {
            String name = names.get(r.nextInt(names.size()));
            name = switch (r.nextInt(4)) {
                case 0 -> name.toLowerCase(Locale.ROOT);
                case 1 -> name.toUpperCase(Locale.ROOT);
                default -> name;
            };
            s.append(name).append(':').append(r.nextBoolean() ? " " : "").append("v").append(r.nextInt(1000))
                    .append(r.nextInt(20) == 0 ? "\u0001" : "").append("\r\n");
        }
    }

    /** The fields of {@code h} in order, names and values as the map holds them (to compare identities). */
    static List<Map.Entry<CharSequence, CharSequence>> of(HttpMessage h) {
        List<Map.Entry<CharSequence, CharSequence>> out = new ArrayList<>();
        h.headers().iteratorCharSequence().forEachRemaining(e -> out.add(Map.entry(e.getKey(), e.getValue())));
        return out;
    }
}
