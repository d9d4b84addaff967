package dev.gossamer.sidecar;

import dev.gossamer.vertx.VertxInternals;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.transport.Transport;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code --transport}, shared by the commands that start sidecars, and the Vert.x instance built with it.
 *
 * <p>Why {@code auto} prefers io_uring: in this project's load benchmark (docs/performance.md) Netty's io_uring
 * transport took the sidecar from 1.6–2.0× HAProxy's CPU per request with Java NIO to 1.0–1.25×, because it
 * submits a loop iteration's reads and writes with one system call instead of one each, and a system call is dear
 * on a virtual machine. Epoll sits between the two. Many container runtimes forbid io_uring (Docker's
 * default seccomp profile, {@code kernel.io_uring_disabled}); Netty then reports it unavailable and {@code auto}
 * falls back to epoll, then to NIO, so a sidecar always starts. Naming a transport that cannot load is an error,
 * so a locked-down host never silently runs something other than what was asked for.
 */
final class TransportOption {

    /**
     * Vert.x's internal blocking pool: its file-system calls (the mesh file's watcher polls its size and time, the
     * persisted config is read and written). Vert.x's default of 20 is sized for applications; a Java pool starts a
     * new thread for every task until it reaches its size, so the watcher alone grew a sidecar to 20 idle threads,
     * each with its stack and its own malloc arena. One call at a time is all a sidecar makes; two leave room for a
     * config write beside a poll (docs/performance.md, "Memory and the runtime").
     */
    static final int DEFAULT_INTERNAL_BLOCKING_THREADS = 2;

    /**
     * Vert.x's worker pool: {@code executeBlocking} starts and stops the Raft voter (Ratis runs its own threads), and
     * nothing on the request path blocks. Vert.x's default of 20 is sized for applications that block.
     */
    static final int DEFAULT_WORKER_THREADS = 2;

    @Option(names = "--transport", paramLabel = "KIND", defaultValue = "auto", converter = Converter.class,
            description = "Socket transport: auto (io_uring, else epoll, else nio: the first that loads here), "
                    + "io_uring, epoll or nio. Default: ${DEFAULT-VALUE}.")
    Transport transport;

    /**
     * The transport {@code kind} names; {@link IllegalArgumentException} when it is unknown or cannot load. A native
     * transport is loaded only when it is the one asked for or the one {@code auto} tries next.
     */
    static Transport choose(String kind) {
        return switch (kind) {
            case "nio" -> Transport.NIO;
            case "epoll", "io_uring" -> required(VertxInternals.nativeTransport(kind), kind);
            case "auto" -> firstUsable(VertxInternals.nativeTransport("io_uring"));
            default -> throw new IllegalArgumentException(kind + " (expected: auto, io_uring, epoll or nio)");
        };
    }

    private static Transport firstUsable(Transport ioUring) {
        if (usable(ioUring)) {
            return ioUring;
        }
        Transport epoll = VertxInternals.nativeTransport("epoll");
        return usable(epoll) ? epoll : Transport.NIO;
    }

    /** The options of a sidecar's Vert.x: {@code eventLoops} event loops and the small blocking pools above. */
    static VertxOptions options(int eventLoops) {
        return new VertxOptions().setEventLoopPoolSize(eventLoops)
                .setInternalBlockingPoolSize(DEFAULT_INTERNAL_BLOCKING_THREADS)
                .setWorkerPoolSize(DEFAULT_WORKER_THREADS);
    }

    /** A Vert.x with {@code eventLoops} event loops on the chosen transport, sized by {@link #options}. */
    Vertx vertx(int eventLoops) {
        Vertx vertx = Vertx.builder().with(options(eventLoops)).withTransport(transport).build();
        LoggerFactory.getLogger(TransportOption.class).info("{} transport, {} event loop(s)", transport.name(),
                eventLoops);
        return vertx;
    }

    /** Picocli's hook: a bad {@code --transport} is a usage error (exit 2) before anything starts. */
    static final class Converter implements ITypeConverter<Transport> {
        @Override
        public Transport convert(String value) {
            try {
                return choose(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    private static boolean usable(Transport t) {
        return t != null && t.available();
    }

    private static Transport required(Transport t, String name) {
        if (t == null) {
            throw new IllegalArgumentException(name + " is not on the class path (expected: auto or nio)");
        }
        if (!t.available()) {
            Throwable why = t.unavailabilityCause();
            throw new IllegalArgumentException(name + " cannot load here: "
                    + (why == null ? "unknown reason" : why.getMessage()) + " (expected: auto or nio)");
        }
        return t;
    }
}
