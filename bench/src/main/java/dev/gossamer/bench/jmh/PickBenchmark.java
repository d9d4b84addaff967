package dev.gossamer.bench.jmh;

import dev.gossamer.balancer.ActiveRequests;
import dev.gossamer.balancer.BalancingPolicy;
import dev.gossamer.balancer.Endpoint;
import dev.gossamer.balancer.HashKeys;
import dev.gossamer.balancer.LeastRequestOptions;
import dev.gossamer.balancer.MaglevOptions;
import dev.gossamer.balancer.PickContext;
import dev.gossamer.balancer.PickResult;
import dev.gossamer.balancer.Picker;
import dev.gossamer.balancer.RingHashOptions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
 * Cost of one {@code Picker.pick} per policy and endpoint count, single-threaded, with production randomness.
 * Hash policies hash a fresh 16-byte key per pick with {@link HashKeys} (the proxy's real work per request);
 * least_request reads a live load view with random in-flight counts.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class PickBenchmark {

    /** Distinct keys cycled through, so the table or ring lookups are not all cache hits on one line. */
    private static final int KEYS = 4096;

    @Param({"round_robin", "random", "ring_hash", "maglev", "least_request"})
    public String policy;

    @Param({"10", "100", "1000"})
    public int endpoints;

    @Param({"false"})
    public boolean weighted;

    private Picker picker;
    private byte[][] keys;
    private int next;
    private boolean hashed;

    @Setup
    public void setUp() {
        SplittableRandom random = new SplittableRandom(42);
        List<Endpoint> list = new ArrayList<>();
        for (int i = 0; i < endpoints; i++) {
            int weight = weighted ? 1 + random.nextInt(10) : 1;
            list.add(Endpoint.of("10.0." + (i / 250) + "." + (i % 250 + 1), 8080, weight));
        }
        BalancingPolicy balancingPolicy = switch (policy) {
            case "round_robin" -> BalancingPolicy.roundRobin();
            case "random" -> BalancingPolicy.random();
            case "ring_hash" -> BalancingPolicy.ringHash(RingHashOptions.defaults());
            case "maglev" -> BalancingPolicy.maglev(MaglevOptions.defaults());
            case "least_request" -> BalancingPolicy.leastRequest(LeastRequestOptions.defaults());
            default -> throw new IllegalArgumentException(policy);
        };
        hashed = policy.equals("ring_hash") || policy.equals("maglev");
        picker = balancingPolicy.newPicker(list, new MapLoad(list, random));
        keys = new byte[KEYS][16];
        for (byte[] key : keys) {
            for (int i = 0; i < key.length; i++) {
                key[i] = (byte) random.nextInt(256);
            }
        }
    }

    @Benchmark
    public PickResult pick() {
        if (hashed) {
            byte[] key = keys[next++ & (KEYS - 1)];
            return picker.pick(PickContext.withHashKey(HashKeys.hash(key)));
        }
        return picker.pick(PickContext.empty());
    }

    /** A load view like the proxy's: a map (read-only after setup) from endpoint id to an atomic count. */
    static final class MapLoad implements ActiveRequests {
        private final Map<String, AtomicInteger> counts = new HashMap<>();
        private final AtomicInteger total = new AtomicInteger();

        MapLoad(List<Endpoint> endpoints, SplittableRandom random) {
            for (Endpoint e : endpoints) {
                int active = random.nextInt(20);
                counts.put(e.id(), new AtomicInteger(active));
                total.addAndGet(active);
            }
        }

        @Override
        public int active(Endpoint endpoint) {
            AtomicInteger count = counts.get(endpoint.id());
            return count == null ? 0 : count.get();
        }

        @Override
        public int total() {
            return total.get();
        }
    }
}
