package dev.gossamer.vertx;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.util.AsciiString;
import io.vertx.core.MultiMap;
import io.vertx.core.http.impl.HttpUtils;
import io.vertx.core.internal.http.HttpHeadersInternal;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The HTTP/1.x header map of the proxy's own connections: a Netty {@link HttpHeaders} (what the codec decodes into and
 * encodes from) and a Vert.x {@link MultiMap} (what the exchange reads and edits) at once, as Vert.x's
 * {@code HeadersMultiMap} is, with the same behaviour seen from outside (case-insensitive names, fields in the order
 * they were added, every added field validated as Vert.x validates it, a read-only {@link #copy(boolean)}), but kept
 * in one array of names and values instead of an entry object per field and a 16-slot bucket array per map. A
 * request's head has a handful of fields, so a lookup is a scan of a few names, and a map that never gets a field (the
 * trailers Netty's decoder makes for every message) allocates no array at all. Issue 13: Vert.x's maps were a third of
 * the bytes a request allocated ({@code docs/performance.md}, "Allocation per request"). Not thread-safe, as neither
 * of the maps it replaces is.
 */
public final class FieldMap extends HttpHeaders implements MultiMap {

    /**
     * What Netty's HTTP/1.x codecs decode into ({@code HttpDecoderConfig.setHeadersFactory} and
     * {@code setTrailersFactory}): new maps of this kind, so the exchange reads and hands on the decoded maps as they
     * are.
     */
    public static final HttpHeadersFactory FACTORY = new HttpHeadersFactory() {
        @Override
        public HttpHeaders newHeaders() {
            return new FieldMap();
        }

        @Override
        public HttpHeaders newEmptyHeaders() {
            return new FieldMap();
        }
    };

    private static final boolean VALIDATE = !HttpHeadersInternal.DISABLE_HTTP_HEADERS_VALIDATION;
    private static final CharSequence[] NONE = new CharSequence[0];

    private CharSequence[] fields = NONE; // name, value, name, value, ... in the order added
    private int length; // used slots of fields (twice the number of fields)
    private final boolean readOnly;

    public FieldMap() {
        this(false);
    }

    private FieldMap(boolean readOnly) {
        this.readOnly = readOnly;
    }

    // ---- reading ----

    private int indexOf(CharSequence name, int from) {
        for (int i = from; i < length; i += 2) {
            if (sameName(fields[i], name)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean sameName(CharSequence k, CharSequence name) {
        return k == name || (k.length() == name.length() && AsciiString.contentEqualsIgnoreCase(k, name));
    }

    private CharSequence get0(CharSequence name) {
        int i = indexOf(name, 0);
        return i < 0 ? null : fields[i + 1];
    }

    @Override
    public String get(CharSequence name) {
        Objects.requireNonNull(name, "name");
        CharSequence v = get0(name);
        return v != null ? v.toString() : null;
    }

    @Override
    public String get(String name) {
        return get((CharSequence) name);
    }

    @Override
    public List<String> getAll(CharSequence name) {
        Objects.requireNonNull(name, "name");
        int i = indexOf(name, 0);
        if (i < 0) {
            return Collections.emptyList();
        }
        int j = indexOf(name, i + 2);
        if (j < 0) {
            return Collections.singletonList(fields[i + 1].toString());
        }
        List<String> values = new ArrayList<>(4);
        for (; i >= 0; i = indexOf(name, i + 2)) {
            values.add(fields[i + 1].toString());
        }
        return Collections.unmodifiableList(values);
    }

    @Override
    public List<String> getAll(String name) {
        return getAll((CharSequence) name);
    }

    @Override
    public boolean contains(CharSequence name) {
        return indexOf(name, 0) >= 0;
    }

    @Override
    public boolean contains(String name) {
        return contains((CharSequence) name);
    }

    @Override
    public boolean contains(CharSequence name, CharSequence value, boolean ignoreCase) {
        for (int i = indexOf(name, 0); i >= 0; i = indexOf(name, i + 2)) {
            CharSequence v = fields[i + 1];
            if (ignoreCase ? AsciiString.contentEqualsIgnoreCase(value, v) : AsciiString.contentEquals(value, v)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean contains(String name, String value, boolean ignoreCase) {
        return contains((CharSequence) name, value, ignoreCase);
    }

    /** Whether a field {@code name} has {@code value} among its comma-separated elements (spaces trimmed). */
    @Override
    public boolean containsValue(CharSequence name, CharSequence value, boolean ignoreCase) {
        for (int i = indexOf(name, 0); i >= 0; i = indexOf(name, i + 2)) {
            if (listed(fields[i + 1], value, ignoreCase)) {
                return true;
            }
        }
        return false;
    }

    // The element test of Vert.x's HeadersMultiMap, which Netty's codec relies on (Connection, Transfer-Encoding).
    private static boolean listed(CharSequence other, CharSequence value, boolean ignoreCase) {
        int prev = 0;
        while (true) {
            int idx = AsciiString.indexOf(other, ',', prev);
            int to = idx == -1 ? other.length() : idx;
            while (to > prev && other.charAt(to - 1) == ' ') {
                to--;
            }
            int from = prev;
            while (from < to && other.charAt(from) == ' ') {
                from++;
            }
            int len = to - from;
            if (len > 0 && AsciiString.regionMatches(other, ignoreCase, from, value, 0, len)) {
                return true;
            } else if (idx == -1) {
                return false;
            }
            prev = idx + 1;
        }
    }

    @Override
    public boolean isEmpty() {
        return length == 0;
    }

    /** The number of distinct names, as Vert.x's map counts. */
    @Override
    public int size() {
        return names().size();
    }

    @Override
    public Set<String> names() {
        Set<String> names = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        for (int i = 0; i < length; i += 2) {
            names.add(fields[i].toString());
        }
        return names;
    }

    /**
     * The fields in order, each entry valid until the next call of {@code next()}: the iterator is its own entry, as
     * Netty's {@code ReadOnlyHttpHeaders} iterator is, so the encoder writes a head without an object per field.
     */
    @Override
    public Iterator<Map.Entry<CharSequence, CharSequence>> iteratorCharSequence() {
        return new Fields();
    }

    private final class Fields implements Iterator<Map.Entry<CharSequence, CharSequence>>,
            Map.Entry<CharSequence, CharSequence> {
        private int next;
        private int at = -2;

        @Override
        public boolean hasNext() {
            return next < length;
        }

        @Override
        public Map.Entry<CharSequence, CharSequence> next() {
            if (next >= length) {
                throw new NoSuchElementException();
            }
            at = next;
            next += 2;
            return this;
        }

        @Override
        public CharSequence getKey() {
            return fields[at];
        }

        @Override
        public CharSequence getValue() {
            return fields[at + 1];
        }

        @Override
        public CharSequence setValue(CharSequence value) {
            return replaceValue(at, value);
        }

        @Override
        public String toString() {
            return getKey() + "=" + getValue();
        }
    }

    @Override
    public Iterator<Map.Entry<String, String>> iterator() {
        return new Iterator<>() {
            int i;

            @Override
            public boolean hasNext() {
                return i < length;
            }

            @Override
            public Map.Entry<String, String> next() {
                if (i >= length) {
                    throw new NoSuchElementException();
                }
                int at = i;
                i += 2;
                return new Map.Entry<>() {
                    @Override
                    public String getKey() {
                        return fields[at].toString();
                    }

                    @Override
                    public String getValue() {
                        return fields[at + 1].toString();
                    }

                    @Override
                    public String setValue(String value) {
                        return replaceValue(at, value).toString();
                    }

                    @Override
                    public String toString() {
                        return getKey() + "=" + getValue();
                    }
                };
            }
        };
    }

    @Override
    public void forEach(Consumer<? super Map.Entry<String, String>> action) {
        for (int i = 0; i < length; i += 2) {
            action.accept(new AbstractMap.SimpleEntry<>(fields[i].toString(), fields[i + 1].toString()));
        }
    }

    @Override
    public void forEach(BiConsumer<String, String> action) {
        for (int i = 0; i < length; i += 2) {
            action.accept(fields[i].toString(), fields[i + 1].toString());
        }
    }

    @Override
    public List<Map.Entry<String, String>> entries() {
        return MultiMap.super.entries();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < length; i += 2) {
            sb.append(fields[i]).append('=').append(fields[i + 1]).append('\n');
        }
        return sb.toString();
    }

    // ---- writing ----

    /** An entry's {@code setValue}: the value of the field at {@code at} replaced, validated; the old one. */
    private CharSequence replaceValue(int at, CharSequence value) {
        Objects.requireNonNull(value, "value");
        checkMutable();
        if (VALIDATE) {
            HttpUtils.validateHeaderValue(value);
        }
        CharSequence old = fields[at + 1];
        fields[at + 1] = value;
        return old;
    }

    private void checkMutable() {
        if (readOnly) {
            throw new IllegalStateException("Read only");
        }
    }

    private void add0(CharSequence name, CharSequence value) {
        checkMutable();
        if (VALIDATE) {
            HttpUtils.validateHeader(name, value);
        }
        if (length == fields.length) {
            fields = Arrays.copyOf(fields, Math.max(16, length * 2));
        }
        fields[length] = name;
        fields[length + 1] = value;
        length += 2;
    }

    private void remove0(CharSequence name) {
        checkMutable();
        int first = indexOf(name, 0);
        if (first >= 0) {
            compact(first, null, name);
        }
    }

    /**
     * Removes every field whose name {@code drop} accepts, in one pass over the fields (a {@link #remove} of each name
     * is a pass each); the others keep their order. Returns this map.
     */
    public FieldMap removeIf(Predicate<? super CharSequence> drop) {
        Objects.requireNonNull(drop, "drop");
        checkMutable();
        compact(0, drop, null);
        return this;
    }

    /**
     * From index {@code from} on, moves the fields kept over those removed (by {@code drop}, or when null those
     * named {@code name}) and clears the slots left at the end.
     */
    private void compact(int from, Predicate<? super CharSequence> drop, CharSequence name) {
        int w = from;
        for (int r = from; r < length; r += 2) {
            CharSequence k = fields[r];
            if (drop != null ? drop.test(k) : sameName(k, name)) {
                continue;
            }
            fields[w] = k;
            fields[w + 1] = fields[r + 1];
            w += 2;
        }
        Arrays.fill(fields, w, length, null);
        length = w;
    }

    private static CharSequence value(Object value) {
        return value instanceof CharSequence cs ? cs : value.toString(); // null throws, as Vert.x's does
    }

    @Override
    public FieldMap add(CharSequence name, CharSequence value) {
        Objects.requireNonNull(value);
        add0(name, value);
        return this;
    }

    @Override
    public FieldMap add(CharSequence name, Object value) {
        return add(name, value(value));
    }

    @Override
    public FieldMap add(String name, Object value) {
        return add((CharSequence) name, value(value));
    }

    @Override
    public FieldMap add(String name, String value) {
        return add((CharSequence) name, value);
    }

    @Override
    @SuppressWarnings("rawtypes")
    public FieldMap add(CharSequence name, Iterable values) {
        return addEach(name, values, false);
    }

    /** Adds each of {@code values} as a {@code name} field; with {@code stopAtNull}, up to the first null. */
    private FieldMap addEach(CharSequence name, Iterable<?> values, boolean stopAtNull) {
        for (Object v : values) {
            if (v == null && stopAtNull) {
                break;
            }
            add0(name, value(v));
        }
        return this;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public FieldMap add(String name, Iterable values) {
        return add((CharSequence) name, values);
    }

    @Override
    public FieldMap addAll(MultiMap map) {
        return addAll(map.entries());
    }

    @Override
    public FieldMap addAll(Map<String, String> map) {
        return addAll(map.entrySet());
    }

    private FieldMap addAll(Iterable<Map.Entry<String, String>> entries) {
        for (Map.Entry<String, String> e : entries) {
            add(e.getKey(), e.getValue());
        }
        return this;
    }

    @Override
    public FieldMap set(CharSequence name, CharSequence value) {
        remove0(name);
        if (value != null) { // set(name, null) removes, as Vert.x's does
            add0(name, value);
        }
        return this;
    }

    @Override
    public FieldMap set(String name, String value) {
        return set((CharSequence) name, value);
    }

    @Override
    public FieldMap set(String name, Object value) {
        return set((CharSequence) name, value(value));
    }

    @Override
    public FieldMap set(CharSequence name, Object value) {
        return set(name, value(value));
    }

    @Override
    @SuppressWarnings("rawtypes")
    public FieldMap set(CharSequence name, Iterable values) {
        Objects.requireNonNull(values, "values");
        remove0(name);
        return addEach(name, values, true); // the values up to a null, as Vert.x's map takes them
    }

    @Override
    @SuppressWarnings("rawtypes")
    public FieldMap set(String name, Iterable values) {
        return set((CharSequence) name, values);
    }

    @Override
    public FieldMap setAll(MultiMap map) {
        return setAll0(map.entries());
    }

    @Override
    public FieldMap setAll(Map<String, String> map) {
        return setAll0(map.entrySet());
    }

    private FieldMap setAll0(Iterable<Map.Entry<String, String>> entries) {
        checkMutable();
        clear0();
        return addAll(entries);
    }

    @Override
    public FieldMap remove(CharSequence name) {
        Objects.requireNonNull(name, "name");
        remove0(name);
        return this;
    }

    @Override
    public FieldMap remove(String name) {
        return remove((CharSequence) name);
    }

    @Override
    public FieldMap clear() {
        checkMutable();
        clear0();
        return this;
    }

    private void clear0() {
        Arrays.fill(fields, 0, length, null);
        length = 0;
    }

    @Override
    public boolean isMutable() {
        return !readOnly;
    }

    /** A map with the same fields: mutable, or read-only (whose mutators throw {@link IllegalStateException}). */
    @Override
    public FieldMap copy(boolean mutable) {
        FieldMap c = new FieldMap(!mutable);
        c.fields = length == 0 ? NONE : Arrays.copyOf(fields, length);
        c.length = length;
        return c;
    }

    @Override
    public FieldMap copy() {
        return copy(true);
    }

    // ---- Netty's typed accessors, unsupported as in Vert.x's map (setInt excepted) ----

    @Override
    public Integer getInt(CharSequence name) {
        throw new UnsupportedOperationException();
    }

    @Override
    public int getInt(CharSequence name, int defaultValue) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Short getShort(CharSequence name) {
        throw new UnsupportedOperationException();
    }

    @Override
    public short getShort(CharSequence name, short defaultValue) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Long getTimeMillis(CharSequence name) {
        throw new UnsupportedOperationException();
    }

    @Override
    public long getTimeMillis(CharSequence name, long defaultValue) {
        throw new UnsupportedOperationException();
    }

    @Override
    public HttpHeaders addInt(CharSequence name, int value) {
        throw new UnsupportedOperationException();
    }

    @Override
    public HttpHeaders addShort(CharSequence name, short value) {
        throw new UnsupportedOperationException();
    }

    @Override
    public HttpHeaders setInt(CharSequence name, int value) {
        return set(name, Integer.toString(value));
    }

    @Override
    public HttpHeaders setShort(CharSequence name, short value) {
        throw new UnsupportedOperationException();
    }
}
