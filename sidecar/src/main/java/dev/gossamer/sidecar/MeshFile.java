package dev.gossamer.sidecar;

import dev.gossamer.config.ConfigLoader;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.FileSystemException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads the mesh config file without blocking, refusing what is not a config before reading it: a missing path, a
 * directory, or a file over {@link ConfigLoader#MAX_DOCUMENT_BYTES} (checked by its size, so a 400 MB file is never
 * read into memory). Failures carry a message in the project's shape, {@code "cannot read: ... (expected: ...)"}.
 */
final class MeshFile {

    private MeshFile() {
    }

    /** Thrown (as a failed future) for a path that is not a readable mesh file. */
    static final class Unreadable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unreadable(String message) {
            super(message);
        }
    }

    static Future<Buffer> read(Vertx vertx, Path file) {
        String path = file.toString();
        return vertx.fileSystem().props(path).compose(props -> {
            if (props.isDirectory()) {
                return Future.failedFuture(new Unreadable("a directory (expected: a YAML file)"));
            }
            if (props.size() > ConfigLoader.MAX_DOCUMENT_BYTES) {
                return Future.failedFuture(new Unreadable(props.size() + " bytes (expected: at most "
                        + ConfigLoader.MAX_DOCUMENT_BYTES + " bytes, 4 MiB)"));
            }
            return vertx.fileSystem().readFile(path);
        });
    }

    /** A sentence for a failed {@link #read}: what is wrong and what was expected. */
    static String describe(Throwable err) {
        if (err instanceof Unreadable) {
            return err.getMessage();
        }
        Throwable cause = err instanceof FileSystemException && err.getCause() != null ? err.getCause() : err;
        if (cause instanceof NoSuchFileException) {
            return "no such file (expected: an existing YAML file; a relative path is resolved against the "
                    + "sidecar file's directory)";
        }
        if (cause instanceof AccessDeniedException) {
            return "permission denied (expected: a file this process may read)";
        }
        return "cannot read: " + cause.getMessage() + " (expected: a readable YAML file)";
    }
}
