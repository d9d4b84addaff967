package dev.gossamer.balancer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SlowStartTest {

    private final SlowStart slowStart = new SlowStart(Duration.ofSeconds(60), 10);

    @Test
    void rampsLinearlyFromTheFloorToFullWeight() {
        assertThat(slowStart.weight(100, Duration.ZERO)).isEqualTo(10);
        assertThat(slowStart.weight(100, Duration.ofSeconds(3))).isEqualTo(10);
        assertThat(slowStart.weight(100, Duration.ofSeconds(6))).isEqualTo(10);
        assertThat(slowStart.weight(100, Duration.ofSeconds(9))).isEqualTo(15);
        assertThat(slowStart.weight(100, Duration.ofSeconds(30))).isEqualTo(50);
        assertThat(slowStart.weight(100, Duration.ofSeconds(45))).isEqualTo(75);
        assertThat(slowStart.weight(100, Duration.ofSeconds(60))).isEqualTo(100);
        assertThat(slowStart.weight(100, Duration.ofHours(1))).isEqualTo(100);
    }

    @Test
    void weightIsMonotoneAndNeverBelowOne() {
        int previous = 0;
        for (int ms = 0; ms <= 61_000; ms += 250) {
            int w = slowStart.weight(7, Duration.ofMillis(ms));
            assertThat(w).isBetween(1, 7).isGreaterThanOrEqualTo(previous);
            previous = w;
        }
        assertThat(previous).isEqualTo(7);
        assertThat(slowStart.weight(1, Duration.ZERO)).isEqualTo(1);
    }

    @Test
    void negativeAgeCountsAsZeroAndZeroWindowMeansNoRamp() {
        assertThat(slowStart.weight(100, Duration.ofSeconds(-5))).isEqualTo(10);
        assertThat(SlowStart.weight(100, Duration.ZERO, Duration.ZERO, 10)).isEqualTo(100);
    }

    @Test
    void appliesToEndpointsAndReportsRamping() {
        Endpoint e = Endpoint.of("10.0.0.1", 80, 40);
        assertThat(slowStart.apply(e, Duration.ofSeconds(30)).weight()).isEqualTo(20);
        assertThat(slowStart.apply(e, Duration.ofSeconds(90))).isSameAs(e);
        assertThat(slowStart.ramping(Duration.ofSeconds(59))).isTrue();
        assertThat(slowStart.ramping(Duration.ofSeconds(60))).isFalse();
        assertThat(SlowStart.of(Duration.ofSeconds(30)).minWeightPercent()).isEqualTo(10);
    }

    @Test
    void argumentsAreValidated() {
        assertThatThrownBy(() -> new SlowStart(Duration.ofSeconds(-1), 0))
                .hasMessage("window: -1s (expected: >= 0); min_weight_percent: 0 (expected: 1..100)");
    }
}
