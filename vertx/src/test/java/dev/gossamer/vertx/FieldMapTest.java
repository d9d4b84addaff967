package dev.gossamer.vertx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gossamer.common.testing.Seeds;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import io.vertx.core.MultiMap;
import io.vertx.core.http.impl.headers.HeadersMultiMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * {@link FieldMap} against Vert.x's {@code HeadersMultiMap}, the map it stands in for: the same seeded random
 * operations on both, through either type's methods (names as {@code String} or {@code AsciiString}, in any case;
 * values valid, invalid, lists), and after each one the same answers to every question either type can be asked,
 * the same exception when one is thrown, the same fields in the same order.
 */
class FieldMapTest {

    private static final List<CharSequence> NAMES = List.of("Host", "host", "HOST", "Content-Length",
            HttpHeaderNames.CONTENT_LENGTH, "Connection", HttpHeaderNames.CONNECTION, "x-a", "X-A", "x-b",
            new AsciiString("X-b"), "Transfer-Encoding", "bad name", "", "x-c");
    private static final List<String> VALUES = List.of("a", "b", "keep-alive", "close", "chunked",
            "gzip, chunked", " chunked ,x", "Keep-Alive", "", "1", "v\r\nx: y", "a,b,,c", "CHUNKED");

    @Test
    void answersAsVertxsMapDoesAfterEveryOperation() {
        long seed = Seeds.seed(20261207L);
        Random r = new Random(seed);
        for (int run = 0; run < 200; run++) {
            HeadersMultiMap theirs = HeadersMultiMap.httpHeaders();
            FieldMap ours = new FieldMap();
            MultiMap[] pair = {theirs, ours};
            for (int step = 0; step < 40; step++) {
                Op op = randomOp(r);
                String what = Seeds.describe(seed, "run " + run + " step " + step + ": " + op.name);
                Object a = outcome(() -> op.apply.apply(pair[0]));
                Object b = outcome(() -> op.apply.apply(pair[1]));
                assertThat(b).as(what).isEqualTo(a);
                if (op.replaces) { // copy(false): go on with the copies (read-only), as a caller would
                    pair[0] = (MultiMap) op.apply.apply(pair[0]);
                    pair[1] = (MultiMap) op.apply.apply(pair[1]);
                }
                assertThat(state(pair[1])).as(what).isEqualTo(state(pair[0]));
            }
        }
    }

    @Test
    void theEncodersIteratorIsItsOwnEntryAndAMapWithoutFieldsHoldsNoArray() {
        FieldMap m = new FieldMap();
        assertThat(m.iteratorCharSequence().hasNext()).isFalse();
        m.add("a", "1").add(HttpHeaderNames.HOST, "h");
        var it = m.iteratorCharSequence();
        Map.Entry<CharSequence, CharSequence> first = it.next();
        assertThat(first.getKey()).hasToString("a");
        first.setValue("2");
        assertThat(m.get("A")).isEqualTo("2");
        assertThat(it.next()).isSameAs(first); // valid until the next call of next()
        assertThat(first.getKey()).isSameAs(HttpHeaderNames.HOST);
    }

    private record Op(String name, Function<MultiMap, Object> apply, boolean replaces) {
    }

    private static Op randomOp(Random r) {
        CharSequence n = NAMES.get(r.nextInt(NAMES.size()));
        String v = VALUES.get(r.nextInt(VALUES.size()));
        String v2 = VALUES.get(r.nextInt(VALUES.size()));
        String ns = n.toString();
        return switch (r.nextInt(r.nextInt(8) == 0 ? 17 : 16)) {
            case 0, 1, 2 -> new Op("add(" + n + "," + v + ")", m -> m.add(n, v) == m, false);
            case 3 -> new Op("add(String " + n + "," + v + ")", m -> m.add(ns, v) == m, false);
            case 4 -> new Op("netty add(" + n + "," + v + ")", m -> ((HttpHeaders) m).add(n, (Object) v) == m, false);
            case 5 -> new Op("set(" + n + "," + v + ")", m -> m.set(n, v) == m, false);
            case 6 -> new Op("set(" + n + ",null)", m -> m.set(n, (CharSequence) null) == m, false);
            case 7 -> new Op("set(" + n + ",[" + v + "," + v2 + "])", m -> m.set(ns, Arrays.<String>asList(v, null, v2)) == m,
                    false);
            case 8 -> new Op("add(" + n + ",[" + v + "," + v2 + "])", m -> m.add(ns, List.<String>of(v, v2)) == m, false);
            case 9 -> new Op("remove(" + n + ")", m -> m.remove(n) == m, false);
            case 10 -> new Op("netty remove(" + ns + ")", m -> ((HttpHeaders) m).remove(ns) == m, false);
            case 11 -> new Op("setAll(" + ns + "=" + v + ")", m -> m.setAll(Map.of(ns, v)) == m, false);
            case 12 -> new Op("addAll(copy of itself)", m -> m.addAll(m.copy()) == m, false);
            case 13 -> new Op("clear", m -> m.clear() == m, false);
            case 14 -> new Op("netty setInt(" + n + ")", m -> ((HttpHeaders) m).setInt(n, 42) == m, false);
            case 15 -> { // ours in one pass; Vert.x's map has no removeIf, so a remove of each name
                CharSequence n2 = NAMES.get(r.nextInt(NAMES.size()));
                yield new Op("removeIf(" + n + " or " + n2 + ")", m -> m instanceof FieldMap f
                        ? f.removeIf(k -> AsciiString.contentEqualsIgnoreCase(k, n)
                                || AsciiString.contentEqualsIgnoreCase(k, n2)) == m
                        : m.remove(n).remove(n2) == m, false);
            }
            default -> new Op("copy(false)", m -> m.copy(false), true);
        };
    }

    /** Everything either type answers, as plain values. */
    private static List<Object> state(MultiMap m) {
        HttpHeaders h = (HttpHeaders) m;
        List<Object> s = new ArrayList<>();
        m.forEach((k, v) -> s.add(k + ": " + v));
        h.iteratorCharSequence().forEachRemaining(e -> s.add("cs " + e.getKey() + ": " + e.getValue()));
        s.add(m.entries().toString());
        s.add(m.names());
        s.add(m.size());
        s.add(m.isEmpty());
        s.add(m.isMutable());
        for (CharSequence n : NAMES) {
            s.add(m.get(n));
            s.add(h.get(n.toString()));
            s.add(m.getAll(n));
            s.add(m.contains(n));
            for (String v : List.of("chunked", "keep-alive", "a", "b")) {
                s.add(m.contains(n, v, false));
                s.add(m.contains(n, v, true));
                s.add(h.containsValue(n, v, true));
                s.add(h.containsValue(n, v, false));
            }
        }
        return s;
    }

    private static Object outcome(java.util.function.Supplier<Object> op) {
        try {
            Object o = op.get();
            return o instanceof MultiMap ? "map" : o;
        } catch (RuntimeException e) {
            return e.getClass().getName();
        }
    }
}
