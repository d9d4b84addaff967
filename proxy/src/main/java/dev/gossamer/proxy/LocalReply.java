package dev.gossamer.proxy;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;

/**
 * The one way the proxy answers a request itself (no route, no healthy endpoint, timeout, connect failure, a
 * malformed request, an open circuit, ...): Envoy's "local reply". Every such answer carries
 * {@code x-gossamer-reason: <reason>} and a body naming the reason, in the form the client can read:
 * <ul>
 *   <li>a gRPC request ({@code content-type: application/grpc*}): a trailers-only gRPC response, HTTP 200 with
 *       {@code grpc-status} ({@link Grpc#statusOfHttp}: 14 UNAVAILABLE for 502/503, 4 DEADLINE_EXCEEDED for 504,
 *       12 UNIMPLEMENTED for 404, ...) and {@code grpc-message: <reason>} in the one HEADERS frame, no body;</li>
 *   <li>{@code Accept} naming {@code application/json} (or a {@code +json} type): {@code {"status":503,
 *       "reason":"no healthy endpoint"}};</li>
 *   <li>otherwise {@code text/plain}: the reason and a newline.</li>
 * </ul>
 * A HEAD request gets the headers only. Stateless.
 */
final class LocalReply {

    private static final CharSequence TEXT = HttpHeaders.createOptimized("text/plain; charset=utf-8");
    private static final CharSequence JSON = HttpHeaders.createOptimized("application/json");
    private static final CharSequence GRPC = HttpHeaders.createOptimized("application/grpc");

    /** What to send: status, headers and body, decided from the request alone. */
    record Reply(int httpStatus, int grpcStatus, CharSequence contentType, Buffer body) {
    }

    private LocalReply() {
    }

    /**
     * The answer to a request with headers {@code requestHeaders} for {@code status} and {@code reason};
     * {@code grpcStatus} is -1 unless the request is gRPC, {@code body} null for gRPC (a HEAD request is sent the
     * headers only, by the caller).
     */
    static Reply of(MultiMap requestHeaders, int status, String reason) {
        if (Grpc.isGrpc(requestHeaders.get(HttpHeaders.CONTENT_TYPE))) {
            return new Reply(200, Grpc.statusOfHttp(status), GRPC, null);
        }
        Buffer body;
        CharSequence type;
        if (wantsJson(requestHeaders.get(HttpHeaders.ACCEPT))) {
            type = JSON;
            body = Buffer.buffer(new JsonObject().put("status", status).put("reason", reason).encode());
        } else {
            type = TEXT;
            body = Buffer.buffer(reason + "\n");
        }
        return new Reply(status, -1, type, body);
    }

    /** Writes {@code reply} for {@code reason} into {@code headers}; the body, if any, is the caller's to end with. */
    static void writeHeaders(Reply reply, String reason, MultiMap headers) {
        headers.set(Exchange.REASON, reason).set(HttpHeaders.CONTENT_TYPE, reply.contentType());
        if (reply.grpcStatus() >= 0) {
            headers.set(Grpc.STATUS, Integer.toString(reply.grpcStatus()))
                    .set(Grpc.MESSAGE, Grpc.encodeMessage(reason));
        } else {
            // The length of the body a GET would get, also for HEAD (RFC 9110 §8.6).
            int len = reply.body() != null ? reply.body().length() : 0;
            headers.set(HttpHeaders.CONTENT_LENGTH, Integer.toString(len));
        }
    }

    /** True when an {@code Accept} value names JSON with a non-zero quality, before any text type. */
    static boolean wantsJson(String accept) {
        if (accept == null) {
            return false;
        }
        for (String range : accept.split(",")) {
            String r = range.trim();
            int semi = r.indexOf(';');
            String type = (semi < 0 ? r : r.substring(0, semi)).trim().toLowerCase(java.util.Locale.ROOT);
            boolean zero = semi >= 0 && r.substring(semi).replace(" ", "").matches(".*;q=0(\\.0*)?(;.*)?$");
            if (zero) {
                continue;
            }
            if (type.equals("application/json") || type.endsWith("+json")) {
                return true;
            }
            if (type.startsWith("text/")) {
                return false;
            }
        }
        return false;
    }
}
