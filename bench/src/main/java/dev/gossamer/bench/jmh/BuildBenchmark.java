package dev.gossamer.bench.jmh;

import dev.gossamer.balancer.ActiveRequests;
import dev.gossamer.balancer.BalancingPolicy;
import dev.gossamer.balancer.Endpoint;
import dev.gossamer.balancer.MaglevOptions;
import dev.gossamer.balancer.Picker;
import dev.gossamer.balancer.RingHashOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
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
 * Cost of building a consistent-hash picker: what every membership or health change pays, off the request path.
 * Maglev's table is 65537 slots whatever n; the ring has {@code clamp(n · 4096, 1024, 2^21)} points.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class BuildBenchmark {

    @Param({"1000"})
    public int endpoints;

    @Param({"false"})
    public boolean weighted;

    private List<Endpoint> list;
    private BalancingPolicy maglev;
    private BalancingPolicy ringHash;

    @Setup
    public void setUp() {
        SplittableRandom random = new SplittableRandom(42);
        list = new ArrayList<>();
        for (int i = 0; i < endpoints; i++) {
            int weight = weighted ? 1 + random.nextInt(10) : 1;
            list.add(Endpoint.of("10.0." + (i / 250) + "." + (i % 250 + 1), 8080, weight));
        }
        maglev = BalancingPolicy.maglev(MaglevOptions.defaults());
        ringHash = BalancingPolicy.ringHash(RingHashOptions.defaults());
    }

    @Benchmark
    public Picker maglev() {
        return maglev.newPicker(list, ActiveRequests.none());
    }

    @Benchmark
    public Picker ringHash() {
        return ringHash.newPicker(list, ActiveRequests.none());
    }
}
