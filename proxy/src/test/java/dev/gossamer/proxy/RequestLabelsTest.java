package dev.gossamer.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gossamer.proxy.RequestLabels.Flag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RequestLabelsTest {

    @ParameterizedTest
    @CsvSource({"100,1xx", "200,2xx", "204,2xx", "302,3xx", "404,4xx", "499,4xx", "503,5xx", "0,5xx", "600,5xx",
            "99,5xx"})
    void statusClass(int status, String expected) {
        assertThat(RequestLabels.statusClass(status)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({
            "400,request target is ambiguous,DPE",
            "404,no route,NR",
            "408,request body timeout,DT",
            "503,no healthy endpoint,UH",
            "504,upstream timeout,UT",
            "502,upstream connect failure,UF",
            "502,upstream reset,UC",
            "502,proxy error,PE",
            "499,,DC"})
    void proxyAnswersMapToOneFlag(int status, String reason, String code) {
        assertThat(RequestLabels.proxyFlag(status, reason).code()).isEqualTo(code);
    }

    @Test
    void anEndpointsAnswerIsFlaggedOnlyWhenRetriesRanOut() {
        assertThat(RequestLabels.endpointFlag(200, 1)).isEqualTo(Flag.NONE);
        assertThat(RequestLabels.endpointFlag(500, 1)).isEqualTo(Flag.NONE);
        assertThat(RequestLabels.endpointFlag(200, 3)).isEqualTo(Flag.NONE);
        assertThat(RequestLabels.endpointFlag(503, 2)).isEqualTo(Flag.RETRIES_EXHAUSTED);
        assertThat(RequestLabels.endpointFlag(499, 2)).isEqualTo(Flag.DOWNSTREAM_CLOSED);
    }

    @Test
    void flagCodesAreUniqueAndShort() {
        assertThat(java.util.Arrays.stream(Flag.values()).map(Flag::code).distinct().count())
                .isEqualTo(Flag.values().length);
        assertThat(Flag.values()).allMatch(f -> f.code().matches("-|[A-Z]{2,3}"));
    }
}
