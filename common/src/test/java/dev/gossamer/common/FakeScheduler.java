package dev.gossamer.common;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * A {@link Scheduler} for tests: tasks run only inside {@link #advance(Duration)} or {@link #runDue()}, on the
 * caller's thread, in order of due time (ties in order of scheduling). Tasks scheduled by a running task run in
 * the same {@code advance} call when they fall due within it. Thread-safe for scheduling; run it from one thread.
 */
public final class FakeScheduler implements Scheduler {

    private final FakeTicker ticker;
    private final PriorityQueue<Task> queue = new PriorityQueue<>();
    private long sequence;

    public FakeScheduler() {
        this(new FakeTicker());
    }

    public FakeScheduler(FakeTicker ticker) {
        this.ticker = ticker;
    }

    @Override
    public FakeTicker ticker() {
        return ticker;
    }

    @Override
    public synchronized Cancellable schedule(Duration delay, Runnable task) {
        Task t = new Task(ticker.nanoTime() + Math.max(0, delay.toNanos()), sequence++, task);
        queue.add(t);
        return () -> {
            synchronized (FakeScheduler.this) {
                return queue.remove(t);
            }
        };
    }

    /** Advances the clock by {@code d} in steps, running every task that falls due on the way. */
    public void advance(Duration d) {
        long end = ticker.nanoTime() + d.toNanos();
        while (true) {
            Task next;
            synchronized (this) {
                next = queue.peek();
                if (next == null || next.dueNanos > end) {
                    break;
                }
                queue.poll();
            }
            long now = ticker.nanoTime();
            if (next.dueNanos > now) {
                ticker.advance(Duration.ofNanos(next.dueNanos - now));
            }
            next.task.run();
        }
        long now = ticker.nanoTime();
        if (end > now) {
            ticker.advance(Duration.ofNanos(end - now));
        }
    }

    /** Runs the tasks that are due now without moving the clock. */
    public void runDue() {
        advance(Duration.ZERO);
    }

    /** How many tasks wait to run. */
    public synchronized int pending() {
        return queue.size();
    }

    /** Due times (ticker nanos) of the waiting tasks, earliest first; for assertions. */
    public synchronized List<Long> pendingDueTimes() {
        List<Task> tasks = new ArrayList<>(queue);
        tasks.sort(null);
        List<Long> due = new ArrayList<>();
        for (Task t : tasks) {
            due.add(t.dueNanos);
        }
        return due;
    }

    private record Task(long dueNanos, long seq, Runnable task) implements Comparable<Task> {
        @Override
        public int compareTo(Task o) {
            int c = Long.compare(dueNanos, o.dueNanos);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }
}
