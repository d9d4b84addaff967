package dev.gossamer.balancer;

import static dev.gossamer.balancer.TestSupport.weighted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class MaglevTest {

    @Test
    void workedExampleFromTheJavadoc() {
        // a: offset 3, skip 4; b: offset 0, skip 2; table size 7.
        int[] table = MaglevPicker.build(new long[] {3, 0}, new long[] {4, 2}, new long[] {1, 1}, 7);
        assertThat(table).containsExactly(1, 0, 1, 0, 0, 0, 1);
    }

    @Test
    void equalWeightsGetAlmostEqualSlots() {
        MaglevPicker picker = (MaglevPicker) BalancingPolicy.maglev(MaglevOptions.defaults())
                .newPicker(TestSupport.endpoints(100));
        int[] slots = picker.slotCounts();
        int min = Arrays.stream(slots).min().orElseThrow();
        int max = Arrays.stream(slots).max().orElseThrow();
        // Round-robin claiming: every endpoint gets floor or ceil of 65537 / 100.
        assertThat(min).isEqualTo(655);
        assertThat(max).isEqualTo(656);
    }

    @Test
    void weightedSlotsAreProportional() {
        int[] weights = {1, 2, 5, 10, 100};
        MaglevPicker picker = (MaglevPicker) BalancingPolicy.maglev(MaglevOptions.defaults())
                .newPicker(weighted(weights));
        int[] slots = picker.slotCounts();
        // slotCounts is in id order; ids 10.0.0.1..5 sort like the list here.
        for (int i = 0; i < weights.length; i++) {
            double expected = 65537.0 * weights[i] / 118;
            assertThat(slots[i] / expected).as("endpoint %d: %d slots", i, slots[i]).isBetween(0.99, 1.01);
        }
    }

    @Test
    void moreEndpointsThanSlotsIsRejected() {
        BalancingPolicy policy = BalancingPolicy.maglev(MaglevOptions.defaults().withTableSize(7));
        List<Endpoint> eight = TestSupport.endpoints(8);
        assertThatThrownBy(() -> policy.newPicker(eight)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("endpoints: 8 (expected: <= tableSize 7)");
    }
}
