package dev.gossamer.balancer;

import dev.gossamer.common.RandomSource;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * A hash ring (Karger et al.; Envoy's {@code ring_hash}): endpoint i owns {@code points_i} points, the hashes of
 * {@code "<id>_0"}, {@code "<id>_1"}, …; a key belongs to the first point at or after its hash, wrapping around.
 *
 * <p>Layout: one sorted {@code long[]} whose entries are the point hash with its low bits replaced by the owner's
 * index (8 bytes per point, one cache line per probe), plus a bucket index on the top bits that narrows the binary
 * search to a handful of entries.
 */
final class RingHashPicker extends ConsistentHashPicker {

    private final long[] ring;
    private final long ownerMask;
    private final int bucketShift;
    private final int[] bucketStart;

    RingHashPicker(List<Endpoint> endpoints, ActiveRequests load, RingHashOptions options, RandomSource random) {
        super(endpoints, load, options.boundedLoadFactor(), random);
        int n = sorted.length;
        int ownerBits = Math.max(1, 32 - Integer.numberOfLeadingZeros(Math.max(1, n - 1)));
        this.ownerMask = (1L << ownerBits) - 1;
        int[] points = pointCounts(sorted, options);
        long length = 0;
        for (int p : points) {
            length += p;
        }
        ring = new long[(int) length];
        int k = 0;
        for (int i = 0; i < n; i++) {
            // The UTF-8 bytes of "<id>_<j>", written in place: the same hash as HashKeys.hash(id + "_" + j).
            byte[] prefix = (sorted[i].id() + "_").getBytes(StandardCharsets.UTF_8);
            byte[] buffer = Arrays.copyOf(prefix, prefix.length + 10);
            for (int j = 0; j < points[i]; j++) {
                int end = writeDecimal(j, buffer, prefix.length);
                ring[k++] = (HashKeys.hash(buffer, 0, end) & ~ownerMask) | i;
            }
        }
        Arrays.sort(ring);
        // About four entries per bucket.
        int bucketBits = Math.max(1, Math.min(24, 31 - Integer.numberOfLeadingZeros(Math.max(1, ring.length)) - 2));
        bucketShift = 64 - bucketBits;
        bucketStart = new int[(1 << bucketBits) + 1];
        int entry = 0;
        for (int b = 0; b <= 1 << bucketBits; b++) {
            while (entry < ring.length && bucket(ring[entry]) < b) {
                entry++;
            }
            bucketStart[b] = entry;
        }
    }

    /** Writes {@code value >= 0} in decimal at {@code offset}; returns the end. */
    private static int writeDecimal(int value, byte[] buffer, int offset) {
        int digits = value < 10 ? 1 : (int) Math.floor(Math.log10(value)) + 1;
        int end = offset + digits;
        for (int p = end - 1; p >= offset; p--) {
            buffer[p] = (byte) ('0' + value % 10);
            value /= 10;
        }
        return end;
    }

    /** Points per endpoint: {@code max(1, round(R · w_i / W))}, each computed on its own (see RingHashOptions). */
    static int[] pointCounts(Endpoint[] sorted, RingHashOptions options) {
        int n = sorted.length;
        int[] points = new int[n];
        if (n == 0) {
            return points;
        }
        long target = Math.max(options.minRingSize(),
                Math.min((long) options.maxRingSize(), (long) n * options.pointsPerEndpoint()));
        double perWeight = (double) target / Pickers.totalWeight(sorted);
        for (int i = 0; i < n; i++) {
            points[i] = (int) Math.max(1, Math.round(perWeight * sorted[i].weight()));
        }
        return points;
    }

    private int bucket(long value) {
        return (int) ((value ^ Long.MIN_VALUE) >>> bucketShift);
    }

    @Override
    int position(long hash) {
        long target = hash & ~ownerMask;
        int b = bucket(target);
        int lo = bucketStart[b];
        int hi = bucketStart[b + 1];
        // First entry >= target within the bucket; if none, the first entry of a later bucket.
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (ring[mid] < target) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo == ring.length ? 0 : lo;
    }

    @Override
    int owner(int position) {
        return (int) (ring[position] & ownerMask);
    }

    @Override
    int length() {
        return ring.length;
    }

    /** The raw ring entry at {@code position}: point hash with the owner in its low bits (for tests). */
    long entry(int position) {
        return ring[position];
    }

    @Override
    public String toString() {
        return "RingHashPicker[endpoints=" + sorted.length + ", points=" + ring.length + "]";
    }
}
