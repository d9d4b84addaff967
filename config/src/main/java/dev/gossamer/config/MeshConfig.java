package dev.gossamer.config;

import java.util.List;
import java.util.Optional;

/**
 * The mesh routing document ({@code mesh.yaml}): routes and clusters for the whole mesh. Produced by
 * {@link ConfigLoader#loadMesh(java.nio.file.Path)} with every default filled in; immutable.
 *
 * <p>Guarantees after a successful load: route names, cluster names are unique; every route's cluster exists;
 * when listener names were given, every route's listener exists.
 *
 * @param routes   in match order: the first route that matches a request wins
 * @param clusters the upstream clusters
 */
public record MeshConfig(List<RouteConfig> routes, List<ClusterConfig> clusters) {

    public MeshConfig {
        routes = List.copyOf(routes);
        clusters = List.copyOf(clusters);
    }

    /** The cluster named {@code name}, if any. */
    public Optional<ClusterConfig> cluster(String name) {
        return clusters.stream().filter(c -> c.name().equals(name)).findFirst();
    }
}
