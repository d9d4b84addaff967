package dev.gossamer.health;

import java.util.SplittableRandom;

/** Seeds for randomized tests: {@code -Dgossamer.test.seed=N} replays a run; otherwise a fresh seed. */
final class TestSeeds {

    private TestSeeds() {
    }

    static long seed() {
        Long fixed = Long.getLong("gossamer.test.seed");
        return fixed != null ? fixed : new SplittableRandom().nextLong();
    }
}
