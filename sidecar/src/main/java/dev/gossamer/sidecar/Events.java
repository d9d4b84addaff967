package dev.gossamer.sidecar;

import dev.gossamer.common.Ticker;
import dev.gossamer.common.WallClock;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The recent events of this sidecar, in one place: members joining, suspected, dead, left or alive again; endpoints
 * ejected and returned; health checks going down and up; mesh configs applied or rejected; control-plane leader
 * changes; gossip joins failing and succeeding. A bounded ring keeps the latest {@link #DEFAULT_CAPACITY} for
 * {@code GET /admin/events} and the dashboard; subscribers (the dashboard's server-sent-event streams) get each new
 * one as it happens.
 *
 * <p>Events published with {@link #publishLogged} are also logged, once each, through a rate limit: at most
 * {@link #LOG_BURST} lines per {@link #LOG_WINDOW} (measured on the injected ticker), so a 200-member mesh starting
 * at once does not drown the log; the next line that passes says how many were held back (the ring has them all).
 *
 * <p>Threading: thread-safe. Subscribers run on the publisher's thread (a gossip event loop, a health timer) and
 * must be quick and must not block; one that throws is dropped.
 */
final class Events {

    /** A few minutes of a busy mesh; the dashboard shows the newest ones first. */
    static final int DEFAULT_CAPACITY = 256;
    /** Enough for a handful of nodes changing at once to be logged line by line. */
    static final int LOG_BURST = 20;
    /** The window of {@link #LOG_BURST}; a steady flap logs about two lines a second at most. */
    static final Duration LOG_WINDOW = Duration.ofSeconds(10);

    /** What happened. The JSON and the page use the lower-case name with dashes ({@code member-suspect}). */
    enum Kind {
        MEMBER_JOINED, MEMBER_SUSPECT, MEMBER_DEAD, MEMBER_LEFT, MEMBER_ALIVE,
        ENDPOINT_EJECTED, ENDPOINT_RETURNED, CHECK_DOWN, CHECK_UP,
        CONFIG_APPLIED, CONFIG_REJECTED, LEADER_CHANGED, JOIN_FAILED, JOINED_MESH;

        String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /** Whether the event means trouble (logged as a warning, drawn red). */
        boolean bad() {
            return switch (this) {
                case MEMBER_SUSPECT, MEMBER_DEAD, ENDPOINT_EJECTED, CHECK_DOWN, CONFIG_REJECTED, JOIN_FAILED -> true;
                default -> false;
            };
        }
    }

    /**
     * One event.
     *
     * @param seq      1, 2, 3 … in publication order (a page that reconnects asks for what it missed)
     * @param atMillis wall-clock time of publication
     * @param kind     what happened
     * @param subject  whom it happened to: a member id, {@code cluster/endpoint}, a config version, a leader id
     * @param message  one sentence for a person
     */
    record Event(long seq, long atMillis, Kind kind, String subject, String message) {
        JsonObject toJson() {
            return new JsonObject().put("seq", seq).put("time", Instant.ofEpochMilli(atMillis).toString())
                    .put("kind", kind.label()).put("bad", kind.bad()).put("subject", subject).put("message", message);
        }
    }

    private final WallClock clock;
    private final Ticker ticker;
    private final int capacity;
    private final BiConsumer<Boolean, String> log; // (warning?, line)
    private final ArrayDeque<Event> ring;
    private final List<Consumer<Event>> subscribers = new CopyOnWriteArrayList<>();
    private long seq; // guarded by this
    private long windowStartNanos; // guarded by this
    private int loggedInWindow; // guarded by this
    private long suppressed; // guarded by this

    /**
     * @param log receives each line that passes the rate limit, with whether it is a warning
     */
    Events(WallClock clock, Ticker ticker, int capacity, BiConsumer<Boolean, String> log) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity: " + capacity + " (expected: >= 1)");
        }
        this.clock = Objects.requireNonNull(clock, "clock");
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        this.capacity = capacity;
        this.log = Objects.requireNonNull(log, "log");
        this.ring = new ArrayDeque<>(capacity);
        this.windowStartNanos = ticker.nanoTime();
    }

    /** Records an event and hands it to every subscriber. */
    Event publish(Kind kind, String subject, String message) {
        return publish(kind, subject, message, false);
    }

    /** Like {@link #publish}, and logs {@code message} once, through the rate limit. */
    Event publishLogged(Kind kind, String subject, String message) {
        return publish(kind, subject, message, true);
    }

    private Event publish(Kind kind, String subject, String message, boolean logIt) {
        Event e;
        String line = null;
        synchronized (this) {
            e = new Event(++seq, clock.currentTimeMillis(), kind, subject, message);
            if (ring.size() == capacity) {
                ring.removeFirst();
            }
            ring.addLast(e);
            if (logIt) {
                line = rateLimited(message);
            }
        }
        if (line != null) {
            log.accept(kind.bad(), line);
        }
        for (Consumer<Event> s : subscribers) {
            try {
                s.accept(e);
            } catch (RuntimeException err) {
                subscribers.remove(s); // a closed stream; it will not be called again
            }
        }
        return e;
    }

    /** The line to log for {@code message}, or null when the window is full. Under the lock. */
    private String rateLimited(String message) {
        long now = ticker.nanoTime();
        if (now - windowStartNanos >= LOG_WINDOW.toNanos()) {
            windowStartNanos = now;
            loggedInWindow = 0;
        }
        if (loggedInWindow >= LOG_BURST) {
            suppressed++;
            return null;
        }
        loggedInWindow++;
        String line = suppressed == 0 ? message
                : message + " (" + suppressed + " earlier event(s) not logged; GET /admin/events has them)";
        suppressed = 0;
        return line;
    }

    /** The events still in the ring, oldest first. */
    synchronized List<Event> recent() {
        return new ArrayList<>(ring);
    }

    /** The events after {@code seq}, oldest first (those that fell out of the ring are gone). */
    synchronized List<Event> since(long afterSeq) {
        List<Event> out = new ArrayList<>();
        for (Event e : ring) {
            if (e.seq() > afterSeq) {
                out.add(e);
            }
        }
        return out;
    }

    /** Calls {@code subscriber} with every event published from now on, until the returned handle is closed. */
    AutoCloseable subscribe(Consumer<Event> subscriber) {
        Objects.requireNonNull(subscriber, "subscriber");
        subscribers.add(subscriber);
        return () -> subscribers.remove(subscriber);
    }

    int subscribers() {
        return subscribers.size();
    }
}
