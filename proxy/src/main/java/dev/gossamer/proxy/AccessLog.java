package dev.gossamer.proxy;

/**
 * Hears every finished downstream request ({@link DataPlane#accessLog}).
 *
 * <p>Threading: called on the event loop that served the request, once per request, from many event loops at
 * once: it must be thread-safe and must not block (hand the entry to another thread, as {@link AccessLogWriter}
 * does). An exception it throws is logged (once a minute at most) and does not touch the request.
 */
@FunctionalInterface
public interface AccessLog {

    /** Takes one finished request. */
    void log(AccessLogEntry entry);
}
