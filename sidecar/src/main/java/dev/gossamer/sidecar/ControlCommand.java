package dev.gossamer.sidecar;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code gossamer control --config sidecar.yaml}: runs this node's Raft voter with its admin API and gossip, but no
 * data-plane listeners and no advertised services: the voters of a Kubernetes StatefulSet, like Consul servers. The
 * node's id must be one of {@code control.voters}. SIGTERM leaves the group and exits 0.
 */
@Command(name = "control", mixinStandardHelpOptions = true,
        description = "Run a control-plane voter (no data-plane listeners). SIGTERM leaves and exits 0.")
final class ControlCommand implements Callable<Integer> {

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE",
            description = "The sidecar (bootstrap) document with a control: section naming this node as a voter.")
    Path config;

    @Mixin
    TransportOption transport = new TransportOption();

    @Override
    public Integer call() throws InterruptedException {
        return RunCommand.run(config, 1, transport, true);
    }
}
