/**
 * Gossamer's configuration: the two YAML documents ({@code sidecar.yaml}, one per node; {@code mesh.yaml}, for
 * the whole mesh) parsed with positions into immutable records, with every problem collected.
 *
 * <p>Starting points:
 * <ul>
 *   <li>{@link dev.gossamer.config.ConfigLoader}: {@code loadSidecar(Path)}, {@code loadMesh(Path, Set)} and their
 *       text forms, returning a {@link dev.gossamer.config.ConfigResult} (config or problems, never an exception);</li>
 *   <li>{@link dev.gossamer.config.ConfigValidator}: validates a file of either kind (detected by
 *       {@link dev.gossamer.config.DocumentKind}), following a sidecar's {@code mesh_config};</li>
 *   <li>{@link dev.gossamer.config.ConfigProblem}: {@code file:line:col: path: message};</li>
 *   <li>the models: {@link dev.gossamer.config.SidecarConfig} and {@link dev.gossamer.config.MeshConfig}, whose
 *       records hold each default as a documented {@code DEFAULT_*} constant.</li>
 * </ul>
 *
 * <p>The JSON Schemas {@code schema/sidecar.schema.json} and {@code schema/mesh.schema.json} ship as resources
 * for editors; a test keeps them, the examples and the loader's key tables in agreement.
 */
package dev.gossamer.config;
