package dev.gossamer.sidecar;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Waits on Vert.x futures, and on conditions through common's {@code Await}; never a bare sleep. */
final class Await {

    private Await() {}

    /** Common's {@code Await.until}, in the argument order this module's tests use. */
    static void until(BooleanSupplier condition, Duration deadline, String what) {
        dev.gossamer.common.testing.Await.until(what, deadline, condition);
    }

    static <T> T result(io.vertx.core.Future<T> f) throws Exception {
        try {
            return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof Exception ex) {
                throw ex;
            }
            throw e;
        }
    }
}
