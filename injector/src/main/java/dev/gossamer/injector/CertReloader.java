package dev.gossamer.injector;

import dev.gossamer.common.Scheduler;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemKeyCertOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-reads the serving certificate and key (PEM files) every interval and hands a changed pair to the server, so
 * a certificate rotated by cert-manager (or {@code gossamer injector certs}) is served without a restart.
 *
 * <p>Why polling content rather than {@link java.nio.file.WatchService}: a Secret volume updates by swapping the
 * {@code ..data} symlink, which WatchService reports on the directory if at all; reading two small files and
 * comparing a digest sees every change on every file system. A pair that does not load (the key written before
 * the certificate, a typo) is logged once and the old pair keeps serving; the next change is tried again.
 *
 * <p>Metrics: {@code gossamer_injector_cert_reloads_total{result=ok|failed}}.
 *
 * <p>Threading: every check runs on the scheduler's thread, one at a time (the next is scheduled when one ends).
 */
public final class CertReloader {

    private static final Logger log = LoggerFactory.getLogger(CertReloader.class);

    /** How often the files are read: cert-manager renews well before expiry, so seconds do not matter. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(2);

    private final Scheduler scheduler;
    private final Path cert;
    private final Path key;
    private final Duration interval;
    private final Function<PemKeyCertOptions, Future<?>> apply;
    private final Counter ok;
    private final Counter failed;
    private byte[] applied;
    private byte[] lastFailed;
    private volatile Scheduler.Cancellable next;
    private volatile boolean stopped;

    /**
     * @param apply installs a key pair on the server; its future fails when the pair does not load
     */
    public CertReloader(Scheduler scheduler, Path cert, Path key, Duration interval,
                        Function<PemKeyCertOptions, Future<?>> apply, MeterRegistry registry) {
        this.scheduler = scheduler;
        this.cert = cert;
        this.key = key;
        this.interval = interval;
        this.apply = apply;
        this.ok = Counter.builder("gossamer_injector_cert_reloads").tag("result", "ok")
                .description("Serving certificate reloads").register(registry);
        this.failed = Counter.builder("gossamer_injector_cert_reloads").tag("result", "failed")
                .description("Serving certificate reloads").register(registry);
    }

    /** Reads the pair now (for the server's first start); throws when the files cannot be read. */
    public PemKeyCertOptions load() throws IOException {
        byte[] c = Files.readAllBytes(cert);
        byte[] k = Files.readAllBytes(key);
        applied = digest(c, k);
        return options(c, k);
    }

    /** Starts polling. */
    public void start() {
        schedule();
    }

    /** Stops polling. */
    public void stop() {
        stopped = true;
        Scheduler.Cancellable n = next;
        if (n != null) {
            n.cancel();
        }
    }

    private void schedule() {
        if (!stopped) {
            next = scheduler.schedule(interval, this::check);
        }
    }

    private void check() {
        byte[] c;
        byte[] k;
        try {
            c = Files.readAllBytes(cert);
            k = Files.readAllBytes(key);
        } catch (IOException e) {
            // Mid-rotation a file can be missing for a moment: keep serving, look again next time.
            log.debug("cannot read {} / {}: {}", cert, key, e.toString());
            schedule();
            return;
        }
        byte[] d = digest(c, k);
        if (Arrays.equals(d, applied) || Arrays.equals(d, lastFailed)) {
            schedule();
            return;
        }
        Future<?> f;
        try {
            f = apply.apply(options(c, k));
        } catch (RuntimeException e) {
            f = Future.failedFuture(e);
        }
        f.onComplete(ar -> {
            if (ar.succeeded()) {
                applied = d;
                lastFailed = null;
                ok.increment();
                log.info("serving certificate reloaded from {}", cert);
            } else {
                lastFailed = d;
                failed.increment();
                log.warn("serving certificate {} / {} changed but does not load; still serving the previous one: {}",
                        cert, key, ar.cause().toString());
            }
            schedule();
        });
    }

    private static PemKeyCertOptions options(byte[] c, byte[] k) {
        return new PemKeyCertOptions().setCertValue(Buffer.buffer(c)).setKeyValue(Buffer.buffer(k));
    }

    private static byte[] digest(byte[] c, byte[] k) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(c);
            md.update((byte) 0);
            md.update(k);
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
