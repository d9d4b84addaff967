/**
 * The one Vert.x adapter of the project: everything that needs Vert.x beyond its public API, in one place.
 *
 * <h2>Starting points</h2>
 * <ul>
 *   <li>{@link dev.gossamer.vertx.VertxScheduler}: the production {@link dev.gossamer.common.Scheduler} on Vert.x
 *       timers, with one rounding rule (up to whole milliseconds) and one context rule (bound, or the caller's);
 *       {@code scheduleOn} for per-request deadlines on an event loop's own timer queue.</li>
 *   <li>{@link dev.gossamer.vertx.VertxInternals}: the Vert.x internal types the data plane touches (event loop of
 *       a context, transport and resolver for Netty bootstraps, zero-copy buffers, headers maps).</li>
 * </ul>
 *
 * <p>Depends on {@code common} and Vert.x only. Test fixtures shared by every module (fake clock, {@code Await},
 * {@code Seeds}) are in {@code common}'s test-jar.
 */
package dev.gossamer.vertx;
