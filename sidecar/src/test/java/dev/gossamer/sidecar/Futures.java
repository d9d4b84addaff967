package dev.gossamer.sidecar;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waits for a Vert.x future in a test, up to 30 s. Conditions are waited on with common's
 * {@link dev.gossamer.common.testing.Await}; never a bare sleep.
 */
final class Futures {

    private Futures() {}

    /** The future's result; its failure rethrown as it is; a {@link TimeoutException} after 30 s. */
    static <T> T await(io.vertx.core.Future<T> f) throws Exception {
        try {
            return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception ex) {
                throw ex;
            }
            throw e;
        }
    }
}
