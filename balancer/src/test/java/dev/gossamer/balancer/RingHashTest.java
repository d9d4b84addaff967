package dev.gossamer.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class RingHashTest {

    @Test
    void pointsScaleWithEndpointsWithinTheLimits() {
        RingHashOptions defaults = RingHashOptions.defaults();
        Endpoint[] ten = Pickers.sortedById(TestSupport.endpoints(10));
        assertThat(RingHashPicker.pointCounts(ten, defaults)).containsOnly(4096);
        Endpoint[] thousand = Pickers.sortedById(TestSupport.endpoints(1000));
        // 4,096,000 wanted, capped at 2^21 = 2,097,152: 2097 each.
        assertThat(RingHashPicker.pointCounts(thousand, defaults)).containsOnly(2097);
        // The minimum ring size lifts tiny rings: 2 endpoints with 100 points each would be 200 < 1024.
        Endpoint[] two = Pickers.sortedById(TestSupport.endpoints(2));
        assertThat(RingHashPicker.pointCounts(two, defaults.withPointsPerEndpoint(100))).containsOnly(512);
    }

    @Test
    void pointsAreProportionalToWeightAndAtLeastOne() {
        Endpoint[] sorted = Pickers.sortedById(TestSupport.weighted(1, 2, 3, 1_000_000));
        int[] points = RingHashPicker.pointCounts(sorted, RingHashOptions.defaults());
        assertThat(points[3]).isGreaterThan(16_000);
        assertThat(points[0]).isEqualTo(1);
        assertThat(Arrays.stream(points).sum()).isLessThanOrEqualTo(16_384 + 4);
    }

    @Test
    void keysOnAPointAndPastTheLastPointWrapCorrectly() {
        RingHashPicker picker = (RingHashPicker) BalancingPolicy.ringHash(RingHashOptions.defaults())
                .newPicker(TestSupport.endpoints(3));
        // Long.MAX_VALUE is past every point: it wraps to position 0; Long.MIN_VALUE is before every point.
        assertThat(picker.position(Long.MAX_VALUE)).isZero();
        assertThat(picker.position(Long.MIN_VALUE)).isZero();
        // Brute force against a linear scan for many keys.
        for (long key : TestSupport.keys(2_000, 3)) {
            int position = picker.position(key);
            int expected = linearPosition(picker, key);
            assertThat(position).as("key %d", key).isEqualTo(expected);
        }
    }

    @Test
    void pointsAreTheHashesOfIdUnderscoreIndex() {
        List<Endpoint> one = List.of(Endpoint.of("10.0.0.1", 8080));
        RingHashPicker picker = (RingHashPicker) BalancingPolicy.ringHash(RingHashOptions.defaults()).newPicker(one);
        java.util.Set<Long> expected = new java.util.HashSet<>();
        for (int j = 0; j < picker.length(); j++) {
            expected.add(HashKeys.hash("10.0.0.1:8080_" + j) & ~1L);
        }
        java.util.Set<Long> actual = new java.util.HashSet<>();
        for (int p = 0; p < picker.length(); p++) {
            actual.add(picker.entry(p) & ~1L);
        }
        assertThat(picker.length()).isEqualTo(4096);
        assertThat(actual).isEqualTo(expected);
    }

    private static int linearPosition(RingHashPicker picker, long key) {
        int n = picker.length();
        for (int i = 0; i < n; i++) {
            // Owner bits are the low 2 bits for 3 endpoints.
            if (picker.entry(i) >= (key & ~3L)) {
                return i;
            }
        }
        return 0;
    }
}
