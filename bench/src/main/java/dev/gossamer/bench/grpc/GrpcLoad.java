package dev.gossamer.bench.grpc;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.grpc.testing.protobuf.SimpleRequest;
import io.grpc.testing.protobuf.SimpleResponse;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;

/**
 * The gRPC benchmark's two Java parts (bench/grpc/run.sh), with grpc-java and grpc's {@code SimpleService}:
 *
 * <pre>
 *   server PORT...                     one echo server per port on 127.0.0.1 (UnaryRpc, BidiStreamingRpc)
 *   unary HOST:PORT SECONDS CONC       closed loop: CONC unary calls always in flight on one HTTP/2 connection
 *   rate HOST:PORT SECONDS RATE        open loop: RATE unary calls/s, latency from each call's intended start
 *   stream HOST:PORT SECONDS STREAMS   STREAMS bidirectional streams, each ping-pong (send, await the echo, send)
 * </pre>
 *
 * A load mode first runs {@value #WARM_SECONDS} s of the same load unrecorded (the client's JIT), then prints one line: {@code calls=N errors=E seconds=S per_s=R p50_us=A p99_us=B}. Latency of a stream is
 * one message's round trip. Messages carry a 10-byte string, so the figures are the proxies' per-call cost.
 */
public final class GrpcLoad {

    private static final String PAYLOAD = "0123456789";

