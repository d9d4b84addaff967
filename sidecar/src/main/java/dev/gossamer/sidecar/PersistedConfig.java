package dev.gossamer.sidecar;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.CopyOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The last mesh config version a sidecar applied, kept in its data dir ({@code applied/mesh.yaml} and
 * {@code applied/version}), so that a restarted sidecar serves at once, before it reaches any voter (static
 * stability: the data plane never depends on the control plane being up). Writes are atomic: a temporary file is
 * moved over the old one, so a crash leaves the old copy or the new one, never half of either.
 *
 * <p>Threading: asynchronous file I/O on Vert.x; callable from any thread.
 */
final class PersistedConfig {

    /** One persisted version. */
    record Version(long version, String yaml) {
    }

    private PersistedConfig() {
    }

    static Future<Optional<Version>> read(Vertx vertx, Path dataDir) {
        Path dir = dataDir.resolve("applied");
        String yaml = dir.resolve("mesh.yaml").toString();
        String version = dir.resolve("version").toString();
        return vertx.fileSystem().exists(version).compose(exists -> !exists
                ? Future.succeededFuture(Optional.<Version>empty())
                : Future.all(vertx.fileSystem().readFile(version), vertx.fileSystem().readFile(yaml)).map(all -> {
                    Buffer v = all.resultAt(0);
                    Buffer text = all.resultAt(1);
                    return Optional.of(new Version(Long.parseLong(v.toString(StandardCharsets.UTF_8).trim()),
                            text.toString(StandardCharsets.UTF_8)));
                }))
                // An unreadable copy is no reason not to start: the control plane will send the version again.
                .recover(err -> Future.succeededFuture(Optional.empty()));
    }

    /** Writes the text first, then the version: the version file never names a text that is not there. */
    static Future<Void> write(Vertx vertx, Path dataDir, long version, String yaml) {
        Path dir = dataDir.resolve("applied");
        return vertx.fileSystem().mkdirs(dir.toString())
                .compose(v -> atomically(vertx, dir.resolve("mesh.yaml"), Buffer.buffer(yaml)))
                .compose(v -> atomically(vertx, dir.resolve("version"), Buffer.buffer(version + "\n")));
    }

    private static Future<Void> atomically(Vertx vertx, Path target, Buffer content) {
        String tmp = target + ".tmp";
        return vertx.fileSystem().writeFile(tmp, content)
                .compose(v -> vertx.fileSystem().move(tmp, target.toString(),
                        new CopyOptions().setAtomicMove(true).setReplaceExisting(true)));
    }
}
