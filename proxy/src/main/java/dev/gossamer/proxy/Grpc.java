package dev.gossamer.proxy;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * What the data plane knows of gRPC (grpc's {@code doc/PROTOCOL-HTTP2.md}): which requests are gRPC, the
 * {@code grpc-timeout} header, {@code grpc-status} codes and their HTTP equivalents, {@code grpc-message}
 * percent-encoding. Pure functions, table-tested ({@code GrpcTest}); the proxy never links a gRPC library, it only
 * reads the headers and trailers that carry these values.
 *
 * <p>Example: a request with {@code content-type: application/grpc+proto} and {@code grpc-timeout: 250m} is gRPC with
 * a deadline of 250 ms; 100 ms later the proxy sends it upstream with {@code grpc-timeout: 150000u}. If no endpoint
 * is healthy the client gets HTTP 200 with {@code grpc-status: 14} (UNAVAILABLE) and
 * {@code grpc-message: no healthy endpoint} in one HEADERS frame (a trailers-only response).
 */
final class Grpc {

    static final String STATUS = "grpc-status";
    static final String MESSAGE = "grpc-message";
    static final String TIMEOUT = "grpc-timeout";

    static final int OK = 0;
    static final int CANCELLED = 1;
    static final int UNKNOWN = 2;
    static final int INVALID_ARGUMENT = 3;
    static final int DEADLINE_EXCEEDED = 4;
    static final int NOT_FOUND = 5;
    static final int PERMISSION_DENIED = 7;
    static final int RESOURCE_EXHAUSTED = 8;
    static final int UNIMPLEMENTED = 12;
    static final int INTERNAL = 13;
    static final int UNAVAILABLE = 14;
    static final int UNAUTHENTICATED = 16;

    /** The codes' names (grpc's {@code doc/statuscodes.md}), index = code; the metrics' {@code grpc_status} label. */
    static final String[] NAMES = {"OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED",
        "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED",
        "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED"};

    // grpc-timeout's largest value: TimeoutValue is at most 8 ASCII digits.
    private static final long MAX_TIMEOUT_VALUE = 99_999_999L;
    private static final char[] UNITS = {'n', 'u', 'm', 'S', 'M', 'H'};
    private static final long[] UNIT_NANOS = {1L, 1_000L, 1_000_000L, TimeUnit.SECONDS.toNanos(1),
        TimeUnit.MINUTES.toNanos(1), TimeUnit.HOURS.toNanos(1)};
    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

    private Grpc() {
    }

    /** True for {@code application/grpc}, {@code application/grpc+proto}, {@code application/grpc;...}. */
    static boolean isGrpc(String contentType) {
        if (contentType == null || !contentType.regionMatches(true, 0, "application/grpc", 0, 16)) {
            return false;
        }
        if (contentType.length() == 16) {
            return true;
        }
        char c = contentType.charAt(16);
        return c == '+' || c == ';';
    }

    /** The deadline a {@code grpc-timeout} value asks for, in nanoseconds; -1 when absent or malformed. */
    static long parseTimeoutNanos(String value) {
        if (value == null) {
            return -1;
        }
        String v = value.trim();
        int n = v.length() - 1;
        if (n < 1 || n > 8) {
            return -1;
        }
        long amount = 0;
        for (int i = 0; i < n; i++) {
            char c = v.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            amount = amount * 10 + (c - '0');
        }
        char unit = v.charAt(n);
        for (int i = 0; i < UNITS.length; i++) {
            if (UNITS[i] == unit) {
                // At most 99,999,999 hours: saturate rather than overflow.
                return amount > Long.MAX_VALUE / UNIT_NANOS[i] ? Long.MAX_VALUE : amount * UNIT_NANOS[i];
            }
        }
        return -1;
    }

    /**
     * {@code nanos} as a {@code grpc-timeout} value: the finest unit whose value fits in 8 digits (grpc-java's
     * choice), rounded down, at least {@code 1n}.
     */
    static String formatTimeout(long nanos) {
        long n = Math.max(1, nanos);
        for (int i = 0; i < UNITS.length; i++) {
            long v = n / UNIT_NANOS[i];
            if (v <= MAX_TIMEOUT_VALUE) {
                return Long.toString(i == 0 ? v : Math.max(1, v)) + UNITS[i];
            }
        }
        return MAX_TIMEOUT_VALUE + "H";
    }

    /** A {@code grpc-status} value; -1 when absent or not a number in 0..99. */
    static int parseStatus(String value) {
        if (value == null) {
            return -1;
        }
        String v = value.trim();
        if (v.isEmpty() || v.length() > 2) {
            return -1;
        }
        int code = 0;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            code = code * 10 + (c - '0');
        }
        return code;
    }

    /** The code's name for metrics and logs; {@code "CODE_<n>"} for a code grpc does not define. */
    static String name(int code) {
        return code >= 0 && code < NAMES.length ? NAMES[code] : "CODE_" + code;
    }

    /**
     * The gRPC status of an answer the proxy makes itself with HTTP status {@code http}: grpc's
     * {@code doc/http-grpc-status-mapping.md} (404 → UNIMPLEMENTED, 502/503 → UNAVAILABLE, ...), except that a
     * timeout (504, 408) is DEADLINE_EXCEEDED and a client that went away (499) CANCELLED, as Envoy answers.
     */
    static int statusOfHttp(int http) {
        return switch (http) {
            case 200 -> OK;
            case 400 -> INTERNAL;
            case 401 -> UNAUTHENTICATED;
            case 403 -> PERMISSION_DENIED;
            case 404 -> UNIMPLEMENTED;
            case 408, 504 -> DEADLINE_EXCEEDED;
            case 413, 431 -> RESOURCE_EXHAUSTED;
            case 429, 502, 503 -> UNAVAILABLE;
            case 499 -> CANCELLED;
            default -> UNKNOWN;
        };
    }

    /**
     * The HTTP status a gRPC status stands for, for outlier detection and the status class of metrics: Envoy's
     * {@code Grpc::Utility::grpcToHttpStatus}. So UNAVAILABLE counts as a 503 and INTERNAL as a 500 although the
     * response carrying them was an HTTP 200.
     */
    static int httpStatusOf(int code) {
        return switch (code) {
            case 0 -> 200;
            case 1 -> 499;
            case 3, 9, 11 -> 400;
            case 4 -> 504;
            case 5 -> 404;
            case 6, 10 -> 409;
            case 7 -> 403;
            case 8 -> 429;
            case 12 -> 501;
            case 14 -> 503;
            case 16 -> 401;
            default -> 500; // UNKNOWN, INTERNAL, DATA_LOSS and codes grpc does not define
        };
    }

    /** {@code grpc-message}'s percent-encoding: bytes of the UTF-8 outside 0x20..0x7E, and '%', as %XX. */
    static String encodeMessage(String message) {
        byte[] b = message.getBytes(StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder(b.length + 8);
        for (byte x : b) {
            int c = x & 0xFF;
            if (c >= 0x20 && c <= 0x7E && c != '%') {
                sb.append((char) c);
            } else {
                sb.append('%').append((char) HEX[c >> 4]).append((char) HEX[c & 0xF]);
            }
        }
        return sb.toString();
    }
}
