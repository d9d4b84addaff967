package dev.gossamer.membership;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counters of one node's protocol activity. Written by the node's thread, readable from any thread (metrics
 * scrapes, benchmarks).
 */
public final class MembershipStats {
    final AtomicLong probes = new AtomicLong();
    final AtomicLong failedProbes = new AtomicLong();
    final AtomicLong suspicions = new AtomicLong();
    final AtomicLong refutations = new AtomicLong();
    final AtomicLong packetsSent = new AtomicLong();
    final AtomicLong bytesSent = new AtomicLong();
    final AtomicLong packetsReceived = new AtomicLong();
    final AtomicLong bytesReceived = new AtomicLong();
    final AtomicLong pushPulls = new AtomicLong();
    final AtomicLong conflicts = new AtomicLong();
    private final Map<DropReason, AtomicLong> dropped = new EnumMap<>(DropReason.class);

    MembershipStats() {
        for (DropReason r : DropReason.values()) {
            dropped.put(r, new AtomicLong());
        }
    }

    void drop(DropReason r) {
        dropped.get(r).incrementAndGet();
    }

    /** Probes started by this node. */
    public long probes() { return probes.get(); }
    /** Probes that got no ack, direct or indirect, within the probe interval. */
    public long failedProbes() { return failedProbes.get(); }
    /** Members this node started suspecting. */
    public long suspicions() { return suspicions.get(); }
    /** Times this node refuted a suspicion or death of itself. */
    public long refutations() { return refutations.get(); }
    /** Datagrams and stream frames sent. */
    public long packetsSent() { return packetsSent.get(); }
    public long bytesSent() { return bytesSent.get(); }
    public long packetsReceived() { return packetsReceived.get(); }
    public long bytesReceived() { return bytesReceived.get(); }
    /** Push-pull exchanges this node started that completed. */
    public long pushPulls() { return pushPulls.get(); }
    /** Alive messages rejected because another member holds the id at another address. */
    public long conflicts() { return conflicts.get(); }

    /** Inputs dropped for {@code reason}. */
    public long dropped(DropReason reason) {
        return dropped.get(reason).get();
    }

    /** Inputs dropped for any reason. */
    public long droppedTotal() {
        long t = 0;
        for (AtomicLong a : dropped.values()) {
            t += a.get();
        }
        return t;
    }
}
