package dev.gossamer.proxy;

import dev.gossamer.common.ErrorReports;
import dev.gossamer.common.Ticker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The access log's writer: the event loops hand each finished request over with one non-blocking
 * {@link BlockingQueue#offer}, and one background thread formats whatever has queued up ({@link AccessLogFormat})
 * and writes it in batches (it wakes every {@link #FLUSH_INTERVAL_NANOS 10 ms}), so an event loop never formats,
 * never touches a file, never waits for a disk and never wakes a thread.
 * When the queue is full (the disk or the log pipeline is slower than the traffic) the entry is dropped and
 * counted in {@code gossamer.access.log.dropped}; write failures are counted in
 * {@code gossamer.access.log.write.errors} and logged once a minute at most; forwarding never stops.
 *
 * <p>Threading: {@link #log} from any thread; {@link #close} once, from any thread: it writes what is queued, then
 * closes the file.
 */
public final class AccessLogWriter implements AccessLog, AutoCloseable {

    private static final int BATCH = 1024;
    /**
     * How long entries wait before the writer wakes, formats and writes them: one wake-up and one write per 10 ms
     * instead of one per request. A crash loses at most this much of the log.
     */
    static final long FLUSH_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    /** Formatted bytes that are written at once, whatever the interval. */
    private static final int FLUSH_BYTES = 64 * 1024;

    private final BlockingQueue<AccessLogEntry> queue;
    private final Counter dropped;
    private final Counter writeErrors;
    private final PrintStream stdout; // null when writing to a file
    private final Writer file; // null when writing to stdout
    private final StringWriter batch = new StringWriter(64 * 1024);
    private final AccessLogFormat format;
    private final Thread thread;
    private final ErrorReports errors;
    private volatile boolean closed;

    private AccessLogWriter(AccessLogOptions options, MeterRegistry registry, Ticker ticker, PrintStream stdout,
                            Writer file) {
        this.errors = new ErrorReports(ticker, AccessLogWriter.class.getName(),
                "forwarding goes on; failed batches are counted in gossamer_access_log_write_errors_total");
        this.queue = new ArrayBlockingQueue<>(options.queueCapacity());
        this.dropped = Counter.builder("gossamer.access.log.dropped")
                .description("Access log entries dropped because the writer fell behind").register(registry);
        this.writeErrors = Counter.builder("gossamer.access.log.write.errors")
                .description("Access log batches that could not be written").register(registry);
        this.stdout = stdout;
        this.file = file;
        this.format = new AccessLogFormat(options.format(), batch);
        this.thread = new Thread(this::run, "gossamer-access-log");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /**
     * Opens the log {@code options} describe: appends to its file (created when missing), or writes to
     * {@code stdout}.
     *
     * @throws IOException when the file cannot be opened for appending
     */
    public static AccessLogWriter open(AccessLogOptions options, MeterRegistry registry, Ticker ticker,
                                       PrintStream stdout) throws IOException {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(registry, "registry");
        if (!options.enabled()) {
            throw new IllegalArgumentException("format: off (expected: text or json to open an access log)");
        }
        if (options.toStdout()) {
            return new AccessLogWriter(options, registry, ticker, Objects.requireNonNull(stdout, "stdout"), null);
        }
        Writer w = Files.newBufferedWriter(Path.of(options.path()), StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        return new AccessLogWriter(options, registry, ticker, null, w);
    }

    @Override
    public void log(AccessLogEntry entry) {
        if (closed || !queue.offer(entry)) {
            dropped.increment();
        }
    }

    private void run() {
        List<AccessLogEntry> taken = new ArrayList<>(BATCH);
        while (!closed) {
            // Sleeping, not waiting on the queue: an offer then never has to wake this thread, which costs the event
            // loop a system call per request (measured: the CPU per request of a load benchmark doubled when the
            // writer waited on the queue; docs/performance.md).
            LockSupport.parkNanos(this, FLUSH_INTERVAL_NANOS);
            drainAndWrite(taken);
        }
        // Closing: what is still queued goes out before the file closes.
        drainAndWrite(taken);
        if (file != null) {
            try {
                file.close();
            } catch (IOException e) {
                writeError(new java.io.UncheckedIOException(e));
            }
        }
    }

    private void drainAndWrite(List<AccessLogEntry> taken) {
        while (queue.drainTo(taken, BATCH) > 0) {
            format(taken);
            taken.clear();
            if (batch.getBuffer().length() >= FLUSH_BYTES) {
                flush();
            }
        }
        flush();
    }

    private void format(List<AccessLogEntry> entries) {
        for (AccessLogEntry e : entries) {
            try {
                format.write(e);
            } catch (IOException | RuntimeException x) {
                writeError(x instanceof IOException io ? new java.io.UncheckedIOException(io) : (RuntimeException) x);
            }
        }
    }

    private void flush() {
        StringBuffer sb = batch.getBuffer();
        if (sb.length() == 0) {
            return;
        }
        try {
            if (stdout != null) {
                stdout.append(sb); // PrintStream is synchronised: the batch is not interleaved with other output
                stdout.flush();
                if (stdout.checkError()) {
                    throw new IOException("standard output refused the write");
                }
            } else {
                file.append(sb);
                file.flush();
            }
        } catch (IOException e) {
            writeError(new java.io.UncheckedIOException(e));
        } catch (RuntimeException e) {
            writeError(e);
        }
        sb.setLength(0);
        if (sb.capacity() > 1 << 20) {
            sb.trimToSize(); // one burst of long paths must not pin a large buffer for ever
        }
    }

    private void writeError(RuntimeException e) {
        writeErrors.increment();
        errors.report(this, "writing the access log", e);
    }

    /** Entries waiting to be written; for tests and the admin API. */
    public int queued() {
        return queue.size();
    }

    /** Writes what is queued, closes the file and stops the thread; waits up to {@code waitMillis} for it. */
    public void close(long waitMillis) {
        closed = true;
        LockSupport.unpark(thread);
        try {
            thread.join(waitMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        close(5_000);
    }
}
