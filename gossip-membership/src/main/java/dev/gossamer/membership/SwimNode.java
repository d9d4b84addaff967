package dev.gossamer.membership;

import dev.gossamer.common.ErrorReports;
import dev.gossamer.common.RandomSource;
import dev.gossamer.common.Scheduler;
import dev.gossamer.common.Scheduler.Cancellable;
import dev.gossamer.common.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The SWIM + Lifeguard protocol state machine of one member (the design of HashiCorp memberlist). It owns no
 * sockets and no clock: it sends through a {@link Transport}, takes time and timers from a {@link Scheduler} and
 * random choices from a {@link RandomSource}, so a simulation runs hundreds of nodes on one fake clock.
 *
 * <p>What it does, every tick:
 * <ul>
 *   <li><b>probe</b> (every {@code probeInterval × (health+1)}): ping the next member of a shuffled round robin;
 *       no ack within {@code probeTimeout × (health+1)} → ask {@code k} members to ping-req it (they answer nack
 *       if they also get nothing); no ack by the end of the interval → suspect it. A suspect message rides on the
 *       ping to a suspected member so it can refute at once.</li>
 *   <li><b>suspicion</b>: a suspect becomes dead after a timeout that starts at
 *       {@code suspicionMaxTimeoutMult × min} and shrinks toward {@code min = suspicionMult × max(1, log10 n) ×
 *       probeInterval} as independent confirmations arrive.</li>
 *   <li><b>gossip</b> (every {@code gossipInterval}): send queued updates to {@code gossipNodes} random members;
 *       updates also piggyback on every ping, ack and nack, each sent {@code retransmitMult × ⌈log10(n+1)⌉}
 *       times.</li>
 *   <li><b>push-pull</b> (every {@code pushPullInterval}, scaled past 32 members; never when it is 0, though a
 *       join still does one): full state exchange with a random member; and with a random dead member every
 *       {@code reconnectInterval}, which heals partitions.</li>
 * </ul>
 * The formulas behind these numbers are in {@link SwimMath}. {@link #shutdown()} and {@link #leave} cancel every
 * timer the node armed. A listener that throws is logged (at most once a minute per listener) and ignored.
 * Incarnation numbers order what is said about a member; only the member raises its own, to refute.
 *
 * <p>Two additions to memberlist, found by the 10%-loss simulation (a member that missed a refutation epidemic
 * declared a live member dead when its suspicion timed out): while a member is suspect, every other probe goes to
 * it; and a member hearing an accusation older than its incarnation re-queues its alive, which then rides on the
 * ack (acks are sent after the rest of the packet is handled). Also, a ping-req helper nacks after 80% of the
 * probe timeout (Lifeguard), so the nack arrives before the prober's deadline.
 *
 * <p>Threading: not thread-safe. Every method, the transport's callbacks and the scheduler's tasks must run on
 * one thread (a Vert.x event loop, or the simulation thread). {@link #stats()} may be read from anywhere.
 */
public final class SwimNode {

    /** A compound's message count is one byte. */
    private static final int MAX_PARTS = 255;

    private final MembershipOptions opt;
    private final Transport transport;
    private final Scheduler scheduler;
    private final Ticker ticker;
    private final RandomSource random;
    private final WireCodec codec;
    private final MembershipStats stats = new MembershipStats();
    private final String selfId;
    private final String selfAddress;
    private Metadata selfMeta;
    private long incarnation;

    private final Map<String, Node> nodes = new HashMap<>();
    private final ArrayList<Node> nodeList = new ArrayList<>();
    private final ArrayList<Node> probeList = new ArrayList<>();
    /** Members that became suspect since our last look: probed first, so a node that missed a refutation asks. */
    private final java.util.ArrayDeque<Node> suspectsToProbe = new java.util.ArrayDeque<>();
    private boolean lastProbeWasSuspect;
    private int probeIndex;
    private final int[] countByState = new int[MemberState.values().length];

    private final Map<Integer, AckHandler> ackHandlers = new HashMap<>();
    private int nextSeq;
    private final BroadcastQueue broadcasts = new BroadcastQueue();
    private final Awareness awareness;
    private final List<MembershipListener> listeners = new CopyOnWriteArrayList<>();
    private final ErrorReports errors;
    // one handle per periodic loop, replaced each time the loop re-arms itself, all cancelled by shutdown
    private final Timer probeTimer = new Timer();
    private final Timer gossipTimer = new Timer();
    private final Timer pushPullTimer = new Timer();
    private final Timer reconnectTimer = new Timer();
    private final Timer joinRetryTimer = new Timer();
    private final Timer leaveTimer = new Timer();
    private Runnable leaveDone;
    private boolean running;
    private boolean leaving;
    private boolean joined;

    /** Mutable view of one member, including self. */
    private static final class Node {
        final String id;
        String address;
        Metadata meta;
        long incarnation;
        MemberState state = MemberState.DEAD;
        long stateChangeNanos;
        Suspicion suspicion;
        boolean inProbeList;
        boolean queuedAsSuspect;

        Node(String id, String address) {
            this.id = id;
            this.address = address;
        }
    }

    /** The pending handle of one of the node's timers; {@link #set} replaces it, {@link #cancel} clears it. */
    private static final class Timer {
        private Cancellable pending;

        void set(Cancellable c) {
            pending = c;
        }

        void cancel() {
            if (pending != null) {
                pending.cancel();
                pending = null;
            }
        }
    }

    /** Waits for the ack (or nack) of one sequence number; owns the timers that end the wait. */
    private interface AckHandler {
        void onAck();

        void onNack();

        /** Cancels this handler's timers (shutdown). */
        void cancelTimers();
    }

    public SwimNode(MembershipOptions options, LocalMember local, Transport transport, Scheduler scheduler,
                    RandomSource random) {
        this(options, local, 0, transport, scheduler, random);
    }

    /**
     * @param initialIncarnation where this node's incarnation starts; a restart may pass a value above the one it
     *     had (e.g. derived from wall-clock seconds) to rejoin without a refutation round trip
     */
    public SwimNode(MembershipOptions options, LocalMember local, long initialIncarnation, Transport transport,
                    Scheduler scheduler, RandomSource random) {
        this.opt = Objects.requireNonNull(options, "options");
        this.transport = Objects.requireNonNull(transport, "transport");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.random = Objects.requireNonNull(random, "random");
        this.ticker = scheduler.ticker();
        if (initialIncarnation < 0) {
            throw new IllegalArgumentException("initialIncarnation: " + initialIncarnation + " (expected: >= 0)");
        }
        checkMetadataSize(local.metadata());
        this.selfId = local.id();
        this.selfAddress = local.address();
        this.selfMeta = local.metadata();
        this.incarnation = initialIncarnation;
        this.codec = new WireCodec(options.clusterName(), options.keyring());
        this.awareness = new Awareness(options.awarenessMaxMultiplier());
        this.errors = new ErrorReports(ticker, SwimNode.class.getName(), "the protocol goes on");
    }

    private static void checkMetadataSize(Metadata m) {
        int size = WireCodec.metadataSize(m);
        if (size > Metadata.MAX_ENCODED_BYTES) {
            throw new IllegalArgumentException(
                    "metadata: " + size + " bytes encoded (expected: <= " + Metadata.MAX_ENCODED_BYTES + ")");
        }
    }

    // ---------------------------------------------------------------- lifecycle and public API

    /** Announces this node, starts the protocol timers and, if seeds are configured, joins through them. */
    public void start() {
        start(opt.seeds(), ok -> { });
    }

    /**
     * Like {@link #start()} with explicit seeds; {@code joined} gets true once a push-pull with a seed succeeded,
     * false when {@code joinMaxAttempts} ran out (never called again after that). No seeds: true at once.
     */
    public void start(List<String> seeds, Consumer<Boolean> joined) {
        if (running) {
            throw new IllegalStateException("already started");
        }
        running = true;
        transport.start(new Transport.Receiver() {
            @Override
            public void onPacket(String from, byte[] packet) {
                handlePacket(from, packet);
            }

            @Override
            public byte[] onStream(String from, byte[] request) {
                return handleStream(from, request);
            }

            @Override
            public void onDrop(DropReason reason) {
                stats.drop(reason);
            }
        });
        onAlive(new Message.Alive(incarnation, selfId, selfAddress, selfMeta), true);
        long probe = opt.probeInterval().toNanos();
        long gossip = opt.gossipInterval().toNanos();
        // random first offsets so simulated nodes do not tick in lockstep
        schedule(probeTimer, random.nextLong(probe), this::probeTick);
        schedule(gossipTimer, random.nextLong(gossip), this::gossipTick);
        schedulePushPull();
        schedule(reconnectTimer, random.nextLong(opt.reconnectInterval().toNanos()) + 1, this::reconnectTick);
        List<String> others = seeds.stream().filter(s -> !s.equals(selfAddress)).toList();
        if (others.isEmpty()) {
            this.joined = true;
            joined.accept(true);
        } else {
            joinAttempt(others, 0, joined);
        }
    }

    /**
     * Leaves gracefully: announces {@code left} to up to 32 members directly and by gossip, keeps gossiping for
     * {@code timeout}, then stops and runs {@code done}.
     */
    public void leave(Duration timeout, Runnable done) {
        if (!running || leaving) {
            done.run();
            return;
        }
        leaving = true;
        Message.Dead d = new Message.Dead(incarnation, selfId, selfId);
        onDead(d);
        byte[] part = WireCodec.encodePart(d);
        for (Node n : kRandom(32, n -> !n.id.equals(selfId) && !n.state.isGone())) {
            sendParts(n.address, List.of(part));
        }
        leaveDone = done;
        leaveTimer.set(scheduler.schedule(timeout, this::shutdown));
    }

    /**
     * Stops without telling anyone (what a crash looks like to others): cancels every timer of this node (probe,
     * gossip, push-pull, reconnect, join retry, probe and ping-req deadlines, suspicions, a pending leave, whose
     * {@code done} then runs) and closes the transport. Idempotent.
     */
    public void shutdown() {
        if (!running) {
            return;
        }
        running = false;
        for (Timer t : List.of(probeTimer, gossipTimer, pushPullTimer, reconnectTimer, joinRetryTimer, leaveTimer)) {
            t.cancel();
        }
        for (Node n : nodeList) {
            cancelSuspicion(n);
        }
        for (AckHandler h : ackHandlers.values()) {
            h.cancelTimers();
        }
        ackHandlers.clear();
        transport.close();
        Runnable done = leaveDone;
        leaveDone = null;
        if (done != null) {
            done.run();
        }
    }

    /** Announces new metadata with a new incarnation. */
    public void updateMetadata(Metadata metadata) {
        checkMetadataSize(metadata);
        if (!running || leaving) {
            throw new IllegalStateException("not running");
        }
        selfMeta = metadata;
        incarnation++;
        onAlive(new Message.Alive(incarnation, selfId, selfAddress, selfMeta), true);
    }

    public void addListener(MembershipListener l) {
        listeners.add(Objects.requireNonNull(l, "listener"));
    }

    public void removeListener(MembershipListener l) {
        listeners.remove(l);
        errors.forget(l);
    }

    /** A snapshot of every known member including self and tombstones. */
    public List<Member> members() {
        List<Member> out = new ArrayList<>(nodeList.size());
        for (Node n : nodeList) {
            out.add(snapshot(n));
        }
        return out;
    }

    /** Snapshot of one member, or null if unknown. */
    public Member member(String id) {
        Node n = nodes.get(id);
        return n == null ? null : snapshot(n);
    }

    /** This node's own snapshot. */
    public Member self() {
        return snapshot(nodes.get(selfId));
    }

    public String id() {
        return selfId;
    }

    public String address() {
        return selfAddress;
    }

    public long incarnation() {
        return incarnation;
    }

    /** Lifeguard local health multiplier, 0 (healthy) .. awarenessMaxMultiplier − 1. */
    public int localHealth() {
        return awareness.score();
    }

    /** Members alive or suspect, self included (the protocol's n). */
    public int liveMembers() {
        return countByState[MemberState.ALIVE.ordinal()] + countByState[MemberState.SUSPECT.ordinal()];
    }

    /** Members currently in {@code state}. */
    public int count(MemberState state) {
        return countByState[state.ordinal()];
    }

    /** True once a join through a seed succeeded, or when there were no seeds. */
    public boolean joined() {
        return joined;
    }

    public boolean running() {
        return running;
    }

    public MembershipStats stats() {
        return stats;
    }

    /** Updates waiting to be gossiped. */
    public int pendingBroadcasts() {
        return broadcasts.size();
    }

    private Member snapshot(Node n) {
        boolean local = n.id.equals(selfId);
        return new Member(n.id, n.address, n.state, n.incarnation, n.meta, local, local ? awareness.score() : 0);
    }

    private Node selfNode() {
        return nodes.get(selfId);
    }

    // ---------------------------------------------------------------- join

    /** One round of join attempts: a push-pull with every seed at once; the round succeeds if any answered. */
    private final class JoinRound {
        final List<String> seeds;
        final int attempt;
        final Consumer<Boolean> done;
        int pending;
        boolean anyOk;

        JoinRound(List<String> seeds, int attempt, Consumer<Boolean> done) {
            this.seeds = seeds;
            this.attempt = attempt;
            this.done = done;
            this.pending = seeds.size();
        }

        void onSeedAnswered(boolean ok) {
            anyOk |= ok;
            if (--pending > 0 || !running) {
                return;
            }
            if (anyOk) {
                if (!joined) {
                    joined = true;
                    done.accept(true);
                }
            } else if (opt.joinMaxAttempts() > 0 && attempt + 1 >= opt.joinMaxAttempts()) {
                done.accept(false);
            } else {
                long backoff = SwimMath.joinBackoffNanos(opt.joinRetryInitialBackoff().toNanos(),
                        opt.joinRetryMaxBackoff().toNanos(), attempt);
                // jitter so nodes that failed together do not retry together
                long delay = backoff / 2 + random.nextLong(backoff / 2 + 1);
                schedule(joinRetryTimer, delay, () -> joinAttempt(seeds, attempt + 1, done));
            }
        }
    }

    private void joinAttempt(List<String> seeds, int attempt, Consumer<Boolean> done) {
        if (!running) {
            return;
        }
        JoinRound round = new JoinRound(seeds, attempt, done);
        for (String seed : seeds) {
            pushPull(seed, true, round::onSeedAnswered);
        }
    }

    // ---------------------------------------------------------------- probing (SWIM failure detector)

    private void probeTick() {
        if (!running) {
            return;
        }
        long interval = awareness.scale(opt.probeInterval().toNanos());
        schedule(probeTimer, interval, this::probeTick);
        Node target = nextProbeTarget();
        if (target != null) {
            probe(target, interval);
        }
    }

    private void schedule(Timer timer, long nanos, Runnable task) {
        timer.set(scheduler.schedule(Duration.ofNanos(nanos), task));
    }

    private Node nextProbeTarget() {
        // While a member is suspect, every other probe goes to it (same probe rate, round robin on the other
        // ticks): the buddy suspect on our ping makes it refute, and a member that missed its refutation gets the
        // alive back on the ack instead of declaring it dead when the suspicion times out.
        if (!lastProbeWasSuspect) {
            while (!suspectsToProbe.isEmpty()) {
                Node n = suspectsToProbe.poll();
                n.queuedAsSuspect = false;
                if (n.state == MemberState.SUSPECT && nodes.get(n.id) == n) {
                    lastProbeWasSuspect = true;
                    return n;
                }
            }
        }
        lastProbeWasSuspect = false;
        for (int tries = 0; tries <= probeList.size() + 1; tries++) {
            if (probeIndex >= probeList.size()) {
                resetProbeList();
                if (probeList.isEmpty()) {
                    return null;
                }
            }
            Node n = probeList.get(probeIndex++);
            if ((n.state == MemberState.ALIVE || n.state == MemberState.SUSPECT) && nodes.get(n.id) == n) {
                return n;
            }
        }
        return null;
    }

    /** New round: reshuffle live members, forget expired tombstones. */
    private void resetProbeList() {
        reapTombstones();
        for (Node n : probeList) {
            n.inProbeList = false;
        }
        probeList.clear();
        for (Node n : nodeList) {
            if (!n.id.equals(selfId) && !n.state.isGone()) {
                probeList.add(n);
                n.inProbeList = true;
            }
        }
        for (int i = probeList.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            Node t = probeList.get(i);
            probeList.set(i, probeList.get(j));
            probeList.set(j, t);
        }
        probeIndex = 0;
    }

    private void reapTombstones() {
        long now = ticker.nanoTime();
        long ttl = opt.tombstoneTimeout().toNanos();
        List<Node> reaped = null;
        for (Node n : nodeList) {
            if (n.state.isGone() && !n.id.equals(selfId) && now - n.stateChangeNanos > ttl) {
                if (reaped == null) {
                    reaped = new ArrayList<>();
                }
                reaped.add(n);
            }
        }
        if (reaped != null) {
            for (Node n : reaped) {
                nodes.remove(n.id);
                countByState[n.state.ordinal()]--;
                fire(MembershipEvent.Type.REAPED, n);
            }
            nodeList.removeIf(n -> nodes.get(n.id) != n);
        }
    }

    private final class Probe implements AckHandler {
        final Node target;
        final int seq;
        int expectedNacks;
        int nacks;
        boolean done;
        Cancellable timeoutTimer;
        Cancellable endTimer;

        Probe(Node target, int seq) {
            this.target = target;
            this.seq = seq;
        }

        @Override
        public void onAck() {
            if (done) {
                return;
            }
            done = true;
            ackHandlers.remove(seq);
            timeoutTimer.cancel();
            endTimer.cancel();
            awareness.applyDelta(-1);
            queueSuspectProbe(target);
        }

        @Override
        public void onNack() {
            nacks++;
        }

        @Override
        public void cancelTimers() {
            timeoutTimer.cancel();
            endTimer.cancel();
        }
    }

    private void probe(Node target, long intervalNanos) {
        int seq = ++nextSeq;
        Probe p = new Probe(target, seq);
        ackHandlers.put(seq, p);
        stats.probes.incrementAndGet();
        List<byte[]> parts = new ArrayList<>(2);
        parts.add(WireCodec.encodePart(new Message.Ping(seq, target.id, selfId)));
        if (target.state == MemberState.SUSPECT) {
            // Lifeguard buddy system: tell the suspect directly so it can refute at once
            parts.add(WireCodec.encodePart(new Message.Suspect(target.incarnation, target.id, selfId)));
        }
        sendParts(target.address, parts);
        long timeout = awareness.scale(opt.probeTimeout().toNanos());
        p.timeoutTimer = scheduler.schedule(Duration.ofNanos(timeout), () -> probeTimedOut(p));
        p.endTimer = scheduler.schedule(Duration.ofNanos(intervalNanos), () -> probeEnded(p));
    }

    private void probeTimedOut(Probe p) {
        if (p.done || !running) {
            return;
        }
        List<Node> helpers = kRandom(opt.indirectChecks(),
                n -> n.state == MemberState.ALIVE && n != p.target && !n.id.equals(selfId));
        byte[] req = WireCodec.encodePart(new Message.IndirectPing(p.seq, p.target.id, p.target.address, true));
        for (Node h : helpers) {
            sendParts(h.address, List.of(req));
        }
        p.expectedNacks = helpers.size();
    }

    private void probeEnded(Probe p) {
        if (p.done || !running) {
            return;
        }
        p.done = true;
        ackHandlers.remove(p.seq);
        stats.failedProbes.incrementAndGet();
        // Lifeguard: missing nacks mean our own network is likely the problem
        if (p.expectedNacks > 0) {
            awareness.applyDelta(Math.max(0, p.expectedNacks - p.nacks));
        } else {
            awareness.applyDelta(1);
        }
        Node t = p.target;
        if (nodes.get(t.id) == t && !t.state.isGone()) {
            onSuspect(new Message.Suspect(t.incarnation, t.id, selfId));
            queueSuspectProbe(t);
        }
    }

    // ---------------------------------------------------------------- periodic gossip, push-pull, reconnect

    private void gossipTick() {
        if (!running) {
            return;
        }
        schedule(gossipTimer, opt.gossipInterval().toNanos(), this::gossipTick);
        if (broadcasts.isEmpty()) {
            return;
        }
        long now = ticker.nanoTime();
        long toTheDead = opt.gossipToTheDeadTime().toNanos();
        List<Node> targets = kRandom(opt.gossipNodes(), n -> !n.id.equals(selfId)
                && (!n.state.isGone() || now - n.stateChangeNanos < toTheDead));
        for (Node t : targets) {
            if (broadcasts.isEmpty()) {
                break;
            }
            sendParts(t.address, List.of());
        }
    }

    /** Arms the next periodic push-pull, unless {@code pushPullInterval} is zero (disabled, as in memberlist). */
    private void schedulePushPull() {
        long base = opt.pushPullInterval().toNanos();
        if (base == 0) {
            return;
        }
        long interval = SwimMath.pushPullScaledNanos(base, Math.max(1, liveMembers()));
        // uniform in (interval/2, interval]: nodes that started together do not sync together
        schedule(pushPullTimer, interval / 2 + random.nextLong(interval / 2 + 1) + 1, this::pushPullTick);
    }

    private void pushPullTick() {
        if (!running) {
            return;
        }
        schedulePushPull();
        List<Node> peer = kRandom(1, n -> n.state == MemberState.ALIVE && !n.id.equals(selfId));
        if (!peer.isEmpty()) {
            pushPull(peer.get(0).address, false, ok -> { });
        }
    }

    private void reconnectTick() {
        if (!running) {
            return;
        }
        schedule(reconnectTimer, opt.reconnectInterval().toNanos(), this::reconnectTick);
        // Serf's reconnect: talking to a member we think dead lets each side learn the other is alive
        List<Node> dead = kRandom(1, n -> n.state == MemberState.DEAD);
        if (!dead.isEmpty()) {
            pushPull(dead.get(0).address, false, ok -> { });
        }
    }

    private void pushPull(String address, boolean join, Consumer<Boolean> done) {
        byte[] req = codec.stream(new Message.PushPull(join, localState()));
        stats.packetsSent.incrementAndGet();
        stats.bytesSent.addAndGet(req.length);
        transport.exchange(address, req, opt.streamTimeout(), (resp, err) -> {
            if (!running) {
                return;
            }
            if (err != null) {
                done.accept(false);
                return;
            }
            stats.packetsReceived.incrementAndGet();
            stats.bytesReceived.addAndGet(resp.length);
            WireCodec.Decoded d = codec.decodeStream(resp);
            if (d.drop() != null) {
                stats.drop(d.drop());
                done.accept(false);
                return;
            }
            if (!(d.messages().get(0) instanceof Message.PushPull pp)) {
                stats.drop(DropReason.UNEXPECTED_MESSAGE);
                done.accept(false);
                return;
            }
            guarded(() -> mergeState(pp.members()));
            stats.pushPulls.incrementAndGet();
            done.accept(true);
        });
    }

    private List<Message.MemberRecord> localState() {
        List<Message.MemberRecord> out = new ArrayList<>(nodeList.size());
        for (Node n : nodeList) {
            out.add(new Message.MemberRecord(n.id, n.address, n.incarnation, n.state, n.meta));
        }
        return out;
    }

    /** memberlist mergeState: remote dead is only a suspicion here, so one node's view cannot kill another. */
    private void mergeState(List<Message.MemberRecord> remote) {
        for (Message.MemberRecord r : remote) {
            switch (r.state()) {
                case ALIVE -> onAlive(new Message.Alive(r.incarnation(), r.id(), r.address(), r.metadata()), false);
                case LEFT -> onDead(new Message.Dead(r.incarnation(), r.id(), r.id()));
                case DEAD, SUSPECT -> onSuspect(new Message.Suspect(r.incarnation(), r.id(), selfId));
            }
        }
    }

    // ---------------------------------------------------------------- incoming

    /** Entry point for a datagram; bad input is dropped and counted, never thrown. */
    void handlePacket(String from, byte[] packet) {
        if (!running) {
            return;
        }
        stats.packetsReceived.incrementAndGet();
        stats.bytesReceived.addAndGet(packet == null ? 0 : packet.length);
        WireCodec.Decoded d = codec.decodePacket(packet);
        if (d.drop() != null) {
            stats.drop(d.drop());
            return;
        }
        // pings last, so the ack piggybacks whatever the rest of the packet made us queue (e.g. a refutation)
        for (Message m : d.messages()) {
            if (!(m instanceof Message.Ping)) {
                guarded(() -> handleMessage(from, m));
            }
        }
        for (Message m : d.messages()) {
            if (m instanceof Message.Ping) {
                guarded(() -> handleMessage(from, m));
            }
        }
    }

    /** Entry point for a push-pull request: merge theirs, answer with ours (after the merge, so refutations go back). */
    byte[] handleStream(String from, byte[] request) {
        if (!running) {
            return null;
        }
        stats.packetsReceived.incrementAndGet();
        stats.bytesReceived.addAndGet(request == null ? 0 : request.length);
        WireCodec.Decoded d = codec.decodeStream(request);
        if (d.drop() != null) {
            stats.drop(d.drop());
            return null;
        }
        if (!(d.messages().get(0) instanceof Message.PushPull pp)) {
            stats.drop(DropReason.UNEXPECTED_MESSAGE);
            return null;
        }
        guarded(() -> mergeState(pp.members()));
        byte[] resp = codec.stream(new Message.PushPull(false, localState()));
        stats.packetsSent.incrementAndGet();
        stats.bytesSent.addAndGet(resp.length);
        return resp;
    }

    private void guarded(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            stats.drop(DropReason.INTERNAL_ERROR);
            errors.report("protocol", "handling a message", e);
        }
    }

    private void handleMessage(String from, Message m) {
        if (m instanceof Message.Ping p) {
            if (!p.target().equals(selfId)) {
                stats.drop(DropReason.WRONG_TARGET);
                return;
            }
            sendParts(from, List.of(WireCodec.encodePart(new Message.Ack(p.seq()))));
        } else if (m instanceof Message.IndirectPing ip) {
            relayPing(from, ip);
        } else if (m instanceof Message.Ack a) {
            AckHandler h = ackHandlers.get(a.seq());
            if (h != null) {
                h.onAck();
            }
        } else if (m instanceof Message.Nack nk) {
            AckHandler h = ackHandlers.get(nk.seq());
            if (h != null) {
                h.onNack();
            }
        } else if (m instanceof Message.Suspect s) {
            onSuspect(s);
        } else if (m instanceof Message.Alive a) {
            onAlive(a, false);
        } else if (m instanceof Message.Dead d) {
            onDead(d);
        } else {
            stats.drop(DropReason.UNEXPECTED_MESSAGE);
        }
    }

    /**
     * A ping-req we help with: ping the target for the requester, relay its ack, or nack when it does not answer in
     * time.
     */
    private final class Relay implements AckHandler {
        final String requester;
        final Message.IndirectPing request;
        final int seq;
        boolean done;
        Cancellable nackTimer;

        Relay(String requester, Message.IndirectPing request, int seq) {
            this.requester = requester;
            this.request = request;
            this.seq = seq;
        }

        @Override
        public void onAck() {
            if (done) {
                return;
            }
            done = true;
            ackHandlers.remove(seq);
            nackTimer.cancel();
            sendParts(requester, List.of(WireCodec.encodePart(new Message.Ack(request.seq()))));
        }

        @Override
        public void onNack() {
        }

        void timedOut() {
            if (done || !running) {
                return;
            }
            done = true;
            ackHandlers.remove(seq);
            if (request.wantNack()) {
                sendParts(requester, List.of(WireCodec.encodePart(new Message.Nack(request.seq()))));
            }
        }

        @Override
        public void cancelTimers() {
            nackTimer.cancel();
        }
    }

    private void relayPing(String requester, Message.IndirectPing ip) {
        int seq = ++nextSeq;
        Relay relay = new Relay(requester, ip, seq);
        ackHandlers.put(seq, relay);
        // the timer is armed before the ping leaves, so an ack can always cancel it
        long nackAfter = SwimMath.indirectNackNanos(opt.probeTimeout().toNanos());
        relay.nackTimer = scheduler.schedule(Duration.ofNanos(nackAfter), relay::timedOut);
        sendParts(ip.targetAddress(), List.of(WireCodec.encodePart(new Message.Ping(seq, ip.target(), selfId))));
    }

    // ---------------------------------------------------------------- state transitions

    private void onAlive(Message.Alive a, boolean bootstrap) {
        boolean isSelf = a.node().equals(selfId);
        if (isSelf && !bootstrap) {
            if (leaving || a.incarnation() < incarnation) {
                return;
            }
            if (a.incarnation() == incarnation && a.address().equals(selfAddress) && a.metadata().equals(selfMeta)) {
                return;
            }
            // someone claims to be us with a newer or different record: assert ourselves
            refute(a.incarnation());
            return;
        }
        long now = ticker.nanoTime();
        Node n = nodes.get(a.node());
        boolean isNew = n == null;
        boolean reclaim = false;
        if (isNew) {
            n = new Node(a.node(), a.address());
            n.incarnation = a.incarnation();
            n.stateChangeNanos = now;
            nodes.put(n.id, n);
            nodeList.add(n);
            countByState[n.state.ordinal()]++;
        } else if (!n.address.equals(a.address())) {
            boolean reclaimable = n.state == MemberState.LEFT || (n.state == MemberState.DEAD
                    && now - n.stateChangeNanos >= opt.deadNodeReclaimTime().toNanos());
            if (!reclaimable) {
                stats.conflicts.incrementAndGet();
                return;
            }
            reclaim = true;
        }
        if (!isNew && !reclaim && !bootstrap && a.incarnation() <= n.incarnation) {
            return;
        }
        if (!isNew && !reclaim && bootstrap && a.incarnation() < n.incarnation) {
            return;
        }
        cancelSuspicion(n);
        broadcasts.add(n.id, WireCodec.encodePart(a));
        MemberState prev = isNew ? null : n.state;
        boolean changed = !isNew && (!a.address().equals(n.address) || !a.metadata().equals(n.meta));
        n.incarnation = a.incarnation();
        n.address = a.address();
        n.meta = a.metadata();
        if (n.state != MemberState.ALIVE) {
            setState(n, MemberState.ALIVE, now);
        }
        if (!n.inProbeList && !isSelf) {
            probeList.add(random.nextInt(probeList.size() + 1), n);
            n.inProbeList = true;
        }
        if (prev == null || prev.isGone()) {
            fire(MembershipEvent.Type.JOINED, n);
        } else if (prev == MemberState.SUSPECT) {
            fire(MembershipEvent.Type.RECOVERED, n);
            if (changed) {
                fire(MembershipEvent.Type.UPDATED, n);
            }
        } else if (changed) {
            fire(MembershipEvent.Type.UPDATED, n);
        }
    }

    private void onSuspect(Message.Suspect s) {
        Node n = nodes.get(s.node());
        if (n == null) {
            return;
        }
        if (s.incarnation() < n.incarnation) {
            if (n.id.equals(selfId)) {
                reannounce();
            }
            return;
        }
        if (n.suspicion != null) {
            if (s.incarnation() == n.incarnation && n.suspicion.confirm(s.from())) {
                broadcasts.add(n.id, WireCodec.encodePart(s));
                armSuspicionTimer(n);
            }
            return;
        }
        if (n.state != MemberState.ALIVE) {
            return;
        }
        if (n.id.equals(selfId)) {
            if (!leaving) {
                refute(s.incarnation());
            }
            return;
        }
        long now = ticker.nanoTime();
        broadcasts.add(n.id, WireCodec.encodePart(s));
        stats.suspicions.incrementAndGet();
        n.incarnation = s.incarnation();
        setState(n, MemberState.SUSPECT, now);
        int live = liveMembers();
        int k = SwimMath.suspicionConfirmations(opt.suspicionMult(), live);
        long min = SwimMath.suspicionMinNanos(opt.suspicionMult(), live, opt.probeInterval().toNanos());
        long max = SwimMath.suspicionMaxNanos(opt.suspicionMaxTimeoutMult(), min);
        n.suspicion = new Suspicion(s.from(), k, min, max, now);
        armSuspicionTimer(n);
        queueSuspectProbe(n);
        fire(MembershipEvent.Type.SUSPECTED, n);
    }

    private void queueSuspectProbe(Node n) {
        if (!n.queuedAsSuspect && n.state == MemberState.SUSPECT && nodes.get(n.id) == n) {
            n.queuedAsSuspect = true;
            suspectsToProbe.add(n);
        }
    }

    private void armSuspicionTimer(Node n) {
        Suspicion sus = n.suspicion;
        if (sus.timer != null) {
            sus.timer.cancel();
        }
        sus.timer = scheduler.schedule(Duration.ofNanos(sus.remainingNanos(ticker.nanoTime())), () -> {
            if (running && n.suspicion == sus && nodes.get(n.id) == n && n.state == MemberState.SUSPECT) {
                onDead(new Message.Dead(n.incarnation, n.id, selfId));
            }
        });
    }

    private void cancelSuspicion(Node n) {
        if (n.suspicion != null) {
            if (n.suspicion.timer != null) {
                n.suspicion.timer.cancel();
            }
            n.suspicion = null;
        }
    }

    private void onDead(Message.Dead d) {
        Node n = nodes.get(d.node());
        if (n == null) {
            return;
        }
        if (d.incarnation() < n.incarnation) {
            if (n.id.equals(selfId)) {
                reannounce();
            }
            return;
        }
        if (n.state.isGone()) {
            return;
        }
        if (n.id.equals(selfId) && !leaving) {
            refute(d.incarnation());
            return;
        }
        broadcasts.add(n.id, WireCodec.encodePart(d));
        cancelSuspicion(n);
        n.incarnation = d.incarnation();
        boolean left = d.from().equals(d.node());
        setState(n, left ? MemberState.LEFT : MemberState.DEAD, ticker.nanoTime());
        fire(left ? MembershipEvent.Type.LEFT : MembershipEvent.Type.FAILED, n);
    }

    /**
     * Someone still accuses an incarnation we already refuted, so they missed our alive: queue it again (fresh
     * transmit count) without a new incarnation. Not in memberlist; closes the gap where a member that missed the
     * refutation declares us dead when its suspicion times out.
     */
    private void reannounce() {
        if (leaving) {
            return;
        }
        broadcasts.add(selfId, WireCodec.encodePart(new Message.Alive(incarnation, selfId, selfAddress, selfMeta)));
    }

    private void refute(long accused) {
        incarnation = Math.max(incarnation + 1, accused + 1);
        selfNode().incarnation = incarnation;
        broadcasts.add(selfId, WireCodec.encodePart(new Message.Alive(incarnation, selfId, selfAddress, selfMeta)));
        stats.refutations.incrementAndGet();
        awareness.applyDelta(1);
    }

    private void setState(Node n, MemberState s, long now) {
        countByState[n.state.ordinal()]--;
        n.state = s;
        countByState[s.ordinal()]++;
        n.stateChangeNanos = now;
    }

    private void fire(MembershipEvent.Type type, Node n) {
        if (listeners.isEmpty()) {
            return;
        }
        MembershipEvent e = new MembershipEvent(type, snapshot(n));
        for (MembershipListener l : listeners) {
            try {
                l.onEvent(e);
            } catch (RuntimeException ex) {
                // a listener's bug must not break the protocol; logged, at most once a minute per listener
                errors.report(l, "membership listener " + l + " on " + type, ex);
            }
        }
    }

    // ---------------------------------------------------------------- sending

    private int retransmitLimit() {
        return SwimMath.retransmitLimit(opt.retransmitMult(), liveMembers());
    }

    /** Sends {@code parts} plus as many queued broadcasts as fit in one packet. Nothing at all: no packet. */
    private void sendParts(String address, List<byte[]> parts) {
        int room = opt.maxPacketSize() - codec.packetOverhead();
        for (byte[] p : parts) {
            room -= p.length;
        }
        List<byte[]> piggy = broadcasts.take(room, MAX_PARTS - parts.size(), Math.max(1, retransmitLimit()));
        if (parts.isEmpty() && piggy.isEmpty()) {
            return;
        }
        List<byte[]> all;
        if (piggy.isEmpty()) {
            all = parts;
        } else {
            all = new ArrayList<>(parts.size() + piggy.size());
            all.addAll(parts);
            all.addAll(piggy);
        }
        byte[] packet = codec.packet(all);
        stats.packetsSent.incrementAndGet();
        stats.bytesSent.addAndGet(packet.length);
        transport.sendPacket(address, packet);
    }

    /** Up to k distinct random members matching {@code filter} (memberlist kRandomNodes: 3n random tries). */
    private List<Node> kRandom(int k, Predicate<Node> filter) {
        int size = nodeList.size();
        List<Node> out = new ArrayList<>(k);
        if (k <= 0 || size == 0) {
            return out;
        }
        for (int i = 0; i < 3 * size && out.size() < k; i++) {
            Node n = nodeList.get(random.nextInt(size));
            if (filter.test(n) && !out.contains(n)) {
                out.add(n);
            }
        }
        return out;
    }
}
