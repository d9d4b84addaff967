package dev.gossamer.membership;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The protocol's formulas, table-tested. Rows marked "memberlist" are memberlist's {@code util_test.go} and
 * {@code suspicion_test.go}; memberlist rounds to milliseconds where this code keeps nanoseconds, so those rows give
 * this code's exact value and memberlist's rounded one in the comment. The other rows are the values SwimNode
 * computed inline before the formulas moved here.
 */
class SwimMathTest {

    private static final long SEC = Duration.ofSeconds(1).toNanos();

    @ParameterizedTest(name = "suspicionMin(3, n={0}, 1s) / 3 = {1} ns")
    @CsvSource({
        // memberlist TestSuspicionTimeout: suspicionTimeout(3, n, 1s) / 3
        "1,    1000000000",
        "5,    1000000000",
        "10,   1000000000",
        "50,   1698970004", // memberlist 1698 ms (it truncates log10 to thousandths)
        "100,  2000000000",
        "500,  2698970004", // memberlist 2698 ms
        "1000, 3000000000",
        "0,    1000000000", // n = 0 counts as 1
    })
    void suspicionMinimumScalesWithLog10OfTheClusterSize(int n, long expectedPerMult) {
        assertThat(SwimMath.suspicionMinNanos(3, n, SEC) / 3).isEqualTo(expectedPerMult);
    }

    @ParameterizedTest(name = "LAN n={0}: min {1}, max {2}, k {3}")
    @CsvSource({
        // LAN profile (suspicionMult 4, max mult 6, probe 1 s), as SwimNode computed them inline
        "2,   4000000000,  24000000000, 0",
        "3,   4000000000,  24000000000, 0",
        "4,   4000000000,  24000000000, 2",
        "10,  4000000000,  24000000000, 2",
        "50,  6795880017,  40775280102, 2",
        "200, 9204119982,  55224719892, 2",
    })
    void suspicionBoundsAndExpectedConfirmations(int n, long min, long max, int k) {
        long actualMin = SwimMath.suspicionMinNanos(4, n, SEC);
        assertThat(actualMin).isEqualTo(min);
        assertThat(SwimMath.suspicionMaxNanos(6, actualMin)).isEqualTo(max);
        assertThat(SwimMath.suspicionConfirmations(4, n)).isEqualTo(k);
    }

    @ParameterizedTest(name = "remaining(n={0}, k={1}, elapsed={2}) = {3}")
    @CsvSource({
        // memberlist TestSuspicion_remainingSuspicionTime: min 2 s, max 30 s
        "0, 3, 0,           30000000000",
        "1, 3, 2000000000,  14000000000",
        "2, 3, 3000000000,  4810524989", // memberlist 4810 ms
        "3, 3, 4000000000,  -2000000000",
        "4, 3, 5000000000,  -3000000000",
        "5, 3, 10000000000, -8000000000",
        // k = 0 (too few members to confirm): the minimum at once
        "0, 0, 0,           2000000000",
    })
    void remainingSuspicionTimeShrinksWithConfirmations(int confirmations, int k, long elapsed, long expected) {
        assertThat(SwimMath.remainingSuspicionNanos(confirmations, k, elapsed, 2 * SEC, 30 * SEC))
                .isEqualTo(expected);
    }

    @ParameterizedTest(name = "retransmitLimit(3, {0}) = {1}")
    @CsvSource({
        // memberlist TestRetransmitLimit
        "0,     0",
        "1,     3",
        "99,    6",
        // and beyond
        "9,     3",
        "10,    6",
        "999,   9",
        "1000,  12",
        "10000, 15",
    })
    void retransmitLimitIsMultTimesCeilLog10(int n, int expected) {
        assertThat(SwimMath.retransmitLimit(3, n)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "pushPullScale(1s, {0}) = {1}s")
    @CsvSource({
        // memberlist TestPushPullScale: 1x up to 32, 2x to 64, 3x to 128
        "0,    1",
        "1,    1",
        "32,   1",
        "33,   2",
        "64,   2",
        "65,   3",
        "128,  3",
        "129,  4",
        "1000, 6",
    })
    void pushPullIntervalGrowsPerDoublingPastThirtyTwo(int n, long expectedSeconds) {
        assertThat(SwimMath.pushPullScaledNanos(SEC, n)).isEqualTo(expectedSeconds * SEC);
    }

    @ParameterizedTest(name = "joinBackoff(attempt {0}) = {1} ns")
    @CsvSource({
        // LAN: 1 s doubling, capped at 30 s
        "0,  1000000000",
        "1,  2000000000",
        "2,  4000000000",
        "4,  16000000000",
        "5,  30000000000",
        "50, 30000000000",
    })
    void joinBackoffDoublesUpToTheCap(int attempt, long expected) {
        assertThat(SwimMath.joinBackoffNanos(SEC, 30 * SEC, attempt)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "joinBackoff(initial {0}, attempt {1}) saturates")
    @CsvSource({
        "86400000000000, 20",
        "4611686018427387904, 3",
    })
    void joinBackoffNeverOverflows(long initial, int attempt) {
        assertThat(SwimMath.joinBackoffNanos(initial, Long.MAX_VALUE, attempt)).isEqualTo(Long.MAX_VALUE);
        assertThat(SwimMath.joinBackoffNanos(initial, 7 * SEC, attempt)).isEqualTo(7 * SEC);
    }

    @ParameterizedTest(name = "scale(500ms, health {0}) = {1}")
    @CsvSource({
        "0, 500000000",
        "1, 1000000000",
        "7, 4000000000",
    })
    void localHealthStretchesTimeouts(int health, long expected) {
        assertThat(SwimMath.scaleByHealth(500_000_000L, health)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "indirect nack after {1} for probe timeout {0}")
    @CsvSource({
        "500000000, 400000000",
        "200000000, 160000000",
        "3000000000, 2400000000",
    })
    void helpersNackAtEightyPercentOfTheProbeTimeout(long probeTimeout, long expected) {
        assertThat(SwimMath.indirectNackNanos(probeTimeout)).isEqualTo(expected);
    }
}
