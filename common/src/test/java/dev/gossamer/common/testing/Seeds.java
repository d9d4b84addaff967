package dev.gossamer.common.testing;

/**
 * The one seed convention of every seeded test (simulations, fuzzers, property tests): a fixed default per test,
 * so CI is repeatable, and one system property, {@value #PROPERTY}, to explore others
 * ({@code mvn verify -Dgossamer.seed=42}). A test names its seed in every assertion message
 * ({@link #describe}), so a failure can be replayed.
 */
public final class Seeds {

    /** The property that overrides every seeded test's default seed. */
    public static final String PROPERTY = "gossamer.seed";

    private Seeds() {
    }

    /** The seed to use: the {@value #PROPERTY} property when set, else {@code fixedDefault}. */
    public static long seed(long fixedDefault) {
        String v = System.getProperty(PROPERTY);
        if (v == null || v.isBlank()) {
            return fixedDefault;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(PROPERTY + ": " + v + " (expected: a long)", e);
        }
    }

    /** {@code "seed N (rerun with -Dgossamer.seed=N): what"}, for assertion messages. */
    public static String describe(long seed, String what) {
        return "seed " + seed + " (rerun with -D" + PROPERTY + "=" + seed + "): " + what;
    }
}
