package dev.gossamer.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ValuesTest {

    @ParameterizedTest
    @CsvSource({
        "0, 0",
        "250ms, 250",
        "5s, 5000",
        "1.5s, 1500",
        "1m, 60000",
        "1h, 3600000",
        "1m30s, 90000",
        "1h2m3s4ms, 3723004",
        "0.25ms, 0",  // sub-millisecond parts are kept in nanos; compared in millis here
        "30s1m, 90000",
    })
    void parsesDurations(String text, long millis) throws Exception {
        assertThat(Values.duration(text).toMillis()).isEqualTo(millis);
    }

    /** Exact to the nanosecond: the parts' sum is rounded half up once, not each part on its own. */
    @ParameterizedTest
    @CsvSource({
        "1.5s, 1500000000",
        "1.123456789s, 1123456789",
        "0.25ms, 250000",
        "0.0000005ms, 1",
        "0.000000499ms, 0",
        "0.0000004ms0.0000004ms, 1",
        "0.0000005ms0.0000005ms, 1",
        "1h0.5m, 3630000000000",
        "8784h, 31622400000000000",
    })
    void parsesDurationsToTheNanosecond(String text, long nanos) throws Exception {
        assertThat(Values.duration(text).toNanos()).isEqualTo(nanos);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "5", "5 s", "-1s", "1d", "s", "1.s", ".5s", "1m 30s", "1e3ms", "1S", "9999h",
        "8784h1ms", "1.1234567891s", "99999999999999999999h", "9223372036854775807ms"})
    void rejectsBadDurations(String text) {
        assertThatThrownBy(() -> Values.duration(text)).isInstanceOf(Values.BadValue.class);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "1.1234567891s|at most nine digits after the point",
        "8784h1ms|at most 8784h",
        "99999999999999999999h|at most 8784h",
        "5 s|a duration with a unit",
    })
    void saysWhatIsWrongWithADuration(String text, String expected) {
        assertThatThrownBy(() -> Values.duration(text)).isInstanceOf(Values.BadValue.class)
                .hasMessageContaining(expected);
    }

    @ParameterizedTest
    @CsvSource({"0, 0", "500ms, 500", "5s, 5000", "1m30s, 90000", "1h, 3600000", "1h1ms, 3600001"})
    void formatsDurationsBackToConfigSyntax(String text, long millis) throws Exception {
        assertThat(Values.format(Duration.ofMillis(millis))).isEqualTo(text);
        assertThat(Values.duration(Values.format(Duration.ofMillis(millis))).toMillis()).isEqualTo(millis);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "127.0.0.1:80|127.0.0.1|80",
        "[::1]:0|::1|0",
        "[2001:db8::5]:443|2001:db8::5|443",
        "orders.default.svc.cluster.local:8080|orders.default.svc.cluster.local|8080",
        "0.0.0.0:65535|0.0.0.0|65535",
    })
    void parsesAddresses(String text, String host, int port) throws Exception {
        assertThat(Values.address(text, 0)).isEqualTo(new HostPort(host, port));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ":80", "host", "host:", "host:65536", "host:-1", "::1:80", "[::1]80", "[]:80",
        "[g::1]:80", "1.2.3:80", "256.1.1.1:80", "a..b:80", "-a:80", "a_b:80", "host:8o", "[::1:80"})
    void rejectsBadAddresses(String text) {
        assertThatThrownBy(() -> Values.address(text, 0)).isInstanceOf(Values.BadValue.class);
    }

    @ParameterizedTest
    @CsvSource({"10%, 10", "0%, 0", "12.5%, 12.5", "100%, 100"})
    void parsesPercentages(String text, double value) {
        assertThat(Values.percent(text)).isEqualTo(value);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"abc|abc", "${A}|a", "x${A}y${B:-b}z|xaybz", "$$|$", "$${A}|${A}",
        "${E:-d}|d", "${E}|''", "a$b|a$b", "$|$"})
    void substitutesVariables(String in, String out) throws Exception {
        java.util.Map<String, String> env = java.util.Map.of("A", "a", "E", "");
        assertThat(Values.substitute(in, env::get)).isEqualTo(out.equals("''") ? "" : out);
    }

    @ParameterizedTest
    @CsvSource({"kitten, sitting, 3", "policy, ploicy, 1", "abc, abc, 0", "'', abc, 3"})
    void editDistance(String a, String b, int d) {
        assertThat(Hints.distance(a, b)).isEqualTo(d);
    }

    @ParameterizedTest
    @CsvSource({"outlier_detectoin, outlier_detection", "timout, timeout", "hash-on, hash_on", "LISTENERS, listeners"})
    void suggestsTheClosestKey(String typo, String key) {
        assertThat(Hints.closest(typo, KnownKeys.MESH.get("clusters[]").stream()
                .filter(k -> !k.equals("name")).toList())
                .or(() -> Hints.closest(typo, java.util.List.of("timeout", "hash_on", "listeners"))))
                .contains(key);
    }

    @ParameterizedTest
    @ValueSource(strings = {"zzz", "completely_unrelated"})
    void doesNotSuggestUnrelatedKeys(String word) {
        assertThat(Hints.closest(word, KnownKeys.MESH.get("clusters[]"))).isEmpty();
    }
}
