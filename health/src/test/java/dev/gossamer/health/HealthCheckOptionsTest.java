package dev.gossamer.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class HealthCheckOptionsTest {

    @Test
    void defaultsFollowTheDocumentedValues() {
        HealthCheckOptions o = HealthCheckOptions.http("/healthz").build();
        assertThat(o.protocol()).isEqualTo(HealthCheckOptions.Protocol.HTTP);
        assertThat(o.interval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(o.timeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(o.jitterPercent()).isEqualTo(10);
        assertThat(o.unhealthyThreshold()).isEqualTo(3);
        assertThat(o.healthyThreshold()).isEqualTo(2);
        assertThat(o.hostHeader()).isNull();
        assertThat(o.accepts(200)).isTrue();
        assertThat(o.accepts(204)).isFalse();
        assertThat(o.accepts(302)).isFalse();
        assertThat(o.accepts(199)).isFalse();
        assertThat(o.accepts(400)).isFalse();
        assertThat(o.accepts(503)).isFalse();
    }

    @Test
    void expectedStatusesReplaceTheDefault() {
        HealthCheckOptions o = HealthCheckOptions.http("/")
                .expectedStatuses(StatusRange.of(200), StatusRange.parse("204-206")).build();
        assertThat(o.accepts(200)).isTrue();
        assertThat(o.accepts(205)).isTrue();
        assertThat(o.accepts(201)).isFalse();
        assertThat(o.accepts(301)).isFalse();
        assertThat(o.toBuilder().build()).isEqualTo(o);
    }

    @Test
    void reportsEveryProblemAtOnce() {
        assertThatThrownBy(() -> HealthCheckOptions.http("healthz").interval(Duration.ZERO)
                .timeout(Duration.ofMillis(-1)).jitterPercent(101).unhealthyThreshold(0).healthyThreshold(0)
                .expectedStatuses(List.of()).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("http: \"healthz\" (expected: a path starting with /)")
                .hasMessageContaining("interval: 0 (expected: > 0)")
                .hasMessageContaining("timeout: -1ms (expected: > 0)")
                .hasMessageContaining("jitter: 101 (expected: 0..100)")
                .hasMessageContaining("unhealthy_threshold: 0 (expected: 1..100)")
                .hasMessageContaining("healthy_threshold: 0 (expected: 1..100)")
                .hasMessageContaining("expected_statuses: [] (expected: at least one range)");
    }

    @Test
    void aTimeoutLongerThanTheIntervalIsRefused() {
        assertThatThrownBy(() -> HealthCheckOptions.http("/h").interval(Duration.ofSeconds(1))
                .timeout(Duration.ofSeconds(2)).build())
                .hasMessage("timeout: 2s (expected: <= interval 1s)");
        assertThat(HealthCheckOptions.http("/h").interval(Duration.ofSeconds(1)).timeout(Duration.ofSeconds(1))
                .build().timeout()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void tcpChecksTakeNoPathOrHost() {
        assertThat(HealthCheckOptions.tcp().build().protocol()).isEqualTo(HealthCheckOptions.Protocol.TCP);
        assertThatThrownBy(() -> HealthCheckOptions.tcp().hostHeader("a").build())
                .hasMessageContaining("host: \"a\" (expected: absent for tcp checks)");
    }

    @Test
    void grpcChecksNameAServiceOrTheWholeServer() {
        HealthCheckOptions o = HealthCheckOptions.grpc("").hostHeader("orders").build();
        assertThat(o.protocol()).isEqualTo(HealthCheckOptions.Protocol.GRPC);
        assertThat(o.path()).isEmpty();
        assertThat(HealthCheckOptions.grpc("orders.Orders").build().path()).isEqualTo("orders.Orders");
        assertThatThrownBy(() -> HealthCheckOptions.grpc(null).build())
                .hasMessageContaining("grpc: null (expected: a service name, or \"\" for the whole server)");
    }

    @Test
    void statusRangesAndTargetsParse() {
        assertThat(StatusRange.parse("200-399")).isEqualTo(new StatusRange(200, 399));
        assertThat(StatusRange.parse("204").toString()).isEqualTo("204");
        assertThatThrownBy(() -> new StatusRange(300, 200)).hasMessage("to: 200 (expected: 300..599)");
        assertThatThrownBy(() -> StatusRange.parse("abc")).hasMessageContaining("expected: NNN or NNN-NNN");
        assertThat(HealthTarget.parse("10.0.0.5:8080")).isEqualTo(new HealthTarget("10.0.0.5", 8080));
        assertThat(HealthTarget.parse("[::1]:80").id()).isEqualTo("[::1]:80");
        assertThatThrownBy(() -> new HealthTarget("h", 0)).hasMessage("port: 0 (expected: 1..65535)");
        assertThatThrownBy(() -> HealthTarget.parse("nohost")).hasMessageContaining("expected: host:port");
    }
}
