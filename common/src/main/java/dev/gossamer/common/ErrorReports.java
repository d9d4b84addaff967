package dev.gossamer.common;

import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * Reports exceptions that must not reach the caller (a listener's bug, a handler's bug) without flooding the log: at
 * most one line per source per {@link #INTERVAL}, measured on the injected ticker; the next line says how many were
 * suppressed in between. A listener that throws on every event of a 200-member join, or on every request, logs once
 * a minute, not every time. Used by the gossip protocol and the data plane alike.
 *
 * <p>Threading: thread-safe (reports are rare, so a lock is cheap).
 */
public final class ErrorReports {

    /** One line per source per minute keeps a steady failure visible without drowning the rest of the log. */
    public static final Duration INTERVAL = Duration.ofMinutes(1);


    private final String outcome;
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

    /**
     * Reports to the JDK's {@code System.Logger} named {@code loggerName} ({@code common} depends on the JDK only;
     * the platform routes it to {@code java.util.logging} unless a bridge is installed); {@code outcome} ends each
     * line, e.g. {@code "the protocol goes on"}.
     */
    public ErrorReports(Ticker ticker, String loggerName, String outcome) {
        this(ticker, outcome, (line, error) -> System.getLogger(loggerName).log(System.Logger.Level.WARNING, line,
                error));
    }

    /** With {@code sink} receiving each line (and its exception) that passes the rate limit (tests count them). */
    public ErrorReports(Ticker ticker, String outcome, BiConsumer<String, RuntimeException> sink) {
        this.outcome = Objects.requireNonNull(outcome, "outcome");
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    /**
     * Reports that {@code source} (a listener, or a name) threw {@code error} while doing {@code what}; logs it
     * unless this source was logged less than {@link #INTERVAL} ago.
     */
    public synchronized void report(Object source, String what, RuntimeException error) {
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
                + "; ignored, " + outcome, error);
    }

    /** Forgets a source (a removed listener), so the map does not grow with listeners added and removed. */
    public synchronized void forget(Object source) {
        windows.remove(source);
    }
}
