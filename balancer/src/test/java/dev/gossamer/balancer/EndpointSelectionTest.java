package dev.gossamer.balancer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EndpointSelectionTest {

    private final List<Endpoint> ten = TestSupport.endpoints(10);

    private static java.util.function.Predicate<Endpoint> firstK(List<Endpoint> all, int k) {
        Set<Endpoint> usable = Set.copyOf(all.subList(0, k));
        return usable::contains;
    }

    @Test
    void enoughUsableEndpointsMeansNoPanic() {
        EndpointSelection s = EndpointSelection.select(ten, firstK(ten, 6));
        assertThat(s.panic()).isFalse();
        assertThat(s.endpoints()).containsExactlyElementsOf(ten.subList(0, 6));
        assertThat(s.usableCount()).isEqualTo(6);
    }

    @Test
    void exactlyAtTheThresholdIsNotPanic() {
        EndpointSelection s = EndpointSelection.select(ten, firstK(ten, 5), 50);
        assertThat(s.panic()).isFalse();
        assertThat(s.endpoints()).hasSize(5);
    }

    @Test
    void belowTheThresholdUsesEveryEndpoint() {
        EndpointSelection s = EndpointSelection.select(ten, firstK(ten, 4));
        assertThat(s.panic()).isTrue();
        assertThat(s.endpoints()).containsExactlyElementsOf(ten);
        assertThat(s.usableCount()).isEqualTo(4);
        assertThat(EndpointSelection.select(ten, e -> false).endpoints()).containsExactlyElementsOf(ten);
    }

    @Test
    void thresholdZeroDisablesPanic() {
        EndpointSelection s = EndpointSelection.select(ten, e -> false, 0);
        assertThat(s.panic()).isFalse();
        assertThat(s.endpoints()).isEmpty();
    }

    @Test
    void thresholdHundredPanicsUnlessAllAreUsable() {
        assertThat(EndpointSelection.select(ten, firstK(ten, 9), 100).panic()).isTrue();
        assertThat(EndpointSelection.select(ten, firstK(ten, 10), 100).panic()).isFalse();
    }

    @Test
    void emptyClusterIsNotPanic() {
        EndpointSelection s = EndpointSelection.select(List.of(), e -> true);
        assertThat(s.panic()).isFalse();
        assertThat(s.endpoints()).isEmpty();
    }

    @Test
    void thresholdIsValidated() {
        assertThatThrownBy(() -> EndpointSelection.select(ten, e -> true, 101))
                .hasMessage("panicThresholdPercent: 101 (expected: 0..100)");
    }
}
