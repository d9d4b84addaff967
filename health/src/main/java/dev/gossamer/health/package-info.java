/**
 * Health of upstream endpoints: active checks and passive outlier detection, after Envoy's
 * {@code health_check} and {@code outlier_detection}. Depends on common and Vert.x only; the sidecar maps the
 * mesh config onto these options and feeds the results into the proxy's pickers.
 *
 * <p>Starting points:
 * <ul>
 *   <li>{@link dev.gossamer.health.HealthCheckGroup} — actively checks a cluster's endpoints and follows set
 *       changes; built from {@link dev.gossamer.health.HealthCheckOptions} and a
 *       {@link dev.gossamer.health.Prober} ({@link dev.gossamer.health.VertxProber} for real HTTP, TCP and gRPC ({@code grpc.health.v1}) probes).
 *       One target alone: {@link dev.gossamer.health.ActiveHealthChecker}. State changes reach a
 *       {@link dev.gossamer.health.HealthListener} as {@link dev.gossamer.health.HealthState}s.</li>
 *   <li>{@link dev.gossamer.health.OutlierDetector} — ejects endpoints whose real traffic fails; the proxy calls
 *       {@code record(endpointId, }{@link dev.gossamer.health.Outcome}{@code )} per request; configured by
 *       {@link dev.gossamer.health.OutlierDetectionOptions}; admin view
 *       {@link dev.gossamer.health.OutlierSnapshot}.</li>
 *   <li>{@link dev.gossamer.vertx.VertxScheduler} (in the {@code vertx} module) — the production {@link dev.gossamer.common.Scheduler};
 *       tests use {@code FakeScheduler} (common's test-jar).</li>
 * </ul>
 *
 * <p>Metrics (Micrometer, rendered for Prometheus): {@code gossamer_health_probes_total},
 * {@code gossamer_health_probe_failures_total{reason}}, {@code gossamer_health_unhealthy},
 * {@code gossamer_outlier_ejections_total{reason}}, {@code gossamer_outlier_ejections_overflow_total},
 * {@code gossamer_outlier_ejected}; all tagged with {@code cluster}. See {@code docs/health.md}.
 */
package dev.gossamer.health;
