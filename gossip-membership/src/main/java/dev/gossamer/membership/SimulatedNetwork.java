package dev.gossamer.membership;

import dev.gossamer.common.RandomSource;
import dev.gossamer.common.Scheduler;
import dev.gossamer.common.Ticker;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * An in-memory network for simulations: every member's {@link Transport} and timers run on one {@link Scheduler}
 * (a {@code FakeScheduler} in tests), on one thread, with seeded packet loss, random delay, partitions, paused
 * members (a GC pause: their timers and deliveries wait until resumed) and crashed members (everything to and
 * from them vanishes). Streams (push-pull) are reliable like TCP but blocked by partitions and crashes.
 *
 * <p>Threading: single-threaded; use it only from the thread that runs the scheduler.
 */
public final class SimulatedNetwork {

    private final Scheduler scheduler;
    private final RandomSource random;
    private final Map<String, Endpoint> endpoints = new HashMap<>();
    private final Set<String> sideA = new HashSet<>();
    private boolean partitioned;
    private double loss;
    private long minDelayNanos = Duration.ofMillis(1).toNanos();
    private long maxDelayNanos = Duration.ofMillis(5).toNanos();
    private long packetsSent;
    private long packetsDropped;
    private long bytesSent;

    public SimulatedNetwork(Scheduler scheduler, RandomSource random) {
        this.scheduler = scheduler;
        this.random = random;
    }

    public Ticker ticker() {
        return scheduler.ticker();
    }

    /** Probability in [0, 1) that a datagram is lost, on every link. */
    public void setLoss(double loss) {
        if (!(loss >= 0 && loss < 1)) {
            throw new IllegalArgumentException("loss: " + loss + " (expected: 0 <= loss < 1)");
        }
        this.loss = loss;
    }

    /** One-way delay, uniform in [min, max]. */
    public void setDelay(Duration min, Duration max) {
        if (min.isNegative() || max.compareTo(min) < 0) {
            throw new IllegalArgumentException("delay: " + min + ".." + max + " (expected: 0 <= min <= max)");
        }
        minDelayNanos = min.toNanos();
        maxDelayNanos = max.toNanos();
    }

    /** Splits the network: members in {@code side} reach only each other, the rest only each other. */
    public void partition(Collection<String> side) {
        sideA.clear();
        sideA.addAll(side);
        partitioned = true;
    }

    public void heal() {
        partitioned = false;
        sideA.clear();
    }

    /** A new endpoint at {@code address}; one that was there before (crashed) is replaced. */
    public Endpoint endpoint(String address) {
        Endpoint old = endpoints.get(address);
        if (old != null) {
            old.crashed = true;
        }
        Endpoint e = new Endpoint(address);
        endpoints.put(address, e);
        return e;
    }

    /** Stops {@code address} abruptly: its timers never run, its packets vanish. */
    public void crash(String address) {
        Endpoint e = endpoints.get(address);
        if (e != null) {
            e.crashed = true;
        }
    }

    /** Freezes {@code address}: its timers and incoming traffic wait until {@link #resume}. */
    public void pause(String address) {
        endpoints.get(address).paused = true;
    }

    public void resume(String address) {
        Endpoint e = endpoints.get(address);
        e.paused = false;
        while (!e.deferred.isEmpty() && !e.paused && !e.crashed) {
            e.deferred.poll().run();
        }
    }

    public long packetsSent() {
        return packetsSent;
    }

    public long packetsDropped() {
        return packetsDropped;
    }

    public long bytesSent() {
        return bytesSent;
    }

    private boolean linked(String a, String b) {
        return !partitioned || sideA.contains(a) == sideA.contains(b);
    }

    private long delay() {
        return minDelayNanos + (maxDelayNanos > minDelayNanos ? random.nextLong(maxDelayNanos - minDelayNanos + 1) : 0);
    }

    /** One member's view of the network: its transport and its (pausable) timers. */
    public final class Endpoint implements Transport, Scheduler {
        private final String address;
        private Transport.Receiver receiver;
        private boolean crashed;
        private boolean closed;
        private boolean paused;
        private final ArrayDeque<Runnable> deferred = new ArrayDeque<>();

        private Endpoint(String address) {
            this.address = address;
        }

        /** Runs {@code task} as this member: not at all if crashed, later if paused. */
        private void runAs(Runnable task) {
            if (crashed) {
                return;
            }
            if (paused) {
                deferred.add(task);
            } else {
                task.run();
            }
        }

        private boolean down() {
            return crashed || closed;
        }

        @Override
        public Cancellable schedule(Duration delay, Runnable task) {
            return scheduler.schedule(delay, () -> runAs(task));
        }

        @Override
        public Ticker ticker() {
            return scheduler.ticker();
        }

        @Override
        public String localAddress() {
            return address;
        }

        @Override
        public void start(Receiver r) {
            this.receiver = r;
        }

        @Override
        public void sendPacket(String to, byte[] packet) {
            if (down()) {
                return;
            }
            packetsSent++;
            bytesSent += packet.length;
            if ((loss > 0 && random.nextDouble() < loss) || !linked(address, to)) {
                packetsDropped++;
                return;
            }
            byte[] copy = packet.clone();
            scheduler.schedule(Duration.ofNanos(delay()), () -> {
                Endpoint dst = endpoints.get(to);
                if (dst == null || dst.down() || dst.receiver == null) {
                    packetsDropped++;
                    return;
                }
                dst.runAs(() -> dst.receiver.onPacket(address, copy));
            });
        }

        /** One exchange's callback, called once: with the response or at the timeout, whichever comes first. */
        private static final class Pending {
            private final ExchangeCallback callback;
            private boolean done;

            Pending(ExchangeCallback callback) {
                this.callback = callback;
            }

            void complete(byte[] response, Throwable error) {
                if (!done) {
                    done = true;
                    callback.done(response, error);
                }
            }
        }

        @Override
        public void exchange(String to, byte[] request, Duration timeout, ExchangeCallback callback) {
            Pending pending = new Pending(callback);
            scheduler.schedule(timeout, () -> runAs(() -> pending.complete(null,
                    new TimeoutException("exchange with " + to + " timed out"))));
            if (down()) {
                return;
            }
            packetsSent++;
            bytesSent += request.length;
            byte[] copy = request.clone();
            scheduler.schedule(Duration.ofNanos(delay()), () -> {
                Endpoint dst = endpoints.get(to);
                if (dst == null || dst.down() || dst.receiver == null || !linked(address, to)) {
                    return; // the caller's timeout reports it
                }
                dst.runAs(() -> {
                    byte[] resp = dst.receiver.onStream(address, copy);
                    if (resp == null || dst.down()) {
                        return;
                    }
                    packetsSent++;
                    bytesSent += resp.length;
                    scheduler.schedule(Duration.ofNanos(delay()), () -> {
                        if (!linked(address, to) || down()) {
                            return;
                        }
                        runAs(() -> {
                            if (!closed) {
                                pending.complete(resp, null);
                            }
                        });
                    });
                });
            });
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
