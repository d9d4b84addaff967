package dev.gossamer.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class VertxSchedulerTest {

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void runsTasksOnTheContextAfterTheirDelayAndCancels() {
        Context ctx = vertx.getOrCreateContext();
        VertxScheduler s = new VertxScheduler(vertx, ctx);
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
        var cancelled = s.schedule(Duration.ofMillis(20), () -> ran.add("cancelled"));
        assertThat(cancelled.cancel()).isTrue();
        assertThat(cancelled.cancel()).isFalse();
        PollUntil.await("both tasks", Duration.ofSeconds(10), () -> ran.size() >= 2);
        assertThat(ran).containsExactly("now", "late");
        assertThat(onContext).containsOnly(true);
        assertThat(elapsed.get(0)).isGreaterThanOrEqualTo(Duration.ofMillis(40).toNanos());
    }
}
