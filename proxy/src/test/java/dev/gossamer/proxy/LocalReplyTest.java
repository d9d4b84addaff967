package dev.gossamer.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which form the proxy's own answer takes, by the request's headers. */
class LocalReplyTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "null", textBlock = """
            application/json                      | true
            application/problem+json              | true
            text/html, application/json           | false
            text/html;q=0, application/json       | true
            application/json;q=0, text/plain      | false
            application/json; q=0.0               | false
            application/json; q=0.5               | true
            */*                                   | false
            null                                  | false
            """)
    void wantsJson(String accept, boolean json) {
        assertThat(LocalReply.wantsJson(accept)).isEqualTo(json);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "null", textBlock = """
            application/grpc | null             | 503 | 200 | 14 | application/grpc
            application/grpc | application/json | 504 | 200 | 4  | application/grpc
            null             | application/json | 503 | 503 | -1 | application/json
            text/plain       | null             | 404 | 404 | -1 | text/plain; charset=utf-8
            """)
    void formByRequest(String contentType, String accept, int status, int httpStatus, int grpcStatus, String type) {
        MultiMap h = MultiMap.caseInsensitiveMultiMap();
        if (contentType != null) {
            h.set("content-type", contentType);
        }
        if (accept != null) {
            h.set("accept", accept);
        }
        LocalReply.Reply r = LocalReply.of(h, status, "why");
        assertThat(r.httpStatus()).isEqualTo(httpStatus);
        assertThat(r.grpcStatus()).isEqualTo(grpcStatus);
        assertThat(r.contentType().toString()).isEqualTo(type);
        assertThat(r.body() == null).isEqualTo(grpcStatus >= 0);
    }
}
