package dev.gossamer.proxy;

import dev.gossamer.balancer.ActiveRequests;
import dev.gossamer.balancer.BalancingPolicy;
import dev.gossamer.balancer.Endpoint;
import dev.gossamer.balancer.PickContext;
import dev.gossamer.balancer.PickResult;
import dev.gossamer.balancer.Picker;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Test-only deterministic round robin: starts at the first endpoint, skips excluded ones while others remain. */
final class TestRoundRobin implements BalancingPolicy {

    @Override
    public Picker newPicker(List<Endpoint> endpoints, ActiveRequests load) {
        List<Endpoint> eps = List.copyOf(endpoints);
        AtomicLong next = new AtomicLong();
        return new Picker() {
            @Override
            public PickResult pick(PickContext context) {
                int n = eps.size();
                if (n == 0) {
                    return PickResult.noEndpoint("no healthy endpoint");
                }
                Endpoint first = null;
                for (int i = 0; i < n; i++) {
                    Endpoint e = eps.get((int) (next.getAndIncrement() % n));
                    if (first == null) {
                        first = e;
                    }
                    if (!context.excluded().contains(e)) {
                        return PickResult.of(e);
                    }
                }
                return PickResult.of(first);
            }

            @Override
            public List<Endpoint> endpoints() {
                return eps;
            }
        };
    }

    @Override
    public String name() {
        return "test_round_robin";
    }
}
