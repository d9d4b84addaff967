package dev.gossamer.balancer;

import dev.gossamer.common.RandomSource;
import java.util.Arrays;
import java.util.List;

/**
 * A Maglev lookup table (Eisenbud et al., NSDI 2016), weighted as in Envoy's {@code MaglevTable}: a key's hash
 * modulo the (prime) table size selects a slot, and the slot names the endpoint.
 *
 * <p>Build: every endpoint has a permutation of the slots, {@code (offset + j · skip) mod M}, from the 128-bit hash
 * of its id. Endpoints take turns (in id order) claiming their next free slot until the table is full. Weighted as in
 * Envoy: in iteration {@code t} an endpoint takes a turn only when {@code t · weight >= turns · maxWeight}, so its
 * share of slots is proportional to its weight.
 */
final class MaglevPicker extends ConsistentHashPicker {

    private final int[] table;

    MaglevPicker(List<Endpoint> endpoints, ActiveRequests load, MaglevOptions options, RandomSource random) {
        super(endpoints, load, options.boundedLoadFactor(), random);
        int size = options.tableSize();
        if (sorted.length > size) {
            throw new IllegalArgumentException("endpoints: " + sorted.length + " (expected: <= tableSize " + size + ")");
        }
        this.table = sorted.length == 0 ? new int[0] : build(sorted, size);
    }

    static int[] build(Endpoint[] sorted, int size) {
        int n = sorted.length;
        long[] offset = new long[n];
        long[] skip = new long[n];
        long[] weight = new long[n];
        for (int i = 0; i < n; i++) {
            long[] h = HashKeys.hash128(sorted[i].id());
            offset[i] = Long.remainderUnsigned(h[0], size);
            skip[i] = Long.remainderUnsigned(h[1], size - 1) + 1;
            weight[i] = sorted[i].weight();
        }
        return build(offset, skip, weight, size);
    }

    /** The table for endpoints with the given permutations ({@code offset + j·skip mod size}) and weights. */
    static int[] build(long[] offset, long[] skip, long[] weight, int size) {
        int n = offset.length;
        long[] next = offset.clone();
        long[] turns = new long[n];
        long maxWeight = 0;
        for (long w : weight) {
            maxWeight = Math.max(maxWeight, w);
        }
        int[] table = new int[size];
        Arrays.fill(table, -1);
        int filled = 0;
        for (long iteration = 1; filled < size; iteration++) {
            for (int i = 0; i < n && filled < size; i++) {
                if (iteration * weight[i] < turns[i] * maxWeight) {
                    continue;
                }
                turns[i]++;
                long slot = next[i];
                while (table[(int) slot] >= 0) {
                    slot += skip[i];
                    if (slot >= size) {
                        slot -= size;
                    }
                }
                table[(int) slot] = i;
                slot += skip[i];
                next[i] = slot >= size ? slot - size : slot;
                filled++;
            }
        }
        return table;
    }

    @Override
    int position(long hash) {
        return (int) Long.remainderUnsigned(hash, table.length);
    }

    @Override
    int owner(int position) {
        return table[position];
    }

    @Override
    int length() {
        return table.length;
    }

    /** Slots owned by each endpoint, indexed like the id-sorted endpoints (for tests). */
    int[] slotCounts() {
        int[] counts = new int[sorted.length];
        for (int owner : table) {
            counts[owner]++;
        }
        return counts;
    }

    @Override
    public String toString() {
        return "MaglevPicker[endpoints=" + sorted.length + ", tableSize=" + table.length + "]";
    }
}
