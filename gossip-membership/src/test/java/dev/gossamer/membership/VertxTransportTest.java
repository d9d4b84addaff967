package dev.gossamer.membership;

import dev.gossamer.vertx.VertxScheduler;
import dev.gossamer.common.Ticker;
import dev.gossamer.common.testing.Await;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class VertxTransportTest extends TransportContractTest {
    private final Vertx vertx = Vertx.vertx();
    private final Map<Transport, Context> contexts = new IdentityHashMap<>();

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Override
    Transport create() throws Exception {
        return create("127.0.0.1");
    }

    private VertxTransport create(String host) throws Exception {
        Context ctx = vertx.getOrCreateContext();
        CompletableFuture<VertxTransport> f = new CompletableFuture<>();
        ctx.runOnContext(v -> VertxTransport.bind(vertx, new VertxScheduler(ctx, Ticker.system()), host, 0,
                host, 0, VertxTransport.Limits.of(MembershipOptions.lan())).onComplete(ar -> {
                    if (ar.succeeded()) {
                        f.complete(ar.result());
                    } else {
                        f.completeExceptionally(ar.cause());
                    }
                }));
        VertxTransport t = f.get(10, TimeUnit.SECONDS);
        synchronized (contexts) {
            contexts.put(t, ctx);
        }
        return t;
    }

    @Override
    void onTransportThread(Transport t, Runnable r) {
        Context ctx;
        synchronized (contexts) {
            ctx = contexts.get(t);
        }
        ctx.runOnContext(v -> r.run());
    }

    @Override
    void await(BooleanSupplier cond, String what) {
        Await.until(what, Duration.ofSeconds(10), cond);
    }

    @Override
    String unreachable() {
        return "127.0.0.1:1";
    }

    /**
     * A member bound to one address sends its stream connections from it, as it sends its packets: peers and firewall
     * rules (the real-fault suite's partitions) see one address per member. Without the bind the kernel picks
     * 127.0.0.1 as the source of a loopback connection.
     */
    @Test
    void streamConnectionsLeaveFromTheBoundAddress() throws Exception {
        VertxTransport a = create("127.0.0.2");
        VertxTransport b = create("127.0.0.3");
        java.util.List<String> froms = new java.util.concurrent.CopyOnWriteArrayList<>();
        CompletableFuture<byte[]> answer = new CompletableFuture<>();
        onTransportThread(b, () -> b.start(new Transport.Receiver() {
            @Override
            public void onPacket(String from, byte[] packet) {
            }

            @Override
            public byte[] onStream(String from, byte[] request) {
                froms.add(from);
                return request;
            }
        }));
        onTransportThread(a, () -> a.exchange(b.localAddress(), new byte[] {1}, Duration.ofSeconds(5),
                (response, error) -> answer.complete(response)));
        org.assertj.core.api.Assertions.assertThat(answer.get(10, TimeUnit.SECONDS)).containsExactly(1);
        org.assertj.core.api.Assertions.assertThat(froms).singleElement().asString().startsWith("127.0.0.2:");
    }
}
