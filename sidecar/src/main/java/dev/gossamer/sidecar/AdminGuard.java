package dev.gossamer.sidecar;

import io.netty.util.NetUtil;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Keeps the admin API from being driven or read by a web page, and beyond loopback by anyone without the token. It
 * runs before every admin route:
 * <ul>
 *   <li><b>Host</b> (DNS rebinding): a request must name this server by {@code localhost}, an IP address, or the
 *       configured admin host. A page whose DNS name was rebound to 127.0.0.1 sends its own name and is refused, so
 *       it can neither read {@code /admin/config} nor post to {@code /quitquitquit}.</li>
 *   <li><b>Origin</b> (cross-site requests): a request that changes something (any method but GET and HEAD) is
 *       refused when its {@code Origin} is not this admin server itself, or when the browser marks it
 *       {@code Sec-Fetch-Site: cross-site}/{@code same-site}. Tools like curl send no Origin and pass.</li>
 *   <li><b>Token</b>: when the admin address is not a loopback one and a token is configured
 *       ({@code control.token_file}), every request but the kubelet's {@code /ready} and {@code /live} and the dashboard's static page and
 *       assets ({@code /}, {@code /dashboard.js}, {@code /dashboard.css}) must carry
 *       {@code Authorization: Bearer <token>}. The token is compared in constant time and never logged.</li>
 * </ul>
 * Refusals answer 403 (401 for a missing or wrong token) with a JSON body naming the reason.
 *
 * <p>Threading: stateless after construction; runs on the admin server's event loop.
 */
final class AdminGuard implements Handler<RoutingContext> {

    /** The kubelet probes these with the pod's IP as Host and no token. */
    private static final Set<String> PROBES = Set.of("/ready", "/live");
    /**
     * The dashboard page and its assets hold no state (the page reads everything through the guarded API), and
     * must load without the token so that the page can ask for it.
     */
    private static final Set<String> STATIC = Set.of("/", "/dashboard.js", "/dashboard.css", "/favicon.ico");

    private final String adminHost;
    private final byte[] token; // null: no token required
    private final Counter refusedHost;
    private final Counter refusedOrigin;
    private final Counter refusedToken;

    /**
     * @param adminHost the host of the configured admin address ({@code 127.0.0.1}, {@code 0.0.0.0}, a name)
     * @param token     the bearer token, required when the admin address is not loopback; empty: none
     */
    AdminGuard(String adminHost, Optional<String> token) {
        this(adminHost, token, new SimpleMeterRegistry());
    }

    /** Like {@link #AdminGuard(String, Optional)}, counting refusals in {@code gossamer_admin_refused_total}. */
    AdminGuard(String adminHost, Optional<String> token, MeterRegistry registry) {
        this.refusedHost = refusals(registry, "host");
        this.refusedOrigin = refusals(registry, "origin");
        this.refusedToken = refusals(registry, "token");
        this.adminHost = adminHost.toLowerCase(Locale.ROOT);
        this.token = token.filter(t -> !loopback(adminHost)).map(t -> t.getBytes(StandardCharsets.UTF_8))
                .orElse(null);
    }

    private static Counter refusals(MeterRegistry registry, String reason) {
        return Counter.builder("gossamer.admin.refused").tag("reason", reason)
                .description("Admin API requests refused: a Host that does not name this server (DNS rebinding), "
                        + "a cross-origin write, a missing or wrong bearer token").register(registry);
    }

    /** Whether the admin address only accepts connections from this machine. */
    static boolean loopback(String host) {
        String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        return h.equalsIgnoreCase("localhost") || h.startsWith("127.") || h.equals("::1");
    }

    @Override
    public void handle(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        HostAndPort authority = req.authority();
        if (authority != null && !hostAllowed(authority.host())) {
            refusedHost.increment();
            refuse(ctx, 403, "Host '" + authority.host() + "' does not name this admin server (expected: localhost, "
                    + "an IP address, or " + adminHost + "): refused, as a DNS-rebinding page would be");
            return;
        }
        if (req.method() != HttpMethod.GET && req.method() != HttpMethod.HEAD && crossSite(req, authority)) {
            refusedOrigin.increment();
            refuse(ctx, 403, "cross-origin request refused (expected: no Origin, or this admin server's own)");
            return;
        }
        if (token != null && !PROBES.contains(req.path()) && !(STATIC.contains(req.path()) && isRead(req))
                && !tokenMatches(req.getHeader("authorization"))) {
            refusedToken.increment();
            ctx.response().putHeader("www-authenticate", "Bearer");
            refuse(ctx, 401, "missing or wrong bearer token (expected: Authorization: Bearer <the token in "
                    + "control.token_file>)");
            return;
        }
        ctx.next();
    }

    private static boolean isRead(HttpServerRequest req) {
        return req.method() == HttpMethod.GET || req.method() == HttpMethod.HEAD;
    }

    private boolean hostAllowed(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        return h.equalsIgnoreCase("localhost") || h.equalsIgnoreCase(adminHost)
                || NetUtil.isValidIpV4Address(h) || NetUtil.isValidIpV6Address(h);
    }

    private static boolean crossSite(HttpServerRequest req, HostAndPort authority) {
        String site = req.getHeader("sec-fetch-site");
        if (site != null && (site.equalsIgnoreCase("cross-site") || site.equalsIgnoreCase("same-site"))) {
            return true;
        }
        String origin = req.getHeader("origin");
        if (origin == null) {
            return false;
        }
        if (authority == null) {
            return true;
        }
        String self = authority.port() > 0 ? authority.host() + ":" + authority.port() : authority.host();
        return !origin.equalsIgnoreCase("http://" + self) && !origin.equalsIgnoreCase("https://" + self);
    }

    private boolean tokenMatches(String header) {
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        return MessageDigest.isEqual(token, header.substring(7).trim().getBytes(StandardCharsets.UTF_8));
    }

    private static void refuse(RoutingContext ctx, int status, String reason) {
        ctx.response().setStatusCode(status).putHeader("content-type", "application/json")
                .end(new JsonObject().put("error", reason).encode() + "\n");
    }
}
