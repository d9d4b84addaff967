package dev.gossamer.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gossamer.common.RandomSource;
import dev.gossamer.common.testing.Seeds;
import dev.gossamer.config.ConfigLoader;
import dev.gossamer.config.ConfigProblem;
import dev.gossamer.config.ConfigValidator;
import dev.gossamer.config.testing.Mutations;
import dev.gossamer.proxy.RoutingTable;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What validates is what runs, as a property: random mutations of the shipped mesh example are validated the way
 * {@code gossamer validate} does, then hot-reloaded into a running sidecar. The two verdicts must be the same
 * problems; an accepted mutant must apply (version + 1, phase two never throws); a refused one must change nothing
 * (same version, same routing table object, same last applied text).
 */
class NoDriftTest {

    private static final int CASES = 300;

    @TempDir
    Path dir;

    private Vertx vertx;
    private Sidecar sidecar;

    @BeforeEach
    void setUp() {
        vertx = Vertx.vertx();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (sidecar != null) {
            Futures.await(sidecar.shutdown());
        }
        Futures.await(vertx.close());
    }

    @Test
    void everyMutantIsRefusedBothWaysOrAcceptedAndApplied() throws Exception {
        long seed = Seeds.seed(20261206L);
        RandomSource random = RandomSource.seeded(seed);
        String original = Files.readString(Path.of("..", "examples", "mesh.yaml"));
        sidecar = SingleNode.start(vertx, dir, "drift", "0s", original);
        Path meshFile = dir.resolve("mesh.yaml");
        ConfigValidator validator = new ConfigValidator(new ConfigLoader(Map.<String, String>of()::get),
                Plans.RULES);
        int applied = 0;
        int refused = 0;
        for (int i = 0; i < CASES; i++) {
            String mutant = Mutations.mutate(original, random, 1 + random.nextInt(3));
            String what = Seeds.describe(seed, "case " + i + ":\n" + mutant);
            List<ConfigProblem> validated = validator.validateMesh(meshFile.toString(), mutant,
                    sidecar.config().listenerNames()).problems();

            MeshConfigState before = sidecar.meshState();
            RoutingTable tableBefore = sidecar.dataPlane().routingTable();
            Files.writeString(meshFile, mutant);
            List<ConfigProblem> reloaded = Futures.await(sidecar.reload());

            assertThat(reloaded).as(what).isEqualTo(validated);
            MeshConfigState after = sidecar.meshState();
            if (validated.isEmpty()) {
                if (!after.yaml().equals(before.yaml())) {
                    assertThat(after.version()).as(what).isEqualTo(before.version() + 1);
                    applied++;
                }
                assertThat(after.yaml()).as(what).isEqualTo(mutant);
                assertThat(after.lastError()).as(what).isEmpty();
            } else {
                refused++;
                assertThat(after.version()).as(what).isEqualTo(before.version());
                assertThat(after.yaml()).as(what).isEqualTo(before.yaml());
                assertThat(sidecar.dataPlane().routingTable()).as(what).isSameAs(tableBefore);
                assertThat(after.lastError()).as(what).isEqualTo(validated);
            }
        }
        // Both branches must really be exercised, or the property proves nothing.
        assertThat(applied).as(Seeds.describe(seed, "accepted and applied mutants")).isGreaterThan(10);
        assertThat(refused).as(Seeds.describe(seed, "refused mutants")).isGreaterThan(10);
    }

    @Test
    void everySidecarDocumentTheValidatorAcceptsBuildsItsPlan() throws Exception {
        long seed = Seeds.seed(20261207L);
        RandomSource random = RandomSource.seeded(seed);
        String original = Files.readString(Path.of("..", "examples", "sidecar.yaml"));
        ConfigLoader loader = new ConfigLoader(Map.of("HOSTNAME", "h", "POD_IP", "10.1.2.3", "GOSSIP_KEY",
                "MDEyMzQ1Njc4OWFiY2RlZg==")::get);
        ConfigValidator validator = new ConfigValidator(loader, Plans.RULES);
        // Beside the example's mesh file, so a mutant's mesh_config resolves as it does in examples/.
        Files.copy(Path.of("..", "examples", "mesh.yaml"), dir.resolve("mesh.yaml"));
        Path file = dir.resolve("sidecar.yaml");
        int accepted = 0;
        for (int i = 0; i < CASES; i++) {
            String mutant = Mutations.mutate(original, random, 1 + random.nextInt(3));
            String what = Seeds.describe(seed, "case " + i + ":\n" + mutant);
            Files.writeString(file, mutant);
            dev.gossamer.config.ValidationResult r;
            try {
                r = validator.validate(file);
            } catch (RuntimeException e) {
                throw new AssertionError("the validator threw for " + what, e);
            }
            if (r.isOk() && r.sidecar().isPresent()) {
                accepted++;
                var built = Plans.node(r.sidecar().get(), r.sidecarSource());
                assertThat(built.problems()).as(what).isEmpty();
            }
        }
        assertThat(accepted).as(Seeds.describe(seed, "accepted mutants")).isGreaterThan(10);
    }
}
