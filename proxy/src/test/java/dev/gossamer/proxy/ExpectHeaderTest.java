package dev.gossamer.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 9110 §10.1.1 as {@link ExpectHeader#of} reads it: one row per case, no sockets. */
class ExpectHeaderTest {

    /** {@code lines}: the Expect field lines separated by '|', "-" for none. */
    @ParameterizedTest(name = "HTTP/{0} Expect={1} → {2}")
    @CsvSource(delimiter = ';', value = {
        "1.1; -;                          NONE",
        "1.1; 100-continue;               CONTINUE",
        "1.1; 100-Continue;               CONTINUE",
        "1.1; ' 100-continue ';           CONTINUE",
        "1.1; 100-continue|100-continue;  CONTINUE",
        "1.1; '100-continue, ';           CONTINUE",
        "1.1; '';                         NONE",
        "1.1; ' , ';                      NONE",
        "1.1; foo;                        UNSUPPORTED",
        "1.1; '100-continue, foo';        UNSUPPORTED",
        "1.1; 100-continue|foo;           UNSUPPORTED",
        "1.1; '100-continue; x=1';        UNSUPPORTED",
        "1.1; 100-continu;                UNSUPPORTED",
        "1.0; 100-continue;               NONE",
        "1.0; foo;                        UNSUPPORTED",
        "2;   100-continue;               CONTINUE",
    })
    void readsTheExpectation(String version, String lines, ExpectHeader expected) {
        List<String> values = lines.equals("-") ? List.of() : Arrays.asList(lines.split("\\|", -1));
        assertThat(ExpectHeader.of(!version.equals("1.0"), values)).isEqualTo(expected);
    }
}
