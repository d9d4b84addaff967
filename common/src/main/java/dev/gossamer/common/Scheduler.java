package dev.gossamer.common;

import java.time.Duration;

/**
 * Runs tasks after a delay. Injected wherever code needs timers so that tests can use {@code FakeScheduler} (common's test-jar),
 * which runs due tasks only when the test advances time.
 *
 * <p>Threading: implementations decide on which thread a task runs (the Vert.x adapter runs it on the
 * event loop that scheduled it); callers must not assume more than "later, once".
 */
public interface Scheduler {

    /** Runs {@code task} once after {@code delay}. The returned handle cancels it if it has not run yet. */
    Cancellable schedule(Duration delay, Runnable task);

    /** The clock this scheduler measures delays with. */
    Ticker ticker();

    /** A scheduled task that can be cancelled. */
    @FunctionalInterface
    interface Cancellable {
        /** Cancels the task; returns false if it already ran or was cancelled. */
        boolean cancel();
    }
}
