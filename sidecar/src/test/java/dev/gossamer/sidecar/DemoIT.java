package dev.gossamer.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The README's main command, end to end: every check the demo makes must pass (it exits 1 otherwise). */
class DemoIT {

    @Test
    void demoPassesEveryCheck() {
        assertThat(Main.execute("demo", "--duration", "0", "--port", "0", "--admin-port", "0", "--requests", "150"))
                .isZero();
    }
}
