package dev.gossamer.config;

/**
 * Which configuration document a file is, decided by its top-level keys (the file name does not matter):
 * a mapping with {@code routes} or {@code clusters} is a {@link #MESH} document; one with {@code node},
 * {@code listeners} or {@code admin} is a {@link #SIDECAR} document. Keys of both kinds, or of neither, make it
 * {@link #UNKNOWN}, which {@link ConfigValidator} reports as a problem.
 */
public enum DocumentKind {
    /** {@code sidecar.yaml}: the per-node bootstrap. */
    SIDECAR,
    /** {@code mesh.yaml}: mesh-wide routing. */
    MESH,
    /** Neither, both, or not a mapping at all. */
    UNKNOWN
}
