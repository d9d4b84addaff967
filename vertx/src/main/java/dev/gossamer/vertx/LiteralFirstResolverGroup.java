package dev.gossamer.vertx;

import io.netty.resolver.AbstractAddressResolver;
import io.netty.resolver.AddressResolver;
import io.netty.resolver.AddressResolverGroup;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Promise;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;

/**
 * Resolves an address whose host is an IP literal ({@code 10.0.0.7}, {@code ::1}) itself, and only a host name
 * through {@code names}, asking {@code names} for its resolver of an event loop the first time a name is resolved
 * there. Netty's {@code Bootstrap} asks its resolver group for the event loop's resolver on every connect, even
 * for an address that needs no lookup; Vert.x's DNS resolver group answers that by building a DNS resolver with its
 * own UDP socket (and, on io_uring, 512 message headers of native memory) for the loop. A cluster of IP addresses,
 * the common static case, therefore never builds one.
 *
 * <p>Thread-safe; the resolvers it makes hold nothing to close (those of {@code names} stay {@code names}' to
 * close), so closing this group closes nothing.
 */
final class LiteralFirstResolverGroup extends AddressResolverGroup<InetSocketAddress> {

    private final AddressResolverGroup<InetSocketAddress> names;

    LiteralFirstResolverGroup(AddressResolverGroup<InetSocketAddress> names) {
        this.names = Objects.requireNonNull(names, "names");
    }

    /**
     * A new resolver on {@code executor}, not kept: Netty's group would keep one per event loop and a termination
     * listener on the loop until the group is closed, and a bootstrap's group is never closed (one is made per
     * upstream pool, on every mesh apply). The resolver is a small object made once per connect.
     */
    @Override
    public AddressResolver<InetSocketAddress> getResolver(EventExecutor executor) {
        return new Resolver(executor, names);
    }

    @Override
    protected AddressResolver<InetSocketAddress> newResolver(EventExecutor executor) {
        return getResolver(executor);
    }

    /** The literal's address, or null when {@code host} is a name. Never looks anything up. */
    static InetAddress literal(String host) {
        return NetUtil.createInetAddressFromIpAddressString(host);
    }

    private static final class Resolver extends AbstractAddressResolver<InetSocketAddress> {

        private final EventExecutor executor;
        private final AddressResolverGroup<InetSocketAddress> names;

        Resolver(EventExecutor executor, AddressResolverGroup<InetSocketAddress> names) {
            super(executor, InetSocketAddress.class);
            this.executor = executor;
            this.names = names;
        }

        @Override
        protected boolean doIsResolved(InetSocketAddress address) {
            return !address.isUnresolved();
        }

        @Override
        protected void doResolve(InetSocketAddress unresolved, Promise<InetSocketAddress> promise) {
            InetAddress ip = literal(unresolved.getHostString());
            if (ip != null) {
                promise.setSuccess(new InetSocketAddress(ip, unresolved.getPort()));
            } else {
                names.getResolver(executor).resolve(unresolved, promise);
            }
        }

        @Override
        protected void doResolveAll(InetSocketAddress unresolved, Promise<List<InetSocketAddress>> promise) {
            InetAddress ip = literal(unresolved.getHostString());
            if (ip != null) {
                promise.setSuccess(List.of(new InetSocketAddress(ip, unresolved.getPort())));
            } else {
                names.getResolver(executor).resolveAll(unresolved, promise);
            }
        }
    }
}
