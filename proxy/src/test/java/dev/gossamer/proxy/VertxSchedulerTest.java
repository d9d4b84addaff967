package dev.gossamer.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gossamer.common.Scheduler;
import dev.gossamer.common.Ticker;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The per-request timer path of {@link VertxScheduler}: runs on the given context, and a cancel sticks. */
class VertxSchedulerTest {

    static Vertx vertx;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() {
        ProxyTestBase.await(vertx.close());
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
        ProxyTestBase.eventually("the kept task", () -> ran.contains("kept"));
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
        Scheduler.Cancellable cancelled = s.scheduleOn(ctx, Duration.ofMillis(20), () -> ran.set(true));
        cancelled.cancel(); // from the test thread, not the event loop
        s.scheduleOn(ctx, Duration.ofMillis(60), () -> {
            onContext.set(Vertx.currentContext() == ctx);
            kept.set(true);
        });
        ProxyTestBase.eventually("the kept task", kept::get);
        assertThat(onContext).as("ran on the scheduling context").isTrue();
        assertThat(ran).as("cancelled from another thread").isFalse();
    }
}
