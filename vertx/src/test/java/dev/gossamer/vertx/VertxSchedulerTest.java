package dev.gossamer.vertx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gossamer.common.Scheduler;
import dev.gossamer.common.Ticker;
import dev.gossamer.common.testing.Await;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The one Vert.x scheduler: rounding, context, cancel; and the per-request timer path. */
class VertxSchedulerTest {

    private static final Duration DEADLINE = Duration.ofSeconds(10);

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @ParameterizedTest
    @CsvSource({"0, 0", "-5, 0", "1, 1", "999999, 1", "1000000, 1", "1000001, 2", "40000000, 40", "40000001, 41"})
    void delaysRoundUpToWholeMillisecondsSoATaskNeverRunsEarly(long nanos, long millis) {
        assertThat(VertxScheduler.millisUp(Duration.ofNanos(nanos))).isEqualTo(millis);
    }

    @Test
    void aBoundSchedulerRunsTasksOnItsContextAfterTheirDelayAndCancels() {
        Context ctx = vertx.getOrCreateContext();
        VertxScheduler s = new VertxScheduler(ctx, Ticker.system());
        List<String> ran = new CopyOnWriteArrayList<>();
        List<Boolean> onContext = new CopyOnWriteArrayList<>();
        long start = s.ticker().nanoTime();
        List<Long> elapsed = new CopyOnWriteArrayList<>();
        s.schedule(Duration.ofMillis(40), () -> {
            elapsed.add(s.ticker().nanoTime() - start);
            onContext.add(Vertx.currentContext() == ctx);
            ran.add("late");
        });
        s.schedule(Duration.ZERO, () -> {
            onContext.add(Vertx.currentContext() == ctx);
            ran.add("now");
        });
        Scheduler.Cancellable cancelled = s.schedule(Duration.ofMinutes(5), () -> ran.add("cancelled"));
        assertThat(cancelled.cancel()).isTrue();
        assertThat(cancelled.cancel()).isFalse();
        Await.until("both tasks", DEADLINE, () -> ran.size() >= 2);
        assertThat(ran).containsExactly("now", "late");
        assertThat(onContext).containsOnly(true);
        assertThat(elapsed.get(0)).isGreaterThanOrEqualTo(Duration.ofMillis(40).toNanos());
    }

    @Test
    void aZeroDelayNeverRunsInsideSchedule() {
        Context ctx = vertx.getOrCreateContext();
        VertxScheduler bound = new VertxScheduler(ctx, Ticker.system());
        VertxScheduler unbound = new VertxScheduler(vertx, Ticker.system());
        List<String> events = new CopyOnWriteArrayList<>();
        ctx.runOnContext(v -> {
            bound.schedule(Duration.ZERO, () -> events.add("bound ran"));
            unbound.schedule(Duration.ofNanos(-1), () -> events.add("unbound ran"));
            events.add("schedule returned");
        });
        Await.until("both tasks", DEADLINE, () -> events.size() == 3);
        assertThat(events.get(0)).isEqualTo("schedule returned");
        assertThat(events).containsExactlyInAnyOrder("schedule returned", "bound ran", "unbound ran");
    }

    @Test
    void aTaskWaitsForItsDeadlineOnTheInjectedTickerEvenWhenThatTickerIsSlow() {
        // Half the speed of Vert.x's clock: a 30 ms timer fires when this ticker has seen 15 ms.
        Ticker slow = () -> Ticker.system().nanoTime() / 2;
        VertxScheduler s = new VertxScheduler(vertx.getOrCreateContext(), slow);
        long start = slow.nanoTime();
        AtomicReference<Long> ranAt = new AtomicReference<>();
        s.schedule(Duration.ofMillis(30), () -> ranAt.set(slow.nanoTime()));
        Await.until("the task", DEADLINE, () -> ranAt.get() != null);
        assertThat(ranAt.get() - start).as("elapsed on the injected ticker")
                .isGreaterThanOrEqualTo(Duration.ofMillis(30).toNanos());
    }

    @Test
    void cancelIsTruthfulFromAnotherThreadAndAfterARun() {
        VertxScheduler s = new VertxScheduler(vertx.getOrCreateContext(), Ticker.system());
        AtomicBoolean cancelledRan = new AtomicBoolean();
        AtomicBoolean ran = new AtomicBoolean();
        Scheduler.Cancellable cancelled = s.schedule(Duration.ofMinutes(5), () -> cancelledRan.set(true));
        Scheduler.Cancellable kept = s.schedule(Duration.ofMillis(30), () -> ran.set(true));
        assertThat(cancelled.cancel()).as("first cancel of a pending task, from the test thread").isTrue();
        assertThat(cancelled.cancel()).as("second cancel").isFalse();
        Await.until("the kept task", DEADLINE, ran::get);
        assertThat(kept.cancel()).as("cancel after the run").isFalse();
        assertThat(cancelledRan).isFalse();
    }

