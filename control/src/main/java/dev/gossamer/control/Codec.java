package dev.gossamer.control;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The bytes of every message, log entry and snapshot: a leading format byte, then fixed fields with length-prefixed
 * UTF-8 strings. Plain DataOutput rather than protobuf or JSON: five small shapes, no extra dependency, and a
 * format byte to evolve them. Stateless; thread-safe.
 */
final class Codec {

    static final byte FORMAT = 1;

    static final byte OP_PUT = 1;
    static final byte OP_ROLLBACK = 2;

    static final byte QUERY_LATEST = 1;
    static final byte QUERY_GET = 2;
    static final byte QUERY_HISTORY = 3;

    static final byte REPLY_COMMITTED = 1;
    static final byte REPLY_REJECTED = 2;
    static final byte REPLY_CONFLICT = 3;

    /** "GOSSAMER" in ASCII, so a foreign file is refused at once. */
    static final long SNAPSHOT_MAGIC = 0x474F5353414D4552L;

    /** A decoded string may be at most this long: Ratis's own message limit. */
    private static final int MAX_STRING_BYTES = 64 << 20;

    static final long NO_VERSION = -1;

    private Codec() {
    }

    /** A client's write as it arrives at the leader. */
    record Request(byte op, long ifVersion, long rollbackVersion, String source, String author, String yaml) {
    }

    /** A write as the leader put it into the log: validated, stamped, self-contained. */
    record Entry(long committedAt, long ifVersion, String source, String author, String yaml) {
    }

    static byte[] put(String yaml, long ifVersion, String source, String author) {
        return write(out -> {
            out.writeByte(FORMAT);
            out.writeByte(OP_PUT);
            out.writeLong(ifVersion);
            writeString(out, source);
            writeString(out, author);
            writeString(out, yaml);
        });
    }

    static byte[] rollback(long version, String source, String author) {
        return write(out -> {
            out.writeByte(FORMAT);
            out.writeByte(OP_ROLLBACK);
            out.writeLong(version);
            writeString(out, source);
            writeString(out, author);
        });
    }

    static Request readRequest(InputStream bytes) throws IOException {
        DataInputStream in = new DataInputStream(bytes);
        checkFormat(in.readByte(), "request");
        byte op = in.readByte();
        if (op == OP_PUT) {
            long ifVersion = in.readLong();
            String source = readString(in);
            String author = readString(in);
            return new Request(op, ifVersion, NO_VERSION, source, author, readString(in));
        }
        if (op == OP_ROLLBACK) {
            long version = in.readLong();
            return new Request(op, NO_VERSION, version, readString(in), readString(in), null);
        }
        throw new IOException("op: " + op + " (expected: " + OP_PUT + " or " + OP_ROLLBACK + ")");
    }

    static byte[] entry(Entry e) {
        return write(out -> {
            out.writeByte(FORMAT);
            out.writeLong(e.committedAt());
            out.writeLong(e.ifVersion());
            writeString(out, e.source());
            writeString(out, e.author());
            writeString(out, e.yaml());
        });
    }

    static Entry readEntry(InputStream bytes) throws IOException {
        DataInputStream in = new DataInputStream(bytes);
        checkFormat(in.readByte(), "log entry");
        return new Entry(in.readLong(), in.readLong(), readString(in), readString(in), readString(in));
    }

    static byte[] reply(WriteResult r) {
        return write(out -> {
            out.writeByte(FORMAT);
            if (r instanceof WriteResult.Committed c) {
                out.writeByte(REPLY_COMMITTED);
                out.writeLong(c.version());
                writeString(out, c.digest());
                out.writeBoolean(c.created());
            } else if (r instanceof WriteResult.Conflict c) {
                out.writeByte(REPLY_CONFLICT);
                out.writeLong(c.currentVersion());
            } else if (r instanceof WriteResult.Rejected rej) {
                out.writeByte(REPLY_REJECTED);
                writeStrings(out, rej.problems());
            }
        });
    }

    static WriteResult readReply(InputStream bytes) throws IOException {
        DataInputStream in = new DataInputStream(bytes);
        checkFormat(in.readByte(), "reply");
        byte tag = in.readByte();
        return switch (tag) {
            case REPLY_COMMITTED -> new WriteResult.Committed(in.readLong(), readString(in), in.readBoolean());
            case REPLY_CONFLICT -> new WriteResult.Conflict(in.readLong());
            case REPLY_REJECTED -> new WriteResult.Rejected(readStrings(in));
            default -> throw new IOException("reply: tag " + tag + " (expected: 1..3)");
        };
    }

    static byte[] query(byte op, long version) {
        return write(out -> {
            out.writeByte(FORMAT);
            out.writeByte(op);
            out.writeLong(version);
        });
    }

    /** A read: which one and, for {@link #QUERY_GET}, the version. */
    record Query(byte op, long version) {
    }

    static Query readQuery(InputStream bytes) throws IOException {
        DataInputStream in = new DataInputStream(bytes);
        checkFormat(in.readByte(), "query");
        return new Query(in.readByte(), in.readLong());
    }

    static byte[] optionalVersion(ConfigVersion v) {
        return write(out -> {
            out.writeByte(FORMAT);
            out.writeBoolean(v != null);
            if (v != null) {
                writeVersion(out, v);
            }
        });
    }