    private GrpcLoad() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            usage();
        }
        switch (args[0]) {
            case "server" -> server(args);
            case "unary", "rate", "stream" -> {
                ManagedChannel ch = channel(args[1]);
                int seconds = Integer.parseInt(args[2]);
                int n = Integer.parseInt(args[3]);
                // The client's own JIT first: WARM_SECONDS of the same load, not recorded.
                run(args[0], ch, WARM_SECONDS, n);
                report(run(args[0], ch, seconds, n));
            }
            default -> usage();
        }
        System.exit(0);
    }

    /** Unrecorded seconds of the same load before the measured ones, so the client JVM is compiled too. */
    private static final int WARM_SECONDS = 3;

    private static Result run(String mode, ManagedChannel ch, int seconds, int n) throws InterruptedException {
        return switch (mode) {
            case "unary" -> unary(ch, seconds, n);
            case "rate" -> rate(ch, seconds, n);
            default -> stream(ch, seconds, n);
        };
    }

    private static void usage() {
        System.err.println("usage: GrpcLoad server PORT... | unary|rate|stream HOST:PORT SECONDS N");
        System.exit(2);
    }

    // ---- server ----

    /** UnaryRpc echoes; BidiStreamingRpc echoes every message. */
    static final class Echo extends SimpleServiceGrpc.SimpleServiceImplBase {
        @Override
        public void unaryRpc(SimpleRequest req, StreamObserver<SimpleResponse> out) {
            out.onNext(SimpleResponse.newBuilder().setResponseMessage(req.getRequestMessage()).build());
            out.onCompleted();
        }

        @Override
        public StreamObserver<SimpleRequest> bidiStreamingRpc(StreamObserver<SimpleResponse> out) {
            return new StreamObserver<>() {
                @Override
                public void onNext(SimpleRequest req) {
                    out.onNext(SimpleResponse.newBuilder().setResponseMessage(req.getRequestMessage()).build());
                }

                @Override
                public void onError(Throwable t) {
                }

                @Override
                public void onCompleted() {
                    out.onCompleted();
                }
            };
        }
    }

    private static void server(String[] args) throws Exception {
        List<Server> servers = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            servers.add(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[i])))
                    .addService(new Echo()).directExecutor().build().start());
        }
        System.out.println("serving on " + String.join(" ", List.of(args).subList(1, args.length)));
        for (Server s : servers) {
            s.awaitTermination();
        }
    }

    // ---- load ----

    record Result(long calls, long errors, double seconds, Recorder latency) {
    }

    private static ManagedChannel channel(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        return NettyChannelBuilder.forAddress(hostPort.substring(0, colon),
                Integer.parseInt(hostPort.substring(colon + 1))).usePlaintext().disableRetry().directExecutor()
                .build();
    }

    private static SimpleRequest request() {
        return SimpleRequest.newBuilder().setRequestMessage(PAYLOAD).build();
    }

    /** Closed loop: every completed call starts the next, {@code conc} in flight. */
    private static Result unary(ManagedChannel ch, int seconds, int conc) throws InterruptedException {
        SimpleServiceGrpc.SimpleServiceStub stub = SimpleServiceGrpc.newStub(ch);
        Recorder lat = new Recorder(3);
        AtomicLong calls = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        CountDownLatch done = new CountDownLatch(conc);
        long start = System.nanoTime();
        for (int i = 0; i < conc; i++) {
            new Runnable() {
                @Override
                public void run() {
                    if (System.nanoTime() >= end) {
                        done.countDown();
                        return;
                    }
                    long t0 = System.nanoTime();
                    Runnable self = this;
                    stub.unaryRpc(request(), new StreamObserver<>() {
                        @Override
                        public void onNext(SimpleResponse r) {
                        }

                        @Override
                        public void onError(Throwable t) {
                            errors.incrementAndGet();
                            self.run();
                        }

                        @Override
                        public void onCompleted() {
                            lat.recordValue((System.nanoTime() - t0) / 1000);
                            calls.incrementAndGet();
                            self.run();
                        }
                    });
                }
            }.run();
        }
        done.await(seconds + 30L, TimeUnit.SECONDS);
        return new Result(calls.get(), errors.get(), (System.nanoTime() - start) / 1e9, lat);
    }

    /** Open loop at {@code rate} calls/s; a call's latency counts from when it was due (no coordinated omission). */
    private static Result rate(ManagedChannel ch, int seconds, int rate) throws InterruptedException {
        SimpleServiceGrpc.SimpleServiceStub stub = SimpleServiceGrpc.newStub(ch);
        Recorder lat = new Recorder(3);
        AtomicLong calls = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        long total = (long) seconds * rate;
        long periodNanos = 1_000_000_000L / rate;
        CountDownLatch done = new CountDownLatch((int) total);
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        long start = System.nanoTime();
        AtomicLong sent = new AtomicLong();
        timer.scheduleAtFixedRate(() -> {
            long now = System.nanoTime();
            // Every call due by now goes out now; its latency counts from its due time.
            while (sent.get() < total && start + sent.get() * periodNanos <= now) {
                long due = start + sent.getAndIncrement() * periodNanos;
                stub.unaryRpc(request(), new StreamObserver<>() {
                    @Override
                    public void onNext(SimpleResponse r) {
                    }

                    @Override
                    public void onError(Throwable t) {
                        errors.incrementAndGet();
                        done.countDown();
                    }

                    @Override
                    public void onCompleted() {
                        lat.recordValue((System.nanoTime() - due) / 1000);
                        calls.incrementAndGet();
                        done.countDown();
                    }
                });
            }
        }, 0, Math.max(1, periodNanos / 2), TimeUnit.NANOSECONDS);
        done.await(seconds + 30L, TimeUnit.SECONDS);
        timer.shutdownNow();
        return new Result(calls.get(), errors.get(), (System.nanoTime() - start) / 1e9, lat);
    }

    /** {@code streams} bidirectional streams, each sending its next message when the echo of the last arrived. */
    private static Result stream(ManagedChannel ch, int seconds, int streams) throws InterruptedException {
        SimpleServiceGrpc.SimpleServiceStub stub = SimpleServiceGrpc.newStub(ch);
        Recorder lat = new Recorder(3);
        AtomicLong calls = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        CountDownLatch done = new CountDownLatch(streams);
        long start = System.nanoTime();
        for (int i = 0; i < streams; i++) {
            long[] t0 = new long[1];
            @SuppressWarnings("unchecked")
            StreamObserver<SimpleRequest>[] up = new StreamObserver[1];
            up[0] = stub.bidiStreamingRpc(new StreamObserver<>() {
                @Override
                public void onNext(SimpleResponse r) {
                    lat.recordValue((System.nanoTime() - t0[0]) / 1000);
                    calls.incrementAndGet();
                    if (System.nanoTime() >= end) {
                        up[0].onCompleted();
                        return;
                    }
                    t0[0] = System.nanoTime();
                    up[0].onNext(request());
                }

                @Override
                public void onError(Throwable t) {
                    errors.incrementAndGet();
                    done.countDown();
                }

                @Override
                public void onCompleted() {
                    done.countDown();
                }
            });
            t0[0] = System.nanoTime();
            up[0].onNext(request());
        }
        done.await(seconds + 30L, TimeUnit.SECONDS);
        return new Result(calls.get(), errors.get(), (System.nanoTime() - start) / 1e9, lat);
    }

    private static void report(Result r) {
        org.HdrHistogram.Histogram h = r.latency().getIntervalHistogram();
        System.out.printf("calls=%d errors=%d seconds=%.2f per_s=%.0f p50_us=%d p99_us=%d%n", r.calls(), r.errors(),
                r.seconds(), r.calls() / r.seconds(), h.getValueAtPercentile(50), h.getValueAtPercentile(99));
    }
}
