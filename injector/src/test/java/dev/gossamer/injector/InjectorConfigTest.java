package dev.gossamer.injector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gossamer.common.InvalidOptionsException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class InjectorConfigTest {

    @Test
    void anEmptyFileIsTheDefaults() {
        InjectorOptions o = InjectorOptions.from(InjectorConfig.parse("", "injector.yaml"));
        assertThat(o.image()).isEqualTo(InjectorOptions.DEFAULT_IMAGE).startsWith("gossamer:");
        assertThat(o.nativeSidecar()).isFalse();
        assertThat(o.voters()).isEmpty();
        assertThat(o.cpuLimit()).isEmpty();
        assertThat(o.maxReviewBytes()).isEqualTo(4L * 1024 * 1024);
    }

    @Test
    void theConfigHoldsOnlyWhatWasWritten() {
        InjectorConfig c = InjectorConfig.parse("image: r/g:1\nresources: {cpu_limit: 1}\n", "injector.yaml");
        assertThat(c.image()).contains("r/g:1");
        assertThat(c.cpuLimit()).contains("1");
        assertThat(c.memoryLimit()).isEmpty();
        assertThat(c.nativeSidecar()).isEqualTo(Optional.empty());
    }

    @Test
    void everyProblemOfTheFileIsReportedAtOnce() {
        assertThatThrownBy(() -> InjectorConfig.parse("imagee: x\nnative_sidecar: yes please\nvoters: [1]\n"
                + "resources: {cpu: 1}\n", "injector.yaml"))
                .isInstanceOf(InjectorConfig.InjectorConfigException.class)
                .satisfies(e -> assertThat(((InjectorConfig.InjectorConfigException) e).problems()).containsExactlyInAnyOrder(
                        "injector.yaml: imagee: unknown key (expected one of: admin_token_secret, gossip_key_secret, image, "
                                + "max_review_bytes, mesh_config_map, native_sidecar, resources, seeds, voters)",
                        "injector.yaml: native_sidecar: yes please (expected: true or false)",
                        "injector.yaml: voters[0]: 1 (expected: a string)",
                        "injector.yaml: resources.cpu: unknown key (expected one of: cpu_limit, cpu_request, "
                                + "memory_limit, memory_request)"));
        assertThatThrownBy(() -> InjectorConfig.parse("- a list", "injector.yaml"))
                .hasMessageContaining("expected a mapping");
        assertThatThrownBy(() -> InjectorConfig.parse("a: [", "injector.yaml"))
                .hasMessageStartingWith("injector.yaml: ");
    }

    @Test
    void theOptionsOwnTheRules() {
        assertThatThrownBy(() -> InjectorOptions.from(InjectorConfig.parse(
                "voters: [a@b:1, c@d:2]\nseeds: [nohost]\nresources: {memory_request: lots}\n"
                        + "mesh_config_map: Not_A_Name\nmax_review_bytes: 10\n", "injector.yaml")))
                .isInstanceOf(InvalidOptionsException.class)
                .satisfies(e -> assertThat(((InvalidOptionsException) e).problems().stream().map(Object::toString).toList())
                        .containsExactlyInAnyOrder(
                                "voters: 2 voters (expected: 0, 1, 3 or 5)",
                                "seeds[0]: 'nohost' (expected: host:port)",
                                "mesh_config_map: 'Not_A_Name' (expected: a DNS-1123 name)",
                                "resources.memory_request: 'lots' (expected: a Kubernetes quantity such as 100m, 1, 128Mi)",
                                "max_review_bytes: 10 (expected: 65536..67108864)"));
        assertThat(InjectorOptions.isQuantity("1.5Gi")).isTrue();
        assertThat(InjectorOptions.isQuantity("100m")).isTrue();
        assertThat(InjectorOptions.isQuantity("1e3")).isTrue();
        assertThat(InjectorOptions.isQuantity("Gi")).isFalse();
    }

    @Test
    void deploysInjectorYamlIsValid() throws Exception {
        Path root = KubeApi.repoRoot();
        InjectorOptions o = InjectorOptions.from(InjectorConfig.load(root.resolve("deploy/kubernetes/injector-config.yaml")));
        assertThat(o.voters()).hasSize(3);
        assertThat(o.seeds()).isEqualTo(List.of("gossamer-voters.gossamer-system.svc:7946"));
    }
}
