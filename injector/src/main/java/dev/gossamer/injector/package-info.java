/**
 * Kubernetes sidecar injection: the mutating admission webhook run as {@code gossamer injector}.
 *
 * <p>Starting points: {@link dev.gossamer.injector.PatchBuilder} (which pods get the sidecar, and the JSONPatch
 * that adds it), {@link dev.gossamer.injector.AdmissionHandler} (an AdmissionReview in, one out),
 * {@link dev.gossamer.injector.WebhookServer} (HTTPS, {@code /ready}, {@code /metrics}),
 * {@link dev.gossamer.injector.CertReloader}, {@link dev.gossamer.injector.Certificates} ({@code gossamer injector
 * certs}), {@link dev.gossamer.injector.InjectorOptions} (every default, with its reason) built from
 * {@link dev.gossamer.injector.InjectorConfig} ({@code injector.yaml} as written). docs/kubernetes.md is the user's
 * guide.
 */
package dev.gossamer.injector;
