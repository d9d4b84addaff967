package dev.gossamer.bench.jmh;

import dev.gossamer.proxy.AccessLogEntry;
import dev.gossamer.proxy.AccessLogFormat;
import dev.gossamer.proxy.AccessLogOptions;
import dev.gossamer.proxy.RequestLabels;
import java.io.IOException;
import java.io.StringWriter;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of writing one access-log line (text or JSON) on the writer thread: the {@link AccessLogEntry} the event
 * loop builds, then its formatting into the batch buffer. The event loop itself only builds the entry and offers it
 * to a queue; the file write is batched and not measured here (see docs/performance.md for the load benchmark).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class AccessLogBenchmark {

    @Param({"text", "json"})
    public String format;

    private StringWriter out;
    private AccessLogFormat formatter;
    private long n;

    @Setup
    public void setUp() {
        out = new StringWriter(1 << 20);
        formatter = new AccessLogFormat(AccessLogOptions.builder().format(format).build().format(), out);
    }

    @Benchmark
    public int formatOneEntry() throws IOException {
        n++;
        AccessLogEntry e = new AccessLogEntry(1_796_000_000_000L + n, "GET", "orders.default.svc:8080",
                "/api/v1/orders/12345?expand=items", "HTTP/1.1", 200, null, RequestLabels.Flag.NONE, "orders",
                "orders-v1", "10.0.3.17:8080", 1, 0, 1_234, 2_345_678 + n, 2_100_000,
                "1b4e28ba-2fa1-41d2-883f-0016d3cca427");
        formatter.write(e);
        StringBuffer b = out.getBuffer();
        int len = b.length();
        if (len > 1 << 19) {
            b.setLength(0); // the writer thread empties its buffer after every batch too
        }
        return len;
    }
}
