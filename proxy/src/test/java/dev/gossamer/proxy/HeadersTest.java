package dev.gossamer.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gossamer.vertx.VertxInternals;
import io.vertx.core.MultiMap;
import io.vertx.core.http.impl.headers.HeadersMultiMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A message's own map made end-to-end in place ({@link Headers#keepEndToEnd}) holds exactly what a copy
 * ({@link Headers#copyEndToEnd}) would: the same fields with the same values, in the same order within a name (the
 * order of different names carries no meaning, RFC 9110 §5.3; a kept {@code TE: trailers} moves to the end). Each
 * case is a request's or a response's head fields, {@code name: value} separated by {@code |}.
 */
class HeadersTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "Host: a:8080",
        "Host: a|Accept: */*|User-Agent: curl/7.88",
        "Host: a|Connection: keep-alive|Keep-Alive: timeout=5|Accept: */*",
        "Host: a|Connection: close, X-Secret|X-Secret: 1|X-Kept: 2",
        "Host: a|Connection: TE, Upgrade|TE: trailers|Upgrade: websocket",
        "Host: a|TE: trailers|content-type: application/grpc|grpc-timeout: 1S",
        "Host: a|TE: trailers, deflate|Accept: text/plain",
        "Host: a|te: deflate",
        "Host: a|Transfer-Encoding: chunked|Trailer: x-sum|Proxy-Connection: keep-alive|Expect: 100-continue",
        "Host: a|X-Forwarded-For: 10.0.0.1|x-forwarded-for: 10.0.0.2|Cookie: a=1|Cookie: b=2",
        "host: a|HOST: b|Connection: x-a,  x-b ,|X-A: 1|x-b: 2|X-C: 3",
        "Host: a|Connection: x-a,\tx-b\t, close|X-A: 1|x-b: 2|X-C: 3", // tabs are list whitespace too
    })
    void keepingARequestInPlaceLeavesWhatACopyTakes(String head) {
        assertKeptAsCopied(head, true);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "Content-Length: 5|Content-Type: text/plain|Server: nginx",
        "Transfer-Encoding: chunked|Trailer: grpc-status|Content-Type: application/grpc",
        "Connection: keep-alive|Keep-Alive: timeout=5|Date: Mon, 07 Dec 2026 09:00:00 GMT",
        "Connection: close, X-Internal|X-Internal: 1|X-Kept: 2|Set-Cookie: a=1|Set-Cookie: b=2",
        "Upgrade: h2c|Connection: Upgrade|TE: trailers|Proxy-Connection: keep-alive|Content-Length: 0",
        "Host: kept-in-a-response|Expect: kept-too|connection: x-a,  x-b ,|X-A: 1|x-b: 2|X-C: 3",
        "Connection: x-a ,\tx-b|X-A: 1|x-b: 2|X-C: 3",
    })
    void keepingAResponseInPlaceLeavesWhatACopyTakes(String head) {
        assertKeptAsCopied(head, false);
    }

    /** For the maps of HTTP/1.x messages (FieldMap: one pass) and any other map (Vert.x's: a remove per name). */
    private static void assertKeptAsCopied(String head, boolean request) {
        for (Supplier<MultiMap> kind : List.<Supplier<MultiMap>>of(VertxInternals::httpHeaders,
                HeadersMultiMap::httpHeaders)) {
            MultiMap message = kind.get();
            for (String line : head.split("\\|")) {
                int colon = line.indexOf(':');
                message.add(line.substring(0, colon), line.substring(colon + 1).trim());
            }
            MultiMap copy = VertxInternals.httpHeaders();
            Headers.copyEndToEnd(message, copy, request);

            Headers.keepEndToEnd(message, request);

            assertThat(entries(message)).as(message.getClass().getSimpleName() + ": " + head)
                    .isEqualTo(entries(copy));
        }
    }

    private static List<Map.Entry<String, String>> entries(MultiMap m) {
        List<Map.Entry<String, String>> list = new ArrayList<>();
        m.forEach(e -> list.add(Map.entry(e.getKey().toLowerCase(java.util.Locale.ROOT), e.getValue())));
        list.sort(Map.Entry.comparingByKey()); // stable: the values of one name keep their order
        return list;
    }
}
