package dev.gossamer.balancer;

import static dev.gossamer.balancer.TestSupport.weighted;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gossamer.common.RandomSource;
import dev.gossamer.common.testing.Seeds;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RandomPolicyTest {

    /** Chi-square critical values at p = 0.001 for 1..30 degrees of freedom (standard tables). */
    private static final double[] TABLE = {
        10.828, 13.816, 16.266, 18.467, 20.515, 22.458, 24.322, 26.124, 27.877, 29.588,
        31.264, 32.909, 34.528, 36.123, 37.697, 39.252, 40.790, 42.312, 43.820, 45.315,
        46.797, 48.268, 49.728, 51.179, 52.620, 54.052, 55.476, 56.892, 58.301, 59.703,
    };

    /** Upper critical value of chi-square at p = 0.001: the table up to 30 df, Wilson–Hilferty beyond. */
    static double chiSquareCritical(int df) {
        return df <= TABLE.length ? TABLE[df - 1] : wilsonHilferty(df);
    }

    static double wilsonHilferty(int df) {
        double z = 3.090232306167813; // standard normal quantile at 0.999
        double a = 2.0 / (9.0 * df);
        return df * Math.pow(1 - a + z * Math.sqrt(a), 3);
    }

    /** Pearson's statistic of {@code observed} against expectation in proportion to {@code weights}. */
    static double chiSquare(long[] observed, int[] weights) {
        long total = Arrays.stream(observed).sum();
        double weightSum = Arrays.stream(weights).sum();
        double statistic = 0;
        for (int i = 0; i < observed.length; i++) {
            double expected = total * weights[i] / weightSum;
            statistic += (observed[i] - expected) * (observed[i] - expected) / expected;
        }
        return statistic;
    }

    @Test
    void wilsonHilfertyIsCloseToTabulatedValuesWhereItIsUsed() {
        assertThat(wilsonHilferty(30)).isCloseTo(59.703, org.assertj.core.data.Offset.offset(0.15));
        assertThat(wilsonHilferty(99)).isCloseTo(148.230, org.assertj.core.data.Offset.offset(0.15));
        assertThat(wilsonHilferty(100)).isCloseTo(149.449, org.assertj.core.data.Offset.offset(0.15));
    }

    @Test
    void weightedDrawsPassChiSquareAtOneInAThousand() {
        int[][] weightSets = {
            {1, 1},
            {5, 1, 1},
            {1, 2, 3, 4, 5, 6, 7, 8, 9, 10},
            {1000, 1, 1, 1, 1, 1, 1, 1, 1, 1},
            {7, 7, 7, 7, 7, 7, 7},
            {1, 1_000_000, 3, 500_000},
        };
        long base = Seeds.seed(8_675_309);
        long seed = base;
        for (int[] weights : weightSets) {
            Picker picker = BalancingPolicy.random(RandomSource.seeded(seed)).newPicker(weighted(weights));
            int draws = 200_000;
            long[] observed = new long[weights.length];
            for (int i = 0; i < draws; i++) {
                observed[picker.endpoints().indexOf(picker.pick(PickContext.empty()).endpoint())]++;
            }
            double statistic = chiSquare(observed, weights);
            assertThat(statistic).as(Seeds.describe(base, "picker seeded %d weights %s observed %s"), seed,
                    Arrays.toString(weights), Arrays.toString(observed))
                    .isLessThan(chiSquareCritical(weights.length - 1));
            seed++;
        }
    }

    @Test
    void randomWeightSetsPassChiSquare() {
        long master = Seeds.seed(424242);
        RandomSource seeds = RandomSource.seeded(master);
        int failures = 0;
        StringBuilder failed = new StringBuilder();
        int sets = 40;
        for (int round = 0; round < sets; round++) {
            long seed = seeds.nextLong();
            RandomSource random = RandomSource.seeded(seed);
            int n = 2 + random.nextInt(100);
            int[] weights = new int[n];
            for (int i = 0; i < n; i++) {
                weights[i] = 1 + random.nextInt(100);
            }
            Picker picker = BalancingPolicy.random(RandomSource.seeded(seed)).newPicker(weighted(weights));
            long[] observed = new long[n];
            for (int i = 0; i < 100_000; i++) {
                observed[picker.endpoints().indexOf(picker.pick(PickContext.empty()).endpoint())]++;
            }
            if (chiSquare(observed, weights) >= chiSquareCritical(n - 1)) {
                failures++;
                failed.append(seed).append(' ');
            }
        }
        // Each set fails with probability 0.001 when correct: one failure in 40 would already be a 4 % event.
        assertThat(failures).as(Seeds.describe(master, "sets whose seeds failed: %s"), failed).isZero();
    }

    @Test
    void aBiasedSamplerIsCaught() {
        // The test must be able to fail: weights 5,1,1 sampled as if they were 6,1,1 fail the statistic.
        long seed = Seeds.seed(1);
        Picker picker = BalancingPolicy.random(RandomSource.seeded(seed)).newPicker(weighted(6, 1, 1));
        long[] observed = new long[3];
        for (int i = 0; i < 100_000; i++) {
            observed[picker.endpoints().indexOf(picker.pick(PickContext.empty()).endpoint())]++;
        }
        assertThat(chiSquare(observed, new int[] {5, 1, 1})).as(Seeds.describe(seed, "6,1,1 tested as 5,1,1"))
                .isGreaterThan(chiSquareCritical(2));
    }

    @Test
    void retryAvoidsExcluded() {
        List<Endpoint> list = weighted(100, 1, 1);
        Picker picker = BalancingPolicy.random(RandomSource.seeded(11)).newPicker(list);
        PickContext retry = PickContext.empty().excluding(Set.of(list.get(0)));
        int[] counts = new int[3];
        for (int i = 0; i < 10_000; i++) {
            Endpoint e = picker.pick(retry).endpoint();
            counts[list.indexOf(e)]++;
        }
        assertThat(counts[0]).isZero();
        assertThat(counts[1]).isPositive();
        assertThat(counts[2]).isPositive();
        PickContext onlyOne = PickContext.empty().excluding(Set.of(list.get(0), list.get(1)));
        for (int i = 0; i < 1000; i++) {
            assertThat(picker.pick(onlyOne).endpoint()).isEqualTo(list.get(2));
        }
    }
}
