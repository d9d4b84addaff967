package dev.gossamer.balancer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OptionsTest {

    @Test
    void maglevTableSizeMustBePrime() {
        assertThatThrownBy(() -> MaglevOptions.defaults().withTableSize(65536))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tableSize: 65536 (expected: a prime in 3..5000011)");
        assertThat(MaglevOptions.defaults().tableSize()).isEqualTo(65537);
        assertThat(MaglevOptions.defaults().withTableSize(4099).tableSize()).isEqualTo(4099);
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        assertThatThrownBy(() -> new MaglevOptions(1, 0.5))
                .hasMessage("tableSize: 1 (expected: a prime in 3..5000011); "
                        + "boundedLoadFactor: 0.5 (expected: 0 (off) or > 1.0)");
        assertThatThrownBy(() -> new RingHashOptions(0, -1, 0, Double.NaN))
                .hasMessage("minRingSize: 0 (expected: 1..8388608); maxRingSize: -1 (expected: 0..8388608); "
                        + "pointsPerEndpoint: 0 (expected: 1..8388608); "
                        + "boundedLoadFactor: NaN (expected: 0 (off) or > 1.0)");
        assertThatThrownBy(() -> new LeastRequestOptions(1, -1.0))
                .hasMessage("choiceCount: 1 (expected: 2..100); activeRequestBias: -1.0 (expected: 0.0..100.0)");
    }

    @Test
    void boundedLoadMustExceedOne() {
        assertThatThrownBy(() -> RingHashOptions.defaults().withBoundedLoad(1.0))
                .hasMessage("boundedLoadFactor: 1.0 (expected: 0 (off) or > 1.0)");
        assertThat(RingHashOptions.defaults().withBoundedLoad(1.25).boundedLoad()).isTrue();
        assertThat(RingHashOptions.defaults().boundedLoad()).isFalse();
        assertThat(MaglevOptions.defaults().withBoundedLoad(2).boundedLoad()).isTrue();
    }

    @Test
    void ringSizeLimitsAreOrdered() {
        assertThatThrownBy(() -> RingHashOptions.defaults().withRingSize(4096, 1024))
                .hasMessage("maxRingSize: 1024 (expected: 4096..8388608)");
    }

    @Test
    void leastRequestDefaultsAreEnvoys() {
        assertThat(LeastRequestOptions.defaults()).isEqualTo(new LeastRequestOptions(2, 1.0));
    }
}
