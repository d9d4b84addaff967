package dev.gossamer.config.testing;

import dev.gossamer.common.RandomSource;
import java.util.ArrayList;
import java.util.List;

/**
 * Random line-level mutations of a YAML document, for property tests: the config loader's (it never throws) and
 * the sidecar's (what validates builds and applies; what does not changes nothing).
 */
public final class Mutations {

    private static final List<String> GARBAGE = List.of("", "~", "[", "{", "]", "}", "&a", "*a", "*nope",
            "!!binary x", "!custom x", "-1", "1e999", ".nan", "0x", "0o9", "${X", "${", "\"", "'", "%", ":", "? x",
            "|", ">", "\t", "null", "[[[[", "😀", "\u0000", "- - -", "a: b: c", "<<: *a", "---", "...", "#",
            "9999999999999999999999", "1.5", "true", "0", "1m30s", "127.0.0.1:0", "[::1]:80", "@", "`", "\\u");

    private Mutations() {
    }

    /** {@code text} with {@code times} random line-level mutations (delete, replace a value, truncate, ...). */
    public static String mutate(String text, RandomSource random, int times) {
        String out = text;
        for (int t = 0; t < times; t++) {
            List<String> lines = new ArrayList<>(List.of(out.split("\n", -1)));
            int at = random.nextInt(lines.size());
            switch (random.nextInt(7)) {
                case 0 -> lines.remove(at);
                case 1 -> lines.set(at, replaceValue(lines.get(at), random));
                case 2 -> {
                    return truncate(String.join("\n", lines), random);
                }
                case 3 -> lines.add(at, lines.get(random.nextInt(lines.size())));
                case 4 -> lines.set(at, insert(lines.get(at), GARBAGE.get(random.nextInt(GARBAGE.size())), random));
                case 5 -> lines.set(at, lines.get(at).replaceFirst("^ {2}", ""));
                default -> {
                    int other = random.nextInt(lines.size());
                    String a = lines.get(at);
                    lines.set(at, lines.get(other));
                    lines.set(other, a);
                }
            }
            out = String.join("\n", lines);
        }
        return out;
    }

    private static String replaceValue(String line, RandomSource random) {
        int colon = line.indexOf(": ");
        String garbage = GARBAGE.get(random.nextInt(GARBAGE.size()));
        return colon < 0 ? garbage : line.substring(0, colon + 2) + garbage;
    }

    private static String insert(String line, String what, RandomSource random) {
        int at = line.isEmpty() ? 0 : random.nextInt(line.length() + 1);
        return line.substring(0, at) + what + line.substring(at);
    }

    private static String truncate(String text, RandomSource random) {
        return text.substring(0, random.nextInt(text.length() + 1));
    }
}
