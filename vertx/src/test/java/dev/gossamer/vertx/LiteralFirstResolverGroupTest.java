package dev.gossamer.vertx;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import io.netty.resolver.AddressResolver;
import io.netty.resolver.AddressResolverGroup;
import io.netty.resolver.DefaultAddressResolverGroup;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** IP literals are answered without the name resolver; names go to it (a real resolver, loopback names only). */
class LiteralFirstResolverGroupTest {

    private final EventLoop loop = new DefaultEventLoop();
    private final AtomicInteger asked = new AtomicInteger();
    // The JDK's resolver (Netty's default group), counting how often a per-loop resolver is asked for.
    private final AddressResolverGroup<InetSocketAddress> names = new AddressResolverGroup<>() {
        @Override
        protected AddressResolver<InetSocketAddress> newResolver(EventExecutor executor) {
            return DefaultAddressResolverGroup.INSTANCE.getResolver(executor);
        }

        @Override
        public AddressResolver<InetSocketAddress> getResolver(EventExecutor executor) {
            asked.incrementAndGet();
            return super.getResolver(executor);
        }
    };
    private final LiteralFirstResolverGroup group = new LiteralFirstResolverGroup(names);

    @AfterEach
    void close() throws Exception {
        names.close();
        loop.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
    }

    @Test
    void anIpLiteralIsNotLookedUp() throws Exception {
        AddressResolver<InetSocketAddress> r = group.getResolver(loop);
        InetSocketAddress v4 = r.resolve(InetSocketAddress.createUnresolved("10.1.2.3", 8080)).get(5, TimeUnit.SECONDS);
        InetSocketAddress v6 = r.resolve(InetSocketAddress.createUnresolved("::1", 443)).get(5, TimeUnit.SECONDS);
        List<InetSocketAddress> all = r.resolveAll(InetSocketAddress.createUnresolved("127.0.0.1", 80))
                .get(5, TimeUnit.SECONDS);

        assertThat(v4.isUnresolved()).isFalse();
        assertThat(v4.getAddress().getHostAddress()).isEqualTo("10.1.2.3");
        assertThat(v4.getPort()).isEqualTo(8080);
        assertThat(v6.getAddress()).isEqualTo(InetAddress.getByName("::1"));
        assertThat(all).extracting(a -> a.getAddress().getHostAddress()).containsExactly("127.0.0.1");
        assertThat(asked).as("per-loop resolvers asked of the name resolver").hasValue(0);
    }

    @Test
    void aResolvedAddressIsNotLookedUp() {
        AddressResolver<InetSocketAddress> r = group.getResolver(loop);
        assertThat(r.isResolved(new InetSocketAddress(InetAddress.getLoopbackAddress(), 80))).isTrue();
        assertThat(r.isResolved(InetSocketAddress.createUnresolved("127.0.0.1", 80))).isFalse();
        assertThat(asked).hasValue(0);
    }

    @Test
    void aNameGoesToTheNameResolver() throws Exception {
        AddressResolver<InetSocketAddress> r = group.getResolver(loop);
        InetSocketAddress a = r.resolve(InetSocketAddress.createUnresolved("localhost", 8080)).get(5, TimeUnit.SECONDS);
        List<InetSocketAddress> all = r.resolveAll(InetSocketAddress.createUnresolved("localhost", 8080))
                .get(5, TimeUnit.SECONDS);

        assertThat(a.isUnresolved()).isFalse();
        assertThat(a.getAddress().isLoopbackAddress()).isTrue();
        assertThat(all).isNotEmpty().allSatisfy(x -> assertThat(x.getAddress().isLoopbackAddress()).isTrue());
        assertThat(asked).hasValue(2);
    }
}
