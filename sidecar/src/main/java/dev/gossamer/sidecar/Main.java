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
            ConfigCommand.class,
            ControlCommand.class,
            KeygenCommand.class,
            InjectorCommand.class,
            VersionCommand.class,
            TrainCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns its exit code (tests call this instead of {@link #main}). */
    public static int execute(String... args) {
        return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
