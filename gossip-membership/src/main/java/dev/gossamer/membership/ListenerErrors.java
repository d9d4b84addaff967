package dev.gossamer.membership;

import dev.gossamer.common.Ticker;
import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * Reports exceptions that must not reach the protocol (a listener's bug, a handler's bug) without flooding the log:
 * at most one line per source per {@link #INTERVAL}, measured on the injected ticker; the next line says how many
 * were suppressed in between. A listener that throws on every event of a 200-member join logs once, not 200 times.
 *
 * <p>Threading: not thread-safe; used on the protocol's thread only.
 */
final class ListenerErrors {

    /** One line per source per minute keeps a steady failure visible without drowning the rest of the log. */
    static final Duration INTERVAL = Duration.ofMinutes(1);

    private static final System.Logger LOG = System.getLogger(SwimNode.class.getName());

    private final Ticker ticker;
    private final BiConsumer<String, RuntimeException> sink;
    private final Map<Object, Window> windows = new IdentityHashMap<>();

    /** What was last logged for one source, and how many reports were held back since. */
    private static final class Window {
        long loggedAtNanos;
        long suppressed;

        Window(long loggedAtNanos) {
            this.loggedAtNanos = loggedAtNanos;
        }
    }

    ListenerErrors(Ticker ticker) {
        this(ticker, (line, error) -> LOG.log(System.Logger.Level.WARNING, line, error));
    }

    /** With {@code sink} receiving each line (and its exception) that passes the rate limit (tests count them). */
    ListenerErrors(Ticker ticker, BiConsumer<String, RuntimeException> sink) {
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    /**
     * Reports that {@code source} (a listener, or a name) threw {@code error} while doing {@code what}; logs it
     * unless this source was logged less than {@link #INTERVAL} ago.
     */
    void report(Object source, String what, RuntimeException error) {
        long now = ticker.nanoTime();
        Window w = windows.get(source);
        if (w != null && now - w.loggedAtNanos < INTERVAL.toNanos()) {
            w.suppressed++;
            return;
        }
        long suppressed = w == null ? 0 : w.suppressed;
        if (w == null) {
            windows.put(source, new Window(now));
        } else {
            w.loggedAtNanos = now;
            w.suppressed = 0;
        }
        sink.accept(what + " threw " + error + (suppressed > 0
                ? " (" + suppressed + " more since the last report, not logged)" : "")
                + "; ignored, the protocol goes on", error);
    }

    /** Forgets a source (a removed listener), so the map does not grow with listeners added and removed. */
    void forget(Object source) {
        windows.remove(source);
    }
}
