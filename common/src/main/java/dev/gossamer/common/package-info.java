/**
 * Time and small shared value types, JDK only.
 *
 * <p>Starting points: {@link dev.gossamer.common.Ticker} (monotonic time), {@link dev.gossamer.common.Scheduler}
 * (timers), and their test doubles {@link dev.gossamer.common.FakeTicker} and
 * {@link dev.gossamer.common.FakeScheduler}, which run due tasks only when a test advances time.
 */
package dev.gossamer.common;
