package dev.gossamer.health;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A {@link Prober} whose probes the test completes by hand; records every call. */
final class ScriptedProber implements Prober {

    record Call(HealthTarget target, Duration timeout, Promise<ProbeResult> promise) {
    }

    final List<Call> calls = new ArrayList<>();

    @Override
    public synchronized Future<ProbeResult> probe(HealthTarget target, Duration timeout) {
        Promise<ProbeResult> p = Promise.promise();
        calls.add(new Call(target, timeout, p));
        return p.future();
    }

    synchronized Call last() {
        return calls.get(calls.size() - 1);
    }

    synchronized int count() {
        return calls.size();
    }

    synchronized List<Call> callsFor(HealthTarget t) {
        return calls.stream().filter(c -> c.target().equals(t)).toList();
    }

    /** Completes the latest probe. */
    void complete(boolean ok) {
        last().promise().complete(ok ? ProbeResult.passed("status 200")
                : ProbeResult.failed(ProbeResult.Failure.STATUS, "status 500"));
    }
}
