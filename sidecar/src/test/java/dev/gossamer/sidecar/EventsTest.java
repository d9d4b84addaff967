package dev.gossamer.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gossamer.common.FakeTicker;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class EventsTest {

    private final FakeTicker ticker = new FakeTicker();
    private final AtomicLong now = new AtomicLong(1_000);
    private final List<String> logged = new ArrayList<>();
    private final Events events = new Events(now::get, ticker, 3, (warn, line) -> logged.add((warn ? "W " : "I ") + line));

    @Test
    void keepsTheNewestInABoundedRingInOrder() {
        for (int i = 1; i <= 5; i++) {
            events.publish(Events.Kind.MEMBER_JOINED, "node-" + i, "node-" + i + " joined");
        }
        assertThat(events.recent()).extracting(Events.Event::subject).containsExactly("node-3", "node-4", "node-5");
        assertThat(events.recent()).extracting(Events.Event::seq).containsExactly(3L, 4L, 5L);
        assertThat(events.since(4)).extracting(Events.Event::subject).containsExactly("node-5");
    }

    @Test
    void subscribersGetEachEventUntilClosedAndAThrowingOneIsDropped() throws Exception {
        List<String> seen = new ArrayList<>();
        AutoCloseable sub = events.subscribe(e -> seen.add(e.kind().label() + " " + e.subject()));
        events.subscribe(e -> {
            throw new IllegalStateException("stream closed");
        });
        events.publish(Events.Kind.MEMBER_SUSPECT, "node-2", "node-2 is suspected");
        assertThat(events.subscribers()).isEqualTo(1);
        sub.close();
        events.publish(Events.Kind.MEMBER_DEAD, "node-2", "node-2 is dead");
        assertThat(seen).containsExactly("member-suspect node-2");
        assertThat(events.subscribers()).isZero();
    }

    @Test
    void logsOncePerEventWithinARateLimitAndSaysHowManyItHeldBack() {
        for (int i = 0; i < Events.LOG_BURST + 7; i++) {
            events.publishLogged(Events.Kind.MEMBER_JOINED, "n" + i, "n" + i + " joined");
        }
        events.publish(Events.Kind.CONFIG_APPLIED, "3", "not logged: publish only");
        assertThat(logged).hasSize(Events.LOG_BURST);
        ticker.advance(Events.LOG_WINDOW);
        events.publishLogged(Events.Kind.MEMBER_DEAD, "n0", "n0 is dead");
        assertThat(logged).hasSize(Events.LOG_BURST + 1);
        assertThat(logged.get(Events.LOG_BURST)).startsWith("W n0 is dead (7 earlier event(s) not logged");
        assertThat(logged.get(0)).isEqualTo("I n0 joined");
    }

    @Test
    void jsonNamesTheKindAndTime() {
        Events.Event e = events.publish(Events.Kind.ENDPOINT_EJECTED, "orders/127.0.0.1:8081", "ejected");
        assertThat(e.toJson().getString("kind")).isEqualTo("endpoint-ejected");
        assertThat(e.toJson().getBoolean("bad")).isTrue();
        assertThat(e.toJson().getString("time")).isEqualTo("1970-01-01T00:00:01Z");
    }
}
