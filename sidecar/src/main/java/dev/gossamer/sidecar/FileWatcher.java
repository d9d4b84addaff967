package dev.gossamer.sidecar;

import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Watches one file by polling its content and calls back when the bytes change.
 *
 * <p>Why polling and not {@link java.nio.file.WatchService}: a Kubernetes ConfigMap volume updates a file by
 * swapping a symlink ({@code ..data}) in the directory, which WatchService reports on the directory, not on the
 * file, and not at all on some file systems (overlay, NFS). Reading a few KiB once a second and comparing a digest
 * sees every change on every file system; the cost is at most one interval of delay.
 *
 * <p>Threading: the callback runs on the Vert.x context that called {@link #start}; reads are non-blocking.
 */
final class FileWatcher {

    private static final Logger log = LoggerFactory.getLogger(FileWatcher.class);

    /** How often the file is read; a person editing the file does not notice a second. */
    static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);

    private final Vertx vertx;
    private final Path file;
    private final Duration interval;
    private final Consumer<Buffer> onChange;
    private final Consumer<Throwable> onError;
    private byte[] lastDigest;
    private boolean failing;
    private long timerId = -1;
    private boolean stopped;

    /**
     * Watches {@code file}: {@code onChange} gets new content, and content read again after a failure (so the
     * caller can clear the failure); {@code onError} gets every failed read (the caller reports each distinct one
     * once). A callback that throws is logged, never lost and never stops the watch.
     */
    FileWatcher(Vertx vertx, Path file, Duration interval, Consumer<Buffer> onChange, Consumer<Throwable> onError) {
        this.vertx = vertx;
        this.file = file;
        this.interval = interval;
        this.onChange = onChange;
        this.onError = onError;
    }

    /** Remembers the digest of {@code current} (the content already applied) and starts polling. */
    void start(Buffer current) {
        lastDigest = current == null ? null : digest(current);
        schedule();
    }

    void stop() {
        stopped = true;
        if (timerId >= 0) {
            vertx.cancelTimer(timerId);
        }
    }

    /** Reads the file now and calls back if it changed; the returned future completes after the check. */
    Future<Void> checkNow() {
        return MeshFile.read(vertx, file)
                .<Void>map(content -> {
                    byte[] d = digest(content);
                    if (failing || !Arrays.equals(d, lastDigest)) {
                        failing = false;
                        lastDigest = d;
                        guard(() -> onChange.accept(content));
                    }
                    return null;
                })
                .recover(err -> {
                    // The old config keeps serving; the caller reports the problem (once per distinct problem).
                    failing = true;
                    guard(() -> onError.accept(err));
                    return Future.succeededFuture();
                });
    }

    private void guard(Runnable callback) {
        try {
            callback.run();
        } catch (RuntimeException e) {
            log.error("watching {}: the change handler failed", file, e);
        }
    }

    private void schedule() {
        if (stopped) {
            return;
        }
        timerId = vertx.setTimer(interval.toMillis(), id -> checkNow().onComplete(ar -> schedule()));
    }

    static byte[] digest(Buffer content) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(content.getBytes());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