    @Test
    void aTaskCancelledAfterItsTimerFiredButBeforeItRanNeverRuns() {
        Context ctx = vertx.getOrCreateContext();
        VertxScheduler s = new VertxScheduler(ctx, Ticker.system());
        AtomicBoolean ran = new AtomicBoolean();
        AtomicReference<Boolean> cancelResult = new AtomicReference<>();
        AtomicBoolean later = new AtomicBoolean();
        ctx.runOnContext(v -> {
            Scheduler.Cancellable c = s.schedule(Duration.ofMillis(1), () -> ran.set(true));
            // Keep the event loop busy past the timer's due time: the timer is due, its run can only be queued
            // behind this task, and the cancel must still win.
            long until = s.ticker().nanoTime() + Duration.ofMillis(20).toNanos();
            while (s.ticker().nanoTime() < until) {
                Thread.onSpinWait();
            }
            cancelResult.set(c.cancel());
            s.schedule(Duration.ofMillis(10), () -> later.set(true));
        });
        Await.until("a task scheduled after the cancel", DEADLINE, later::get);
        assertThat(cancelResult.get()).as("cancel of a task whose timer was due").isTrue();
        assertThat(ran).as("the cancelled task ran").isFalse();
    }

    @Test
    void anUnboundSchedulerRunsATaskOnTheContextThatScheduledIt() {
        VertxScheduler s = new VertxScheduler(vertx, Ticker.system());
        Context ctx = vertx.getOrCreateContext();
        AtomicReference<Context> ranOn = new AtomicReference<>();
        AtomicReference<Scheduler.Cancellable> handle = new AtomicReference<>();
        ctx.runOnContext(v -> handle.set(s.schedule(Duration.ofMillis(5), () -> ranOn.set(Vertx.currentContext()))));
        Await.until("the task", DEADLINE, () -> ranOn.get() != null);
        assertThat(ranOn.get()).isSameAs(ctx);
        assertThat(handle.get().cancel()).as("cancel after it ran").isFalse();
    }

    @Test
    void aZeroDelayFromAnotherThreadDoesNotRunOnTheCallersThread() {
        VertxScheduler s = new VertxScheduler(vertx, Ticker.system());
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        s.schedule(Duration.ZERO, () -> ranOn.set(Thread.currentThread()));
        Await.until("the task", DEADLINE, () -> ranOn.get() != null);
        assertThat(ranOn.get()).isNotSameAs(Thread.currentThread());
    }

    @Test
    void scheduleOnRunsOnTheContextAndCancelledTasksNeverRun() {
        VertxScheduler s = new VertxScheduler(vertx, Ticker.system());
        Context ctx = vertx.getOrCreateContext();
        CopyOnWriteArrayList<String> ran = new CopyOnWriteArrayList<>();
        AtomicBoolean onContext = new AtomicBoolean();
        ctx.runOnContext(v -> {
            Scheduler.Cancellable cancelled = s.scheduleOn(ctx, Duration.ofMillis(20), () -> ran.add("cancelled"));
            s.scheduleOn(ctx, Duration.ofMillis(60), () -> {
                onContext.set(Vertx.currentContext() == ctx);
                ran.add("kept");
            });
            cancelled.cancel();
        });
        Await.until("the kept task", DEADLINE, () -> ran.contains("kept"));
        assertThat(ran).containsExactly("kept");
        assertThat(onContext).as("ran on the scheduling context").isTrue();
    }

    @Test
    void scheduleOnFromAnotherThreadStillRunsOnTheContext() {
        VertxScheduler s = new VertxScheduler(vertx, Ticker.system());
        Context ctx = vertx.getOrCreateContext();
        AtomicBoolean onContext = new AtomicBoolean();
        AtomicBoolean kept = new AtomicBoolean();
        AtomicBoolean ran = new AtomicBoolean();
        Scheduler.Cancellable cancelled = s.scheduleOn(ctx, Duration.ofMinutes(5), () -> ran.set(true));
        assertThat(cancelled.cancel()).as("cancel from the test thread, not the event loop").isTrue();
        assertThat(cancelled.cancel()).as("second cancel").isFalse();
        s.scheduleOn(ctx, Duration.ofMillis(60), () -> {
            onContext.set(Vertx.currentContext() == ctx);
            kept.set(true);
        });
        Await.until("the kept task", DEADLINE, kept::get);
        assertThat(onContext).as("ran on the scheduling context").isTrue();
        assertThat(ran).as("cancelled from another thread").isFalse();
    }
}
