package dev.gossamer.sidecar;

import dev.gossamer.common.testing.Tools;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A headless Chromium page for tests: Debian's {@code chromium} driven by npm's {@code playwright-core} under
 * {@code node}, both had through {@link Tools}, so {@code mvn -B verify} installs them on a fresh machine. The test
 * sends one command at a time ({@code driver.cjs} in the test resources); every wait has a generous deadline and
 * polls a condition in the page, never a fixed sleep.
 */
final class Browser implements AutoCloseable {

    /** A version npm resolves (checked 2026-12); bump together with Debian's chromium if the protocol drifts. */
    static final String PLAYWRIGHT_CORE = "1.65.1";

    private final Process node;
    private final Writer in;
    private final BlockingQueue<String> out = new LinkedBlockingQueue<>();
    private final List<String> stderr = new java.util.concurrent.CopyOnWriteArrayList<>();
    private long nextId;

    private Browser(Process node) {
        this.node = node;
        this.in = new OutputStreamWriter(node.getOutputStream(), StandardCharsets.UTF_8);
        pump(node.getInputStream(), out::add, "browser-stdout");
        pump(node.getErrorStream(), stderr::add, "browser-stderr");
    }

    /**
     * Launches Chromium headless with {@code extraArgs} (for example {@code --host-resolver-rules=...} to give a
     * loopback address another name).
     */
    static Browser launch(String... extraArgs) throws IOException {
        Path chromium = Tools.debian("chromium", "chromium");
        Path modules = Tools.npm("playwright-core", PLAYWRIGHT_CORE);
        Path node = Tools.debian("node", "nodejs");
        Path driver = Files.createTempFile("gossamer-driver", ".cjs");
        try (InputStream s = Browser.class.getResourceAsStream("/browser/driver.cjs")) {
            Files.write(driver, s.readAllBytes());
        }
        driver.toFile().deleteOnExit();
        ProcessBuilder pb = new ProcessBuilder(node.toString(), driver.toString());
        pb.environment().put("NODE_PATH", modules.toString());
        Browser b = new Browser(pb.start());
        List<String> args = new ArrayList<>(List.of("--headless", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage"));
        args.addAll(List.of(extraArgs));
        b.call(new JsonObject().put("op", "launch").put("executablePath", chromium.toString())
                .put("args", new io.vertx.core.json.JsonArray(args)), Duration.ofSeconds(60));
        return b;
    }

    /** Opens {@code url}; returns the HTTP status of the document. */
    int open(String url) {
        Object v = call(new JsonObject().put("op", "goto").put("url", url).put("timeoutMs", 30_000),
                Duration.ofSeconds(40));
        return v == null ? -1 : ((Number) v).intValue();
    }

    /** Waits until the JavaScript expression {@code js} is truthy in the page; fails with {@code what}. */
    void waitFor(String what, Duration deadline, String js) {
        try {
            call(new JsonObject().put("op", "waitFor").put("js", js).put("timeoutMs", deadline.toMillis()),
                    deadline.plusSeconds(10));
        } catch (AssertionError e) {
            throw new AssertionError("the page did not show: " + what + " within " + deadline + " (" + e.getMessage()
                    + "); page console: " + console(), e);
        }
    }

    /** The value of {@code js} evaluated in the page (a promise is awaited); JSON types. */
    Object eval(String js) {
        return call(new JsonObject().put("op", "eval").put("js", js), Duration.ofSeconds(40));
    }

    void screenshot(Path path) {
        call(new JsonObject().put("op", "screenshot").put("path", path.toAbsolutePath().toString()),
                Duration.ofSeconds(30));
    }

    /** The page's console lines and errors since the last call. */
    Object console() {
        try {
            return call(new JsonObject().put("op", "console"), Duration.ofSeconds(10));
        } catch (AssertionError e) {
            return "(unavailable: " + e.getMessage() + ")";
        }
    }

    private synchronized Object call(JsonObject cmd, Duration deadline) {
        long id = ++nextId;
        try {
            in.write(cmd.put("id", id).encode() + "\n");
            in.flush();
            long end = System.nanoTime() + deadline.toNanos();
            while (System.nanoTime() < end) {
                String line = out.poll(100, TimeUnit.MILLISECONDS);
                if (line == null) {
                    if (!node.isAlive()) {
                        throw new AssertionError("the browser driver exited (" + node.exitValue() + "): " + stderr);
                    }
                    continue;
                }
                JsonObject r;
                try {
                    r = new JsonObject(line);
                } catch (RuntimeException notJson) {
                    continue; // a stray line from a library
                }
                if (r.getLong("id", -1L) != id) {
                    continue;
                }
                if (!r.getBoolean("ok")) {
                    throw new AssertionError(cmd.getString("op") + ": " + r.getString("error"));
                }
                return r.getValue("value");
            }
            throw new AssertionError(cmd.getString("op") + " had no answer within " + deadline + "; stderr: " + stderr);
        } catch (IOException e) {
            throw new AssertionError("cannot talk to the browser driver: " + e + "; stderr: " + stderr, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static void pump(InputStream s, java.util.function.Consumer<String> sink, String name) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(s, StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) {
                    sink.accept(l);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, name);
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() {
        try {
            if (node.isAlive()) {
                call(new JsonObject().put("op", "close"), Duration.ofSeconds(15));
            }
        } catch (AssertionError ignored) {
            // killed below
        } finally {
            try {
                if (!node.waitFor(5, TimeUnit.SECONDS)) {
                    node.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                node.destroyForcibly();
            }
        }
    }
}
