package dev.gossamer.sidecar;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code gossamer completion bash|zsh}: the shell completion script picocli generates from the command model, so it
 * never lags behind the commands. zsh runs the same script through {@code bashcompinit}, as picocli documents.
 */
@Command(name = "completion", mixinStandardHelpOptions = true,
        description = "Print a shell completion script: source <(gossamer completion bash), or for zsh: "
                + "source <(gossamer completion zsh).")
final class CompletionCommand implements Callable<Integer> {

    /** The shells a script is printed for. */
    enum Shell { bash, zsh }

    @Parameters(paramLabel = "SHELL", description = "${COMPLETION-CANDIDATES}")
    Shell shell;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        CommandLine root = spec.root().commandLine();
        String script = AutoComplete.bash("gossamer", root);
        if (shell == Shell.zsh) {
            spec.commandLine().getOut().print("autoload -U +X compinit && compinit\n"
                    + "autoload -U +X bashcompinit && bashcompinit\n");
        }
        spec.commandLine().getOut().print(script);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
