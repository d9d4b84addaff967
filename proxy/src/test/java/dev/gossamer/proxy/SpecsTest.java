package dev.gossamer.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gossamer.balancer.Endpoint;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SpecsTest {

    @Test
    void optionsValidateEveryArgumentAtOnce() {
        assertThatThrownBy(() -> DataPlaneOptions.builder().acceptorInstances(0).maxHeaderSize(10)
                .replayBufferBytes(-1).drainTimeout(Duration.ofSeconds(-1)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("acceptorInstances: 0 (expected: 1..256)")
                .hasMessageContaining("maxHeaderSize: 10 (expected: >= 1024)")
                .hasMessageContaining("replayBufferBytes: -1 (expected: >= 0)")
                .hasMessageContaining("drainTimeout: PT-1S (expected: >= 0)");
        assertThatThrownBy(() -> DataPlaneOptions.builder().deadEndpointBackoff(Duration.ofSeconds(2),
                Duration.ofSeconds(1)).build()).hasMessageContaining("deadEndpointMaxBackoff");
        DataPlaneOptions d = DataPlaneOptions.defaults();
        assertThat(d.maxHeaderSize()).isEqualTo(8192);
        assertThat(d.replayBufferBytes()).isEqualTo(65536);
        assertThat(d.perEndpointMetrics()).isFalse();
        assertThat(d.toBuilder().build()).isEqualTo(d);
    }

    @Test
    void specsValidate() {
        assertThatThrownBy(() -> new ListenerSpec("l", "0.0.0.0", 70000)).hasMessage("port: 70000 (expected: 0..65535)");
        assertThatThrownBy(() -> RetrySpec.of(0)).hasMessage("attempts: -1 (expected: 0..10 retries after the first try)");
        assertThatThrownBy(() -> RetrySpec.DEFAULT.withBudget(101, 3))
                .hasMessage("budget_percent: 101 (expected: 0..100)");
        assertThatThrownBy(() -> RouteSpec.of("r", "in", RouteMatch.ANY, "c").withTimeout(Duration.ofMillis(-1)))
                .hasMessage("timeout: -1ms (expected: >= 0)");
        assertThatThrownBy(() -> ClusterSpec.of("c", List.of(Endpoint.of("h", 1), Endpoint.of("h", 1)),
                new TestRoundRobin())).hasMessageContaining("duplicate id h:1");
        assertThatThrownBy(() -> ClusterSpec.of("c", List.of(), new TestRoundRobin())
                .withConnectTimeout(Duration.ZERO)).hasMessage("connect_timeout: 0 (expected: > 0)");
        assertThatThrownBy(() -> new HashOn(HashOn.Kind.HEADER, "")).hasMessageContaining("non-empty");
        assertThat(RetrySpec.DEFAULT.retryOn()).containsExactlyInAnyOrder(RetryOn.CONNECT_FAILURE, RetryOn.RESET);
        assertThat(RetrySpec.DEFAULT.budgetPercent()).isEqualTo(20);
        assertThat(RetrySpec.DEFAULT.minRetryConcurrency()).isEqualTo(3);
        assertThat(new RouteMatch(null, null, null, null, List.of(), Set.of("get")).methods()).containsExactly("GET");
    }

    @Test
    void hopByHopHeadersAreRecognised() {
        MultiMap src = HttpHeaders.headers().add("Connection", "close, X-A ,x-b").add("x-a", "1").add("X-B", "2")
                .add("x-c", "3").add("Transfer-Encoding", "chunked").add("Upgrade", "h2c").add("TE", "gzip")
                .add("Host", "h").add("Expect", "100-continue");
        MultiMap dst = HttpHeaders.headers();
        Headers.copyEndToEnd(src, dst, true);
        assertThat(dst.names()).containsExactly("x-c");
        MultiMap dst2 = HttpHeaders.headers();
        Headers.copyEndToEnd(HttpHeaders.headers().add("te", " Trailers "), dst2, true);
        assertThat(dst2.get("te")).isEqualTo("trailers");
        assertThat(Headers.listed("a, b,c", "B")).isTrue();
        assertThat(Headers.listed("ab", "a")).isFalse();
    }

    @Test
    void hashKeyIsTheBalancersHash() {
        assertThat(DataPlane.hashKey("user-1")).isEqualTo(dev.gossamer.balancer.HashKeys.hash("user-1"));
        assertThat(DataPlane.hashKey("user-1")).isEqualTo(DataPlane.hashKey("user-1"))
                .isNotEqualTo(DataPlane.hashKey("user-2"));
    }
}
