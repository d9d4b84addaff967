/**
 * Time and small shared value types, JDK only.
 *
 * <p>Starting points: {@link dev.gossamer.common.Ticker} (monotonic time), {@link dev.gossamer.common.Scheduler}
 * (timers), and their test doubles {@code FakeTicker} and
 * {@code FakeScheduler} (in this module's test-jar, shared with every module's tests), which run due tasks only when a test advances time.
 */
package dev.gossamer.common;
