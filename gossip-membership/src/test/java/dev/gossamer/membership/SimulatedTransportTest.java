package dev.gossamer.membership;

import dev.gossamer.common.FakeScheduler;
import dev.gossamer.common.RandomSource;
import java.time.Duration;
import java.util.function.BooleanSupplier;

class SimulatedTransportTest extends TransportContractTest {
    private final FakeScheduler scheduler = new FakeScheduler();
    private final SimulatedNetwork net = new SimulatedNetwork(scheduler, RandomSource.seeded(1));
    private int next;

    @Override
    Transport create() {
        return net.endpoint("sim" + (next++) + ":7946");
    }

    @Override
    void onTransportThread(Transport t, Runnable r) {
        r.run();
    }

    @Override
    void await(BooleanSupplier cond, String what) {
        for (int i = 0; i < 1000 && !cond.getAsBoolean(); i++) {
            scheduler.advance(Duration.ofMillis(10));
        }
        if (!cond.getAsBoolean()) {
            throw new AssertionError("not within 10 simulated seconds: " + what);
        }
    }

    @Override
    String unreachable() {
        return "nobody:1";
    }
}
