package dev.gossamer.bench.jmh;

import dev.gossamer.balancer.HashKeys;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Cost of turning a 16-byte key (a session id) or a short header value into a hash key. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class HashKeyBenchmark {

    private byte[] key;
    private String header;

    @Setup
    public void setUp() {
        SplittableRandom random = new SplittableRandom(42);
        key = new byte[16];
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) random.nextInt(256);
        }
        header = "user-1234567890";
    }

    @Benchmark
    public long bytes16() {
        return HashKeys.hash(key);
    }

    @Benchmark
    public long string15() {
        return HashKeys.hash(header);
    }
}
