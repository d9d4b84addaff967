package dev.gossamer.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FakeSchedulerTest {

    @Test
    void runsTasksInDueOrderOnlyWhenAdvanced() {
        FakeScheduler s = new FakeScheduler();
        List<String> ran = new ArrayList<>();
        s.schedule(Duration.ofSeconds(2), () -> ran.add("b@" + s.ticker().nanoTime()));
        s.schedule(Duration.ofSeconds(1), () -> ran.add("a@" + s.ticker().nanoTime()));
        assertThat(ran).isEmpty();
        s.advance(Duration.ofMillis(1500));
        assertThat(ran).containsExactly("a@1000000000");
        s.advance(Duration.ofSeconds(1));
        assertThat(ran).containsExactly("a@1000000000", "b@2000000000");
        assertThat(s.ticker().nanoTime()).isEqualTo(2_500_000_000L);
    }

    @Test
    void tasksScheduledByTasksRunWhenDueInSameAdvance() {
        FakeScheduler s = new FakeScheduler();
        List<Long> ticks = new ArrayList<>();
        Runnable[] periodic = new Runnable[1];
        periodic[0] = () -> {
            ticks.add(s.ticker().nanoTime());
            s.schedule(Duration.ofMillis(100), periodic[0]);
        };
        s.schedule(Duration.ofMillis(100), periodic[0]);
        s.advance(Duration.ofMillis(350));
        assertThat(ticks).containsExactly(100_000_000L, 200_000_000L, 300_000_000L);
    }

    @Test
    void cancelledTaskNeverRuns() {
        FakeScheduler s = new FakeScheduler();
        List<String> ran = new ArrayList<>();
        Scheduler.Cancellable c = s.schedule(Duration.ofMillis(10), () -> ran.add("x"));
        assertThat(c.cancel()).isTrue();
        assertThat(c.cancel()).isFalse();
        s.advance(Duration.ofSeconds(1));
        assertThat(ran).isEmpty();
        assertThat(s.pending()).isZero();
    }
}
