package dev.gossamer.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The command line built for one subcommand ({@link Main#commandLine}) behaves as the whole tree does: the same
 * help, the same usage errors, the same exit codes, for every command and nested command.
 */
class MainTest {

    /** What one run printed and returned. */
    private record Outcome(int exit, String out, String err) {
    }

    private static Outcome run(CommandLine cl, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Outcome(exit, out.toString(), err.toString());
    }

    /** Every command path below the root: [run], [config], [config, apply], ... */
    private static List<List<String>> paths(CommandLine cl, List<String> prefix) {
        List<List<String>> all = new ArrayList<>();
        for (var e : cl.getSubcommands().entrySet()) {
            List<String> path = new ArrayList<>(prefix);
            path.add(e.getKey());
            all.add(path);
            all.addAll(paths(e.getValue(), path));
        }
        return all;
    }

    @Test
    void aCommandAloneAnswersHelpAndUsageErrorsAsTheWholeTreeDoes() {
        CommandLine whole = Main.fullTree(); // picocli resets every option before each parse, so one tree serves all
        List<List<String>> paths = paths(whole, List.of());
        assertThat(paths).hasSizeGreaterThan(Main.SUBCOMMANDS.size()); // nested ones too (config apply, ...)
        int compared = 0;
        for (List<String> path : paths) {
            CommandLine alone = Main.commandLine(path.toArray(String[]::new));
            // help, and a usage error with picocli's "did you mean" (both name the command by its full path)
            for (List<String> tail : List.of(List.of("--help"), List.of("--hepl"))) {
                List<String> words = new ArrayList<>(path);
                words.addAll(tail);
                String[] args = words.toArray(String[]::new);
                Outcome got = run(alone, args);
                assertThat(got).as(String.join(" ", args)).isEqualTo(run(whole, args));
                assertThat(got.out() + got.err()).as(String.join(" ", args)).isNotBlank();
                compared++;
            }
        }
        assertThat(compared).isEqualTo(paths.size() * 2);
    }

    @Test
    void onlyTheNamedCommandIsBuiltExceptForHelpCompletionAndUnknownWords() {
        assertThat(Main.commandLine("run", "--config", "sidecar.yaml").getSubcommands()).containsOnlyKeys("run");
        assertThat(Main.commandLine("config", "apply").getSubcommands()).containsOnlyKeys("config");
        assertThat(Main.commandLine("config", "apply").getSubcommands().get("config").getSubcommands())
                .containsKeys("apply", "get", "history", "diff", "rollback");
        int all = Main.SUBCOMMANDS.size();
        assertThat(Main.commandLine().getSubcommands()).hasSize(all);
        assertThat(Main.commandLine("help", "run").getSubcommands()).hasSize(all);
        assertThat(Main.commandLine("completion", "bash").getSubcommands()).hasSize(all);
        assertThat(Main.commandLine("--version").getSubcommands()).hasSize(all);
        assertThat(Main.commandLine("rnu").getSubcommands()).hasSize(all); // picocli's "did you mean" needs them all
    }

    @Test
    void theRootAnswersAsBefore() {
        for (String[] args : new String[][] {{}, {"--help"}, {"rnu"}, {"help", "run"}, {"help", "config", "apply"}}) {
            Outcome o = run(Main.commandLine(args), args);
            assertThat(o).as(String.join(" ", args)).isEqualTo(run(Main.fullTree(), args));
        }
        Outcome unknown = run(Main.commandLine("rnu"), "rnu");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).contains("Unmatched argument at index 0: 'rnu'").contains("run");
    }
}
