/**
 * JMH micro-benchmarks of the balancer.
 *
 * <p>Starting points: {@link dev.gossamer.bench.jmh.PickBenchmark} (one {@code pick()} per policy at 10, 100 and
 * 1000 endpoints; hash policies hash a 16-byte key per pick), {@link dev.gossamer.bench.jmh.BuildBenchmark}
 * (building a Maglev table and a hash ring for 1000 endpoints) and {@link dev.gossamer.bench.jmh.HashKeyBenchmark}
 * (turning a request attribute into a hash key). See {@code bench/README.md} for how to run them.
 */
package dev.gossamer.bench.jmh;
