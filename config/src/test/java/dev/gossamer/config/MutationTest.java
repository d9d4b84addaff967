package dev.gossamer.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.gossamer.common.RandomSource;
import dev.gossamer.common.testing.Seeds;
import dev.gossamer.config.testing.Mutations;

/**
 * Property: random mutations of the valid examples never make the loader or the validator throw; they always
 * give a result, and every problem is well formed and points inside the document.
 */
class MutationTest {

    private static final int CASES_PER_EXAMPLE = 1000;
    private static final Pattern PROBLEM = Pattern.compile("[^\\n]+:\\d+:\\d+: [^\\n]+: [^\\n]+");

    @Test
    void mutatedExamplesAlwaysGiveAResult() throws IOException {
        long seed = Seeds.seed(20261123L);
        RandomSource random = RandomSource.seeded(seed);
        ConfigLoader loader = new ConfigLoader(Map.of("HOSTNAME", "h")::get);
        ConfigValidator validator = new ConfigValidator(loader);
        for (String name : List.of("sidecar.yaml", "mesh.yaml")) {
            String original = Files.readString(Path.of("..", "examples", name));
            int valid = 0;
            for (int i = 0; i < CASES_PER_EXAMPLE; i++) {
                String mutated = Mutations.mutate(original, random, 1 + random.nextInt(3));
                String description = Seeds.describe(seed, "case " + i + " of " + name + ":\n" + mutated);
                ConfigResult<?> result;
                try {
                    result = name.startsWith("sidecar") ? loader.loadSidecar(name, mutated)
                            : loader.loadMesh(name, mutated);
                    validator.validate(name, mutated);
                } catch (RuntimeException | StackOverflowError e) {
                    throw new AssertionError("threw for " + description, e);
                }
                int lines = (int) mutated.chars().filter(c -> c == '\n').count() + 2;
                for (ConfigProblem p : result.problems()) {
                    assertThat(p.toString()).as(description).matches(PROBLEM);
                    assertThat(p.line()).as(description).isBetween(1, lines);
                }
                assertThat(result.isOk() || !result.problems().isEmpty()).as(description).isTrue();
                valid += result.isOk() ? 1 : 0;
            }
            // Mutations that keep a document valid exist (e.g. deleting an optional line), but most break it.
            assertThat(valid).as(Seeds.describe(seed, "valid mutants of " + name)).isLessThan(CASES_PER_EXAMPLE);
        }
    }
}
