package dev.gossamer.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class RateWindowTest {

    private static final long S = 1_000_000_000L;
    private static final double INF = Double.POSITIVE_INFINITY;

    @Test
    void rateComparesTheNewestSampleWithOneAboutAWindowOlder() {
        RateWindow w = new RateWindow();
        w.record("orders", 0, 100);
        assertThat(w.delta("orders")).isNull();
        w.record("orders", 5 * S, 160);
        long[] d = w.delta("orders");
        assertThat(RateWindow.perSecond(d[0], d[1])).isEqualTo(12.0);
        // later samples slide the window: 10 s in, only the last 5 s count
        w.record("orders", 8 * S, 160);
        w.record("orders", 10 * S, 170);
        d = w.delta("orders");
        assertThat(d[1]).isEqualTo(5 * S);
        assertThat(RateWindow.perSecond(d[0], d[1])).isEqualTo(2.0);
    }

    @Test
    void seriesNotSampledAnyMoreAreForgotten() {
        RateWindow w = new RateWindow();
        w.record("a", 0, 1);
        w.record("b", 0, 1);
        w.record("a", S, 2);
        w.retainRecent();
        assertThat(w.delta("a")).isNotNull();
        w.record("b", 2 * S, 3);
        assertThat(w.delta("b")).isNull(); // its old sample went with it
    }

    @Test
    void quantilesInterpolateInsideTheBucketAsPrometheusDoes() {
        double[] bounds = {1, 5, INF};
        // the class Javadoc's example: 60 observations, 20 of them <= 1
        assertThat(RateWindow.quantile(0.5, bounds, new long[] {20, 60, 60})).isCloseTo(2.0, within(1e-9));
        assertThat(RateWindow.quantile(0.99, bounds, new long[] {20, 60, 60})).isCloseTo(4.94, within(1e-9));
        assertThat(RateWindow.quantile(0.1, bounds, new long[] {20, 60, 60})).isCloseTo(0.3, within(1e-9));
        // beyond the last finite bound: that bound
        assertThat(RateWindow.quantile(0.99, bounds, new long[] {0, 10, 100})).isEqualTo(5.0);
        assertThat(RateWindow.quantile(0.5, bounds, new long[] {0, 0, 0})).isNaN();
    }
}
