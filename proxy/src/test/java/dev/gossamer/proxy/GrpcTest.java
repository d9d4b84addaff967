package dev.gossamer.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link Grpc}'s pure functions as tables (grpc's PROTOCOL-HTTP2.md, statuscodes.md, http-grpc-status-mapping.md). */
class GrpcTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "null", textBlock = """
            application/grpc                 | true
            application/grpc+proto           | true
            application/grpc+json            | true
            APPLICATION/GRPC                 | true
            application/grpc; charset=utf-8  | true
            application/grpc-web             | false
            application/grpcx                | false
            application/json                 | false
            null                             | false
            """)
    void recognisesGrpcContentTypes(String contentType, boolean grpc) {
        assertThat(Grpc.isGrpc(contentType)).isEqualTo(grpc);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "null", textBlock = """
            1S         | 1000000000
            250m       | 250000000
            100u       | 100000
            7n         | 7
            2M         | 120000000000
            1H         | 3600000000000
            99999999S  | 99999999000000000
            123456789S | -1
            S          | -1
            10         | -1
            10s        | -1
            -1S        | -1
            1.5S       | -1
            null       | -1
            """)
    void parsesGrpcTimeout(String value, long nanos) {
        assertThat(Grpc.parseTimeoutNanos(value)).isEqualTo(nanos);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            0                | 1n
            1                | 1n
            99999999         | 99999999n
            100000000        | 100000u
            149999999        | 149999u
            30000000000      | 30000000u
            300000000000     | 300000m
            864000000000000  | 864000S
            """)
    void formatsGrpcTimeoutInTheFinestUnitThatFits(long nanos, String value) {
        assertThat(Grpc.formatTimeout(nanos)).isEqualTo(value);
        assertThat(Grpc.parseTimeoutNanos(value)).isLessThanOrEqualTo(Math.max(1, nanos));
    }

    @ParameterizedTest
    @CsvSource({"404, 12", "503, 14", "502, 14", "504, 4", "408, 4", "400, 13", "429, 14", "499, 1", "500, 2",
        "413, 8", "401, 16", "403, 7"})
    void ownAnswersMapToGrpcStatuses(int http, int grpc) {
        assertThat(Grpc.statusOfHttp(http)).isEqualTo(grpc);
    }

    @ParameterizedTest
    @CsvSource({"0, 200", "1, 499", "2, 500", "4, 504", "5, 404", "8, 429", "12, 501", "13, 500", "14, 503",
        "15, 500", "16, 401", "42, 500"})
    void grpcStatusesStandForHttpStatusesAsInEnvoy(int grpc, int http) {
        assertThat(Grpc.httpStatusOf(grpc)).isEqualTo(http);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "null", textBlock = """
            0    | 0
            14   | 14
            ' 4' | 4
            abc  | -1
            100  | -1
            ''   | -1
            null | -1
            """)
    void parsesGrpcStatus(String value, int code) {
        assertThat(Grpc.parseStatus(value)).isEqualTo(code);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            no route                 | no route
            100%                     | 100%25
            'tab\there'              | tab%09here
            caf\u00e9                | caf%C3%A9
            """)
    void percentEncodesGrpcMessage(String message, String encoded) {
        assertThat(Grpc.encodeMessage(message)).isEqualTo(encoded);
    }

    @ParameterizedTest
    @CsvSource({"0, OK", "14, UNAVAILABLE", "16, UNAUTHENTICATED", "17, CODE_17"})
    void namesCodes(int code, String name) {
        assertThat(Grpc.name(code)).isEqualTo(name);
    }
}
