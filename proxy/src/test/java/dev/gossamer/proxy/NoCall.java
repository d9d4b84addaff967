package dev.gossamer.proxy;

import dev.gossamer.vertx.VertxInternals;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.HostAndPort;

/**
 * A fake endpoint's call for the proxy tests: takes the request and drops it, releasing each given chunk as the
 * {@link Upstream.Call#write} contract asks (Netty's listener hands over pooled buffers); the test answers from
 * {@link #end}.
 */
abstract class NoCall implements Upstream.Call {
    private final MultiMap headers = MultiMap.caseInsensitiveMultiMap();

    @Override
    public MultiMap headers() {
        return headers;
    }

    @Override
    public void authority(HostAndPort authority, String text) {
    }

    @Override
    public void chunked() {
    }

    @Override
    public void write(Buffer chunk) {
        VertxInternals.unwrap(chunk).release();
    }

    @Override
    public boolean writeQueueFull() {
        return false;
    }

    @Override
    public void drainHandler(Runnable onDrain) {
    }

    @Override
    public void pauseResponse() {
    }

    @Override
    public void resumeResponse() {
    }

    @Override
    public void discard() {
    }

    @Override
    public void reset() {
    }
}
