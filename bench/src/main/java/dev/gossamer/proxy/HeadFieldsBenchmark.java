package dev.gossamer.proxy;

import dev.gossamer.vertx.FieldMap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.MultiMap;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A request head's fields through the listener's side of an exchange, on one thread: decoded by the listener's codec
 * ({@code H1ServerCodec}) into its field map, made end to end in place ({@code Headers.keepEndToEnd}), given the
 * three {@code X-Forwarded-*} fields, then answered with an empty response (the codec pairs each request with its
 * answer). {@code client}: the head {@code wrk} sends by default ({@code Host} only) or with the eight fields of
 * {@code bench/load/run.sh}'s {@code CLIENT=usual}. In this package for the codec's package-private types, and built
 * only from what the commits before it have too, so that a change to this path can be measured against them.
 * docs/performance.md, "One pass for the hop-by-hop fields".
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class HeadFieldsBenchmark {

    private static final String USUAL = "User-Agent: okhttp/4.12.0\r\nAccept: application/json\r\n"
            + "Accept-Encoding: gzip\r\nX-Request-Id: 7f0c2a4e-5b1d-4c47-9d7e-2f7c1b9a3e11\r\n"
            + "traceparent: 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\r\n"
            + "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.x\r\nAccept-Language: en-US\r\n"
            + "Cache-Control: no-cache\r\n";

    @Param({"bare", "usual"})
    public String client;

    private EmbeddedChannel channel;
    private ByteBuf head;

    @Setup
    public void setUp() {
        channel = new EmbeddedChannel(new H1ServerCodec(new HttpDecoderConfig().setHeadersFactory(FieldMap.FACTORY)
                .setTrailersFactory(FieldMap.FACTORY)));
        String request = "GET /orders/1 HTTP/1.1\r\nHost: 127.0.0.1:18192\r\n"
                + (client.equals("usual") ? USUAL : "") + "\r\n";
        head = Unpooled.unreleasableBuffer(Unpooled.directBuffer()
                .writeBytes(request.getBytes(StandardCharsets.US_ASCII)));
    }

    @TearDown
    public void tearDown() {
        channel.finishAndReleaseAll();
    }

    @Benchmark
    public MultiMap requestHead() {
        channel.writeInbound(head.duplicate());
        HttpRequest request = channel.readInbound();
        ReferenceCountUtil.release(channel.readInbound()); // the empty last content
        MultiMap fields = (MultiMap) request.headers();
        Headers.keepEndToEnd(fields, true);
        Headers.append(fields, "x-forwarded-for", "10.0.0.7");
        Headers.append(fields, "x-forwarded-proto", "http");
        Headers.append(fields, "x-forwarded-host", "127.0.0.1:18192");
        channel.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT));
        for (Object written; (written = channel.readOutbound()) != null; ) {
            ReferenceCountUtil.release(written);
        }
        return fields;
    }
}
