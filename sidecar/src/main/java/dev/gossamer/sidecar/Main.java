package dev.gossamer.sidecar;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code gossamer} command line. Each subcommand is its own class; this one only dispatches.
 */
@Command(
        name = "gossamer",
        mixinStandardHelpOptions = true,
        versionProvider = VersionCommand.Provider.class,
        description = "A service-mesh load-balancing sidecar.",
        subcommands = {
            RunCommand.class,
            ValidateCommand.class,
            DemoCommand.class,
            MembersCommand.class,
            ClustersCommand.class,
            ReloadCommand.class,
            DrainCommand.class,
            ConfigCommand.class,
            ControlCommand.class,
            KeygenCommand.class,
            InjectorCommand.class,
            VersionCommand.class,
            TrainCommand.class,
            CompletionCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        // One line per record on stderr for every command (the demo's included); gossamer run reconfigures it from
        // --log-format and --log-level. Not in execute(): tests call that inside their own JVM.
        Logging.configure(Logging.Format.text, Logging.DEFAULT_LEVEL);
        System.exit(execute(args));
    }

    /** Runs the command line and returns its exit code (tests call this instead of {@link #main}). */
    public static int execute(String... args) {
        return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler(Main::failed).execute(args);
    }

    /**
     * A command that failed with a {@link StartupFailure} prints its sentence, not a stack trace (the demo's busy port
     * printed a raw {@code NativeIoException}); anything else is a bug and keeps picocli's stack trace.
     */
    private static int failed(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) throws Exception {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof StartupFailure f) {
                cmd.getErr().println("gossamer " + cmd.getCommandName() + ": " + f.getMessage());
                return 1;
            }
        }
        throw e;
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
