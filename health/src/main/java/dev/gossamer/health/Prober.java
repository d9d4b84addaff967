package dev.gossamer.health;

import io.vertx.core.Future;
import java.time.Duration;

/**
 * Performs one probe of a target. The seam between the schedule/threshold logic of {@link ActiveHealthChecker}
 * (unit-tested with a fake prober on a fake clock) and real I/O ({@link VertxProber}: HTTP GET or TCP connect).
 *
 * <p>Contract: return a Future that completes with a {@link ProbeResult}; map I/O errors to a failed result
 * rather than failing the Future (a failed Future is still counted, as {@link ProbeResult.Failure#CONNECT}).
 * {@code timeout} is a hint to bound the I/O and release resources; the checker enforces it on its own clock
 * and ignores a result that arrives later. Called from the checker's scheduler thread; must not block.
 */
@FunctionalInterface
public interface Prober {

    Future<ProbeResult> probe(HealthTarget target, Duration timeout);
}
