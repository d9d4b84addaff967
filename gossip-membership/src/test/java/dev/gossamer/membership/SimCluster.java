package dev.gossamer.membership;

import dev.gossamer.common.FakeScheduler;
import dev.gossamer.common.RandomSource;
import dev.gossamer.common.testing.Seeds;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** A seeded simulation of many {@link SwimNode}s on one {@link SimulatedNetwork} and fake clock. */
final class SimCluster {

    record Event(long nanos, String observer, MembershipEvent event) {
    }

    final long seed;
    final FakeScheduler scheduler = new FakeScheduler();
    final RandomSource random;
    final SimulatedNetwork net;
    final MembershipOptions options;
    final Map<String, SwimNode> nodes = new LinkedHashMap<>();
    final List<Event> events = new ArrayList<>();
    boolean recordEvents = true;
    private int created;

    SimCluster(long seed, MembershipOptions options) {
        this.seed = seed;
        this.random = RandomSource.seeded(seed);
        this.net = new SimulatedNetwork(scheduler, random);
        this.options = options;
    }

    static String address(String id) {
        return id + ":7946";
    }

    SwimNode add(String id, List<String> seedIds) {
        return add(id, seedIds, 0);
    }

    SwimNode add(String id, List<String> seedIds, long initialIncarnation) {
        SimulatedNetwork.Endpoint ep = net.endpoint(address(id));
        SwimNode n = new SwimNode(options, new LocalMember(id, address(id), Metadata.EMPTY), initialIncarnation, ep,
                ep, RandomSource.seeded(seed * 31 + (created++)));
        n.addListener(e -> {
            if (recordEvents) {
                events.add(new Event(scheduler.ticker().nanoTime(), id, e));
            }
        });
        nodes.put(id, n);
        n.start(seedIds.stream().map(SimCluster::address).toList(), ok -> { });
        return n;
    }

    /** Starts n nodes "n0".."n{n-1}" that all join through n0. */
    void startAll(int n) {
        add("n0", List.of());
        for (int i = 1; i < n; i++) {
            add("n" + i, List.of("n0"));
        }
    }

    void crash(String id) {
        net.crash(address(id));
        nodes.remove(id);
    }

    void run(Duration d) {
        scheduler.advance(d);
    }

    long nowNanos() {
        return scheduler.ticker().nanoTime();
    }

    /** Advances in steps of {@code step} until {@code cond} holds; returns elapsed nanos or -1 past {@code max}. */
    long runUntil(BooleanSupplier cond, Duration max, Duration step) {
        long start = nowNanos();
        long end = start + max.toNanos();
        while (!cond.getAsBoolean()) {
            if (nowNanos() >= end) {
                return -1;
            }
            scheduler.advance(step);
        }
        return nowNanos() - start;
    }

    /** Every running node sees exactly the running nodes alive and nothing else alive or suspect. */
    boolean converged() {
        int n = nodes.size();
        for (SwimNode node : nodes.values()) {
            if (node.count(MemberState.ALIVE) != n || node.count(MemberState.SUSPECT) != 0) {
                return false;
            }
        }
        for (SwimNode node : nodes.values()) {
            for (String id : nodes.keySet()) {
                Member m = node.member(id);
                if (m == null || m.state() != MemberState.ALIVE) {
                    return false;
                }
            }
        }
        return true;
    }

    boolean allSee(String id, MemberState state) {
        for (SwimNode node : nodes.values()) {
            Member m = node.member(id);
            if (m == null || m.state() != state) {
                return false;
            }
        }
        return true;
    }

    List<Event> eventsOf(MembershipEvent.Type type) {
        return events.stream().filter(e -> e.event().type() == type).toList();
    }

    /** The seed (as {@link Seeds#describe}), the time and a few members' counts, for assertion messages. */
    String describe() {
        StringBuilder sb = new StringBuilder("t=" + nowNanos() / 1_000_000 + "ms");
        int shown = 0;
        for (SwimNode node : nodes.values()) {
            if (shown++ < 5) {
                sb.append(" ").append(node.id()).append("[alive=").append(node.count(MemberState.ALIVE))
                        .append(" suspect=").append(node.count(MemberState.SUSPECT))
                        .append(" dead=").append(node.count(MemberState.DEAD)).append("]");
            }
        }
        return Seeds.describe(seed, sb.toString());
    }
}
