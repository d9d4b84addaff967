package dev.gossamer.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gossamer.proxy.ClusterStatus;
import dev.gossamer.proxy.Protocol;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The endpoint state the dashboard shows, from the same facts the pickers are built from (a table). */
class DashboardStateTest {

    private static ClusterStatus.EndpointStatus ep(boolean eligible, boolean down) {
        return new ClusterStatus.EndpointStatus("10.0.0.1:80", "10.0.0.1:80", 1, eligible, down, down ? 900 : 0,
                0, 10, 0, 0, 0, 0, 1.0);
    }

    private static String state(boolean panic, ClusterStatus.EndpointStatus e, Set<String> ramping) {
        ClusterStatus c = new ClusterStatus("app", "round_robin", Protocol.HTTP1, 0, panic, List.of(e));
        return String.join(" | ", DashboardState.endpointState(c, e, null, ramping));
    }

    @Test
    void eachFactMapsToTheStateThePickerActsOn() {
        assertThat(state(false, ep(true, false), Set.of())).isEqualTo("healthy | in the picker");
        assertThat(state(false, ep(true, false), Set.of("10.0.0.1:80"))).startsWith("slow-starting | ");
        assertThat(state(false, ep(true, true), Set.of()))
                .isEqualTo("down | connect refused, but tried anyway: every usable endpoint is marked");
        ClusterStatus.EndpointStatus marked = ep(true, true);
        ClusterStatus two = new ClusterStatus("app", "round_robin", Protocol.HTTP1, 0, false,
                List.of(marked, new ClusterStatus.EndpointStatus("10.0.0.2:80", "10.0.0.2:80", 1, true, false, 0, 0, 0,
                        0, 0, 0, 0, 0)));
        assertThat(DashboardState.endpointState(two, marked, null, Set.of()))
                .containsExactly("down", "connect refused; skipped for 900 ms more");
        assertThat(state(false, ep(false, false), Set.of())).isEqualTo("down | fails the health filter");
        assertThat(state(true, ep(false, false), Set.of()))
                .isEqualTo("panic | fails the health filter, but used: too few endpoints pass (panic mode)");
        // panic decides over a refused-connect mark only for endpoints that fail the filter
        assertThat(state(true, ep(true, false), Set.of())).startsWith("healthy");
    }
}
