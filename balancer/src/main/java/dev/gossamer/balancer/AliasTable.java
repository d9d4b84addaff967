package dev.gossamer.balancer;

import dev.gossamer.common.RandomSource;

/**
 * Vose's alias method: O(n) build, O(1) weighted draw with one uniform double. Immutable and thread-safe.
 *
 * <p>Column {@code i} keeps itself with probability {@code prob[i]} and hands the rest to {@code alias[i]}.
 * With equal weights the table is skipped and a draw is one {@code nextInt(n)}.
 */
final class AliasTable {

    private final int n;
    private final boolean uniform;
    private final double[] prob;
    private final int[] alias;

    AliasTable(Endpoint[] endpoints) {
        this.n = endpoints.length;
        this.uniform = n == 0 || Pickers.equalWeights(endpoints);
        if (uniform) {
            prob = null;
            alias = null;
            return;
        }
        prob = new double[n];
        alias = new int[n];
        double total = Pickers.totalWeight(endpoints);
        double[] scaled = new double[n];
        int[] small = new int[n];
        int[] large = new int[n];
        int smallCount = 0;
        int largeCount = 0;
        for (int i = 0; i < n; i++) {
            scaled[i] = endpoints[i].weight() * n / total;
            if (scaled[i] < 1.0) {
                small[smallCount++] = i;
            } else {
                large[largeCount++] = i;
            }
        }
        while (smallCount > 0 && largeCount > 0) {
            int s = small[--smallCount];
            int l = large[--largeCount];
            prob[s] = scaled[s];
            alias[s] = l;
            scaled[l] = (scaled[l] + scaled[s]) - 1.0;
            if (scaled[l] < 1.0) {
                small[smallCount++] = l;
            } else {
                large[largeCount++] = l;
            }
        }
        // Whatever is left is 1 up to rounding error (Vose's numerically stable variant).
        while (largeCount > 0) {
            int l = large[--largeCount];
            prob[l] = 1.0;
            alias[l] = l;
        }
        while (smallCount > 0) {
            int s = small[--smallCount];
            prob[s] = 1.0;
            alias[s] = s;
        }
    }

    /** A weighted random index in {@code [0, n)}; {@code n > 0}. */
    int draw(RandomSource random) {
        if (uniform) {
            return random.nextInt(n);
        }
        double u = random.nextDouble() * n;
        int column = (int) u;
        if (column >= n) {
            column = n - 1;
        }
        return u - column < prob[column] ? column : alias[column];
    }
}
