package dev.gossamer.proxy;

import java.util.List;
import java.util.Locale;
import java.util.Random;

/** Random header-field lines for the decoders' differential tests: names from a list, in any case, short values. */
final class RandomFields {

    private RandomFields() {
    }

    /** Appends up to {@code max - 1} lines {@code name: vN} (or without the space) to {@code s}. */
    static void append(StringBuilder s, Random r, List<String> names, int max) {
        int fields = r.nextInt(max);
        for (int i = 0; i < fields; i++) {
            String name = names.get(r.nextInt(names.size()));
            name = switch (r.nextInt(4)) {
                case 0 -> name.toLowerCase(Locale.ROOT);
                case 1 -> name.toUpperCase(Locale.ROOT);
                default -> name;
            };
            s.append(name).append(':').append(r.nextBoolean() ? " " : "").append("v").append(r.nextInt(1000))
                    .append("\r\n");
        }
    }
}
