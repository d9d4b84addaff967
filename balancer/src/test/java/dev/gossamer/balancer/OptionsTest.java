package dev.gossamer.balancer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OptionsTest {

    @Test
    void maglevTableSizeMustBePrime() {
        assertThatThrownBy(() -> MaglevOptions.defaults().withTableSize(65536))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("table_size: 65536 (expected: a prime in 3..5000011, like 65537 or 131071)");
        assertThat(MaglevOptions.defaults().tableSize()).isEqualTo(65537);
        assertThat(MaglevOptions.defaults().withTableSize(4099).tableSize()).isEqualTo(4099);
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        assertThatThrownBy(() -> new MaglevOptions(1, 0.5))
                .hasMessage("table_size: 1 (expected: a prime in 3..5000011, like 65537 or 131071); "
                        + "bounded_load: 0.5 (expected: 0 (off) or > 1.0 and <= 100, like 1.25)");
        assertThatThrownBy(() -> new RingHashOptions(0, -1, 0, Double.NaN))
                .hasMessage("min_ring_size: 0 (expected: 1..8388608); max_ring_size: -1 (expected: 0..8388608); "
                        + "points_per_endpoint: 0 (expected: 1..8388608); "
                        + "bounded_load: NaN (expected: 0 (off) or > 1.0 and <= 100, like 1.25)");
        assertThatThrownBy(() -> new LeastRequestOptions(1, -1.0))
                .hasMessage("choice_count: 1 (expected: 2..100); active_request_bias: -1.0 (expected: 0.0..100.0)");
    }

    @Test
    void boundedLoadMustExceedOne() {
        assertThatThrownBy(() -> RingHashOptions.defaults().withBoundedLoad(1.0))
                .hasMessage("bounded_load: 1.0 (expected: 0 (off) or > 1.0 and <= 100, like 1.25)");
        assertThat(RingHashOptions.defaults().withBoundedLoad(1.25).boundedLoad()).isTrue();
        assertThat(RingHashOptions.defaults().boundedLoad()).isFalse();
        assertThat(MaglevOptions.defaults().withBoundedLoad(2).boundedLoad()).isTrue();
    }

    @Test
    void ringSizeLimitsAreOrdered() {
        assertThatThrownBy(() -> RingHashOptions.defaults().withRingSize(4096, 1024))
                .hasMessage("max_ring_size: 1024 (expected: 4096..8388608)");
    }

    @Test
    void leastRequestDefaultsAreEnvoys() {
        assertThat(LeastRequestOptions.defaults()).isEqualTo(new LeastRequestOptions(2, 1.0));
    }
}
