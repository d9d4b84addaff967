package dev.gossamer.proxy;

import dev.gossamer.common.testing.Seeds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gossamer.balancer.Endpoint;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class RoutingTableTest {

    private static final ClusterSpec C = ClusterSpec.of("c", List.of(Endpoint.of("127.0.0.1", 1)),
            new TestRoundRobin());

    @Test
    void firstMatchWinsAndListenersAreSeparate() {
        RoutingTable t = RoutingTable.of(List.of(
                RouteSpec.of("a", "in", RouteMatch.prefix("/api"), "c"),
                RouteSpec.of("b", "in", RouteMatch.prefix("/"), "c"),
                RouteSpec.of("x", "other", RouteMatch.ANY, "c")), List.of(C));
        MultiMap h = HttpHeaders.headers();
        assertThat(t.match("in", "GET", "h", "/api/v1", h).name()).isEqualTo("a");
        assertThat(t.match("in", "GET", "h", "/apx", h).name()).isEqualTo("b");
        assertThat(t.match("other", "GET", "h", "/apx", h).name()).isEqualTo("x");
        assertThat(t.match("none", "GET", "h", "/", h)).isNull();
    }

    @Test
    void wildcardAuthorityNeedsASubdomain() {
        RoutingTable t = RoutingTable.of(List.of(RouteSpec.of("w", "in", RouteMatch.ANY.withAuthority("*.Ex.com"),
                "c")), List.of(C));
        MultiMap h = HttpHeaders.headers();
        assertThat(t.match("in", "GET", "a.ex.COM", "/", h)).isNotNull();
        assertThat(t.match("in", "GET", "ex.com", "/", h)).isNull();
        assertThat(t.match("in", "GET", "aex.com", "/", h)).isNull();
        assertThat(t.match("in", "GET", null, "/", h)).isNull();
    }

    @Test
    void validationReportsEveryProblem() {
        assertThatThrownBy(() -> RoutingTable.of(List.of(RouteSpec.of("a", "in", RouteMatch.ANY, "nope"),
                RouteSpec.of("a", "in", RouteMatch.ANY, "c")), List.of(C, C)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("clusters: duplicate name c")
                .hasMessageContaining("routes: duplicate name a")
                .hasMessageContaining("routes[a].cluster: nope");
        assertThatThrownBy(() -> new RouteMatch(null, "/a", "/b", null, List.of(), Set.of()))
                .hasMessageContaining("(expected: at most one)");
        assertThatThrownBy(() -> RouteMatch.prefix("api")).hasMessage("pathPrefix: api (expected: starts with /)");
        assertThatThrownBy(() -> RouteMatch.ANY.withAuthority("a*.b")).hasMessageContaining("authority: a*.b");
    }

    /** Property: the compiled table agrees with a direct reading of the spec on random routes and requests. */
    @Test
    void compiledMatchingAgreesWithReferenceOnRandomCases() {
        long seed = Seeds.seed(20261206L);
        Random rnd = new Random(seed);
        String[] hosts = {"a.com", "b.a.com", "x.org", null};
        String[] paths = {"/", "/a", "/a/b", "/b", "/a1", "/items/7"};
        String[] methods = {"GET", "POST", "DELETE"};
        for (int round = 0; round < 300; round++) {
            List<RouteSpec> routes = new ArrayList<>();
            int n = 1 + rnd.nextInt(6);
            for (int i = 0; i < n; i++) {
                routes.add(RouteSpec.of("r" + i, "in", randomMatch(rnd), "c"));
            }
            RoutingTable t = RoutingTable.of(routes, List.of(C));
            for (int q = 0; q < 20; q++) {
                String host = hosts[rnd.nextInt(hosts.length)];
                String path = paths[rnd.nextInt(paths.length)];
                String method = methods[rnd.nextInt(methods.length)];
                MultiMap h = HttpHeaders.headers();
                if (rnd.nextBoolean()) {
                    h.add("X-K", rnd.nextBoolean() ? "v1" : "v2");
                }
                RouteSpec expected = null;
                for (RouteSpec r : routes) {
                    if (reference(r.match(), method, host, path, h)) {
                        expected = r;
                        break;
                    }
                }
                assertThat(t.match("in", method, host, path, h))
                        .as(Seeds.describe(seed, "round %d %s %s %s %s"), round, method, host, path, h)
                        .isEqualTo(expected);
            }
        }
    }

    private static RouteMatch randomMatch(Random rnd) {
        String authority = switch (rnd.nextInt(4)) {
            case 0 -> "a.com";
            case 1 -> "*.a.com";
            default -> null;
        };
        String path = null;
        String prefix = null;
        Pattern regex = null;
        switch (rnd.nextInt(4)) {
            case 0 -> path = rnd.nextBoolean() ? "/a" : "/b";
            case 1 -> prefix = rnd.nextBoolean() ? "/a" : "/";
            case 2 -> regex = Pattern.compile("/items/\\d+");
            default -> { }
        }
        List<HeaderMatch> hs = switch (rnd.nextInt(4)) {
            case 0 -> List.of(HeaderMatch.exact("x-k", "v1"));
            case 1 -> List.of(HeaderMatch.present("X-K"));
            case 2 -> List.of(HeaderMatch.regex("x-k", Pattern.compile("v[2-9]")));
            default -> List.of();
        };
        Set<String> methods = rnd.nextBoolean() ? Set.of() : Set.of("get");
        return new RouteMatch(authority, path, prefix, regex, hs, methods);
    }

    private static boolean reference(RouteMatch m, String method, String host, String path, MultiMap h) {
        if (m.authority() != null) {
            if (host == null) {
                return false;
            }
            String hl = host.toLowerCase(Locale.ROOT);
            if (m.authority().startsWith("*.")) {
                String suffix = m.authority().substring(1);
                if (!hl.endsWith(suffix) || hl.length() == suffix.length()) {
                    return false;
                }
            } else if (!hl.equals(m.authority())) {
                return false;
            }
        }
        if (m.path() != null && !m.path().equals(path)) {
            return false;
        }
        if (m.pathPrefix() != null && !path.startsWith(m.pathPrefix())) {
            return false;
        }
        if (m.pathRegex() != null && !m.pathRegex().matcher(path).matches()) {
            return false;
        }
        if (!m.methods().isEmpty() && !m.methods().contains(method)) {
            return false;
        }
        for (HeaderMatch hm : m.headers()) {
            String v = h.get(hm.name());
            if (v == null || (hm.exact() != null && !hm.exact().equals(v))
                    || (hm.regex() != null && !hm.regex().matcher(v).matches())) {
                return false;
            }
        }
        return true;
    }
}