    static ConfigVersion readOptionalVersion(InputStream bytes) throws IOException {
        DataInputStream in = new DataInputStream(bytes);
        checkFormat(in.readByte(), "version reply");
        return in.readBoolean() ? readVersion(in) : null;
    }

    static byte[] history(List<VersionInfo> rows) {
        return write(out -> {
            out.writeByte(FORMAT);
            out.writeInt(rows.size());
            for (VersionInfo i : rows) {
                out.writeLong(i.version());
                out.writeLong(i.committedAt());
                writeString(out, i.source());
                writeString(out, i.author());
                writeString(out, i.digest());
            }
        });
    }

    static List<VersionInfo> readHistory(InputStream bytes) throws IOException {
        DataInputStream in = new DataInputStream(bytes);
        checkFormat(in.readByte(), "history reply");
        int n = in.readInt();
        List<VersionInfo> rows = new ArrayList<>(Math.min(n, 1024));
        for (int i = 0; i < n; i++) {
            rows.add(new VersionInfo(in.readLong(), in.readLong(), readString(in), readString(in), readString(in)));
        }
        return rows;
    }

    /** The kept history (consecutive versions, not necessarily from 1), for a snapshot file. */
    static void writeSnapshot(OutputStream os, List<ConfigVersion> history) throws IOException {
        DataOutputStream out = new DataOutputStream(os);
        out.writeLong(SNAPSHOT_MAGIC);
        out.writeByte(FORMAT);
        out.writeInt(history.size());
        for (ConfigVersion v : history) {
            writeVersion(out, v);
        }
        out.flush();
    }

    static List<ConfigVersion> readSnapshot(InputStream is) throws IOException {
        DataInputStream in = new DataInputStream(is);
        long magic = in.readLong();
        if (magic != SNAPSHOT_MAGIC) {
            throw new IOException("snapshot: magic " + Long.toHexString(magic)
                    + " (expected: " + Long.toHexString(SNAPSHOT_MAGIC) + ")");
        }
        checkFormat(in.readByte(), "snapshot");
        int n = in.readInt();
        List<ConfigVersion> history = new ArrayList<>(Math.min(n, 1024));
        for (int i = 0; i < n; i++) {
            ConfigVersion v = readVersion(in);
            long expected = i == 0 ? v.version() : history.get(0).version() + i;
            if (v.version() != expected) {
                throw new IOException("snapshot: version " + v.version() + " at position " + i
                        + " (expected: " + expected + ")");
            }
            history.add(v);
        }
        return history;
    }

    /** Problems as one exception message: one per line, backslash and newline escaped. */
    static String encodeProblems(List<String> problems) {
        StringBuilder sb = new StringBuilder();
        for (String p : problems) {
            if (sb.length() > 0) {
                sb.append('\n');
            }
            sb.append(p.replace("\\", "\\\\").replace("\n", "\\n"));
        }
        return sb.toString();
    }

    static List<String> decodeProblems(String message) {
        List<String> problems = new ArrayList<>();
        if (message == null || message.isEmpty()) {
            return problems;
        }
        for (String line : message.split("\n", -1)) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < line.length(); i++) {
                char c = line.charAt(i);
                if (c == '\\' && i + 1 < line.length()) {
                    char next = line.charAt(++i);
                    sb.append(next == 'n' ? '\n' : next);
                } else {
                    sb.append(c);
                }
            }
            problems.add(sb.toString());
        }
        return problems;
    }

    /** SHA-256 of the UTF-8 text, 64 lower-case hex digits. */
    static String digest(String yaml) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(md.digest(yaml.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JRE has SHA-256", e);
        }
    }

    private static void writeVersion(DataOutputStream out, ConfigVersion v) throws IOException {
        out.writeLong(v.version());
        out.writeLong(v.committedAt());
        writeString(out, v.source());
        writeString(out, v.author());
        writeString(out, v.digest());
        writeString(out, v.yaml());
    }

    private static ConfigVersion readVersion(DataInputStream in) throws IOException {
        long version = in.readLong();
        long committedAt = in.readLong();
        String source = readString(in);
        String author = readString(in);
        String digest = readString(in);
        String yaml = readString(in);
        return new ConfigVersion(version, yaml, digest, committedAt, source, author);
    }

    private static void writeStrings(DataOutputStream out, List<String> strings) throws IOException {
        out.writeInt(strings.size());
        for (String s : strings) {
            writeString(out, s);
        }
    }

    private static List<String> readStrings(DataInputStream in) throws IOException {
        int n = in.readInt();
        List<String> list = new ArrayList<>(Math.min(n, 1024));
        for (int i = 0; i < n; i++) {
            list.add(readString(in));
        }
        return list;
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String readString(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > MAX_STRING_BYTES) {
            throw new IOException("string: " + n + " bytes (expected: 0.." + MAX_STRING_BYTES + ")");
        }
        byte[] b = in.readNBytes(n);
        if (b.length != n) {
            throw new EOFException("string: " + b.length + " bytes (expected: " + n + ")");
        }
        return new String(b, StandardCharsets.UTF_8);
    }

    private static void checkFormat(byte format, String what) throws IOException {
        if (format != FORMAT) {
            throw new IOException(what + ": format " + format + " (expected: " + FORMAT + ")");
        }
    }

    @FunctionalInterface
    private interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    private static byte[] write(Writer w) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            w.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return bytes.toByteArray();
    }
}
