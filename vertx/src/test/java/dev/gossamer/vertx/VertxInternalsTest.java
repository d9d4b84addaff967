package dev.gossamer.vertx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gossamer.common.testing.Await;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The adapters over Vert.x internals behave as the data plane relies on (real Vert.x). */
class VertxInternalsTest {

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void theEventLoopOfAContextRunsItsTasks() {
        Context ctx = vertx.getOrCreateContext();
        EventLoop loop = VertxInternals.eventLoop(ctx);
        AtomicBoolean inLoop = new AtomicBoolean();
        AtomicBoolean done = new AtomicBoolean();
        ctx.runOnContext(v -> {
            inLoop.set(loop.inEventLoop());
            done.set(true);
        });
        Await.until("the task", Duration.ofSeconds(10), done::get);
        assertThat(inLoop).isTrue();
    }

    @Test
    void buffersWrapAndUnwrapWithoutACopy() {
        ByteBuf buf = VertxInternals.heapBuffer(16).writeBytes("hello".getBytes(StandardCharsets.US_ASCII));
        Buffer b = VertxInternals.buffer(buf);
        assertThat(b.toString(StandardCharsets.US_ASCII)).isEqualTo("hello");
        ByteBuf unwrapped = VertxInternals.byteBuf(b); // a view of the same memory (Vert.x hands out a slice)
        buf.setByte(0, 'j');
        assertThat(b.toString(StandardCharsets.US_ASCII)).isEqualTo("jello");
        assertThat(unwrapped.toString(StandardCharsets.US_ASCII)).isEqualTo("jello");
    }

    @Test
    void headersAreCaseInsensitive() {
        MultiMap h = VertxInternals.httpHeaders().add("Content-Type", "text/plain");
        assertThat(h.get("content-type")).isEqualTo("text/plain");
    }
}
