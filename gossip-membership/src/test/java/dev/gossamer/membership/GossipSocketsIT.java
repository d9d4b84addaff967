package dev.gossamer.membership;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gossamer.common.RandomSource;
import dev.gossamer.common.Ticker;
import dev.gossamer.common.testing.Await;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 14 on real sockets (127.0.0.1, port 0): the gossip TCP port closes idle connections and caps concurrent
 * ones, and the node binds its bind address while advertising the advertise address.
 */
class GossipSocketsIT {

    private final Vertx vertx = Vertx.vertx();
    private final List<Socket> sockets = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (Socket s : sockets) {
            s.close();
        }
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private Membership start(String id, String advertise, String bindHost, int bindPort, MembershipOptions o)
            throws Exception {
        return MembershipUdpTest.await(Membership.start(vertx, o, new LocalMember(id, advertise, Metadata.EMPTY),
                bindHost, bindPort, Ticker.system(), RandomSource.threadLocal(), null));
    }

    private Socket idleConnection(String address) throws IOException {
        Socket s = new Socket();
        sockets.add(s);
        s.connect(new InetSocketAddress(VertxTransport.host(address), VertxTransport.port(address)), 5_000);
        s.setSoTimeout(1);
        return s;
    }

    /** True once the peer closed (end of stream or reset); false while the connection is open and silent. */
    private static boolean closedByPeer(Socket s) {
        try {
            InputStream in = s.getInputStream();
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    @Test
    void idleStreamConnectionsAreClosedAfterStreamTimeoutAndOnesOverTheCapAtOnce() throws Exception {
        // the issue: 300 idle connections stayed open after 60 s; here a 3 s stream timeout and a cap of 100
        MembershipOptions o = MembershipOptions.local().toBuilder().clusterName("sockets")
                .streamTimeout(Duration.ofSeconds(3)).maxConcurrentStreams(100).build();
        Membership a = start("a", "127.0.0.1:0", "127.0.0.1", 0, o);
        List<Socket> idle = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            idle.add(idleConnection(a.boundAddress()));
        }
        Await.until("every idle connection is closed by the server", Duration.ofSeconds(20),
                () -> idle.stream().allMatch(GossipSocketsIT::closedByPeer));
        MembershipStats s = a.stats();
        Await.until("each closed connection counted once", Duration.ofSeconds(5),
                () -> s.dropped(DropReason.TOO_MANY_STREAMS) + s.dropped(DropReason.STREAM_TIMEOUT) == 300);
        // on a slow machine a slot may free up before the last connection arrives, so "at least"
        assertThat(s.dropped(DropReason.STREAM_TIMEOUT)).as("those within the cap timed out")
                .isGreaterThanOrEqualTo(100);
        assertThat(s.dropped(DropReason.TOO_MANY_STREAMS)).as("those over the cap closed at once").isPositive();

        // the slots are free again: a real member joins through a push-pull
        Membership b = start("b", "127.0.0.1:0", "127.0.0.1", 0, o.toBuilder().seeds(List.of(a.address())).build());
        Await.until("b joined through a after the flood", Duration.ofSeconds(10), b::joined);
        Await.until("a sees b", Duration.ofSeconds(10), () -> a.members().stream()
                .anyMatch(m -> m.id().equals("b") && m.state() == MemberState.ALIVE));
    }

    @Test
    void theNodeBindsItsBindAddressAndAdvertisesItsAdvertiseAddress() throws Exception {
        MembershipOptions o = MembershipOptions.local().toBuilder().clusterName("bind").build();
        try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            // the advertised port is somebody else's (a NAT or Service port): binding it would fail or steal it
            int advertisedPort = taken.getLocalPort();
            Membership a = start("a", "127.0.0.1:" + advertisedPort, "127.0.0.1", 0, o);
            assertThat(a.address()).isEqualTo("127.0.0.1:" + advertisedPort);
            assertThat(a.self().address()).as("what the others are told").isEqualTo("127.0.0.1:" + advertisedPort);
            int bound = VertxTransport.port(a.boundAddress());
            assertThat(bound).isPositive().isNotEqualTo(advertisedPort);
            assertThat(VertxTransport.host(a.boundAddress())).isEqualTo("127.0.0.1");

            // the bound port is the one that answers: a member joins through it
            Membership b = start("b", "127.0.0.1:0", "127.0.0.1", 0,
                    o.toBuilder().seeds(List.of(a.boundAddress())).build());
            Await.until("b joined through a's bound port", Duration.ofSeconds(10), b::joined);
            assertThat(b.members()).filteredOn(m -> m.id().equals("a")).singleElement()
                    .extracting(Member::address).as("b knows a by its advertised address")
                    .isEqualTo("127.0.0.1:" + advertisedPort);
        }
    }

    @Test
    void aBindPortOutOfRangeFailsTheFuture() {
        var f = Membership.start(vertx, MembershipOptions.local(), new LocalMember("a", "127.0.0.1:0",
                Metadata.EMPTY), "127.0.0.1", 70_000, Ticker.system(), RandomSource.threadLocal(), null);
        assertThat(f.failed()).isTrue();
        assertThat(f.cause()).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("bindPort: 70000 (expected: 0..65535)");
    }
}
