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

class VertxTransportTest extends TransportContractTest {
    private final Vertx vertx = Vertx.vertx();
    private final Map<Transport, Context> contexts = new IdentityHashMap<>();

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Override
    Transport create() throws Exception {
        Context ctx = vertx.getOrCreateContext();
        CompletableFuture<VertxTransport> f = new CompletableFuture<>();
        ctx.runOnContext(v -> VertxTransport.bind(vertx, new VertxScheduler(ctx, Ticker.system()), "127.0.0.1", 0,
                "127.0.0.1", 0, VertxTransport.Limits.of(MembershipOptions.lan())).onComplete(ar -> {
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
}
