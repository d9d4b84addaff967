package dev.gossamer.membership;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** What every {@link Transport} must do; run against the simulated and the Vert.x transport. */
abstract class TransportContractTest {

    /** A new transport, started later by the test. */
    abstract Transport create() throws Exception;

    /** Runs {@code r} on the thread the transport's callbacks use. */
    abstract void onTransportThread(Transport t, Runnable r);

    /** Waits (fake or real time) until {@code cond} holds or fails. */
    abstract void await(java.util.function.BooleanSupplier cond, String what);

    /** An address where nobody listens. */
    abstract String unreachable();

    record Got(String from, String payload) {
    }

    static final class Recorder implements Transport.Receiver {
        final List<Got> packets = new CopyOnWriteArrayList<>();
        final List<Got> streams = new CopyOnWriteArrayList<>();
        volatile boolean answer = true;

        @Override
        public void onPacket(String from, byte[] packet) {
            packets.add(new Got(from, new String(packet, StandardCharsets.UTF_8)));
        }

        @Override
        public byte[] onStream(String from, byte[] request) {
            streams.add(new Got(from, new String(request, StandardCharsets.UTF_8)));
            return answer ? ("re:" + new String(request, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8)
                    : null;
        }
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void packetsArriveWithTheSendersAddress() throws Exception {
        Transport a = create();
        Transport b = create();
        Recorder ra = new Recorder();
        Recorder rb = new Recorder();
        onTransportThread(a, () -> a.start(ra));
        onTransportThread(b, () -> b.start(rb));
        onTransportThread(a, () -> a.sendPacket(b.localAddress(), b("hello")));
        await(() -> rb.packets.size() == 1, "packet delivered");
        assertThat(rb.packets.get(0)).isEqualTo(new Got(a.localAddress(), "hello"));
        a.close();
        b.close();
    }

    @Test
    void exchangeReturnsThePeersResponse() throws Exception {
        Transport a = create();
        Transport b = create();
        Recorder rb = new Recorder();
        onTransportThread(a, () -> a.start(new Recorder()));
        onTransportThread(b, () -> b.start(rb));
        byte[] big = new byte[300_000];
        java.util.Arrays.fill(big, (byte) 'x');
        AtomicReference<Object> out = new AtomicReference<>();
        onTransportThread(a, () -> a.exchange(b.localAddress(), big, Duration.ofSeconds(5),
                (resp, err) -> out.set(err != null ? err : resp)));
        await(() -> out.get() != null, "exchange completes");
        assertThat(out.get()).isInstanceOf(byte[].class);
        assertThat(((byte[]) out.get()).length).isEqualTo(big.length + 3);
        assertThat(rb.streams).hasSize(1);
        a.close();
        b.close();
    }

    @Test
    void exchangeFailsWhenNobodyListensOrThePeerRefuses() throws Exception {
        Transport a = create();
        Transport b = create();
        Recorder rb = new Recorder();
        rb.answer = false;
        onTransportThread(a, () -> a.start(new Recorder()));
        onTransportThread(b, () -> b.start(rb));
        AtomicReference<Object> none = new AtomicReference<>();
        AtomicReference<Object> refused = new AtomicReference<>();
        onTransportThread(a, () -> a.exchange(unreachable(), b("x"), Duration.ofSeconds(2),
                (resp, err) -> none.set(err != null ? err : resp)));
        onTransportThread(a, () -> a.exchange(b.localAddress(), b("x"), Duration.ofSeconds(2),
                (resp, err) -> refused.set(err != null ? err : resp)));
        await(() -> none.get() != null && refused.get() != null, "both fail");
        assertThat(none.get()).isInstanceOf(Throwable.class);
        assertThat(refused.get()).isInstanceOf(Throwable.class);
        a.close();
        b.close();
    }

    @Test
    void aClosedTransportReceivesNothing() throws Exception {
        Transport a = create();
        Transport b = create();
        Recorder rb = new Recorder();
        onTransportThread(a, () -> a.start(new Recorder()));
        onTransportThread(b, () -> b.start(rb));
        b.close();
        onTransportThread(a, () -> a.sendPacket(b.localAddress(), b("lost")));
        AtomicReference<Object> out = new AtomicReference<>();
        onTransportThread(a, () -> a.exchange(b.localAddress(), b("x"), Duration.ofSeconds(1),
                (resp, err) -> out.set(err != null ? err : resp)));
        await(() -> out.get() != null, "exchange to a closed peer fails");
        assertThat(out.get()).isInstanceOf(Throwable.class);
        assertThat(rb.packets).isEmpty();
        a.close();
    }
}
