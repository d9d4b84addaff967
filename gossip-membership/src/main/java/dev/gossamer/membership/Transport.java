package dev.gossamer.membership;

import java.time.Duration;

/**
 * How a {@link SwimNode} talks to other members: best-effort packets (UDP) for probes and gossip, and a reliable
 * request/response exchange (TCP) for push-pull state sync. Implemented by {@link VertxTransport} and by
 * {@link SimulatedNetwork}; the same contract tests run against both.
 *
 * <p>Threading: the node calls a transport from its own thread, and the transport calls the {@link Receiver} and
 * exchange callbacks on that same thread (the Vert.x context the transport was started on, or the simulation
 * thread). Addresses are {@code host:port}; host names are resolved at each send.
 */
public interface Transport {

    /** The address other members reach this transport at. */
    String localAddress();

    /** Starts delivering incoming traffic to {@code receiver}. */
    void start(Receiver receiver);

    /** Sends one datagram, best effort: it may be lost, delayed or reordered. Never throws for network errors. */
    void sendPacket(String address, byte[] packet);

    /**
     * Sends {@code request} reliably and calls {@code callback} once with the response, or with an error when the
     * peer is unreachable, rejects the request or does not answer within {@code timeout}.
     */
    void exchange(String address, byte[] request, Duration timeout, ExchangeCallback callback);

    /** Stops sending and receiving; pending exchanges fail. Idempotent. */
    void close();

    /** Incoming traffic. */
    interface Receiver {
        /** A datagram from {@code from} ({@code host:port} of the sender). */
        void onPacket(String from, byte[] packet);

        /** A stream request; returns the response, or null to close without answering. */
        byte[] onStream(String from, byte[] request);

        /**
         * The transport dropped incoming traffic before it became a packet or a request (e.g. a stream connection
         * over the cap or idle past its deadline), so the node counts it with the rest of its drops.
         */
        default void onDrop(DropReason reason) {
        }
    }

    /** Outcome of {@link #exchange}: exactly one of {@code response} and {@code error} is non-null. */
    @FunctionalInterface
    interface ExchangeCallback {
        void done(byte[] response, Throwable error);
    }
}
