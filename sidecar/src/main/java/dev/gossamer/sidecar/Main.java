package dev.gossamer.sidecar;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code gossamer} command line. Each subcommand is its own class; this one only dispatches.
 *
 * <p>Picocli builds a command's model (its options, parameters and help) by reflection when the command is added
 * to a {@link CommandLine}, and picocli's own classes are slow to load (they are Java 5 class files: no class-data
 * archive takes them, and the JVM checks them with its old type-inferring verifier). So the tree is built for the
 * one subcommand the first argument names; only what lists or completes every command (no arguments, the root's
 * own options, {@code help}, {@code completion}, an unknown word) gets the whole tree. Help texts, messages and exit
 * codes are the same either way ({@code MainTest} compares them).
 */
@Command(
        name = "gossamer",
        mixinStandardHelpOptions = true,
        versionProvider = VersionCommand.Provider.class,
        description = "A service-mesh load-balancing sidecar.")
public final class Main implements Runnable {

    /** Every subcommand, in the order the help lists them. */
    static final List<Class<?>> SUBCOMMANDS = List.of(
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
            CommandLine.HelpCommand.class);

    private static final String NETTY_JFR = "io.netty.jfr.enabled";

    /** The subcommands that read the whole tree: help lists every command, completion writes a script for all. */
    private static final Set<Class<?>> NEED_THE_TREE = Set.of(CompletionCommand.class, CommandLine.HelpCommand.class);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        // Netty 4.2 turns its allocator's JFR events on whenever the JVM has JFR, and the first buffer it allocates
        // then loads jdk.jfr's event machinery (about 110 classes, on the event loop, during the first request).
        // A sidecar is not profiled by default; -Dio.netty.jfr.enabled=true turns the events back on.
        if (System.getProperty(NETTY_JFR) == null) {
            System.setProperty(NETTY_JFR, "false");
        }
        // One line per record on stderr for every command (the demo's included); gossamer run reconfigures it from
        // --log-format and --log-level. Not in execute(): tests call that inside their own JVM.
        Logging.configure(Logging.Format.text, Logging.DEFAULT_LEVEL);
        System.exit(execute(args));
    }

    /** Runs the command line and returns its exit code (tests call this instead of {@link #main}). */
    public static int execute(String... args) {
        return commandLine(args).execute(args);
    }

    /**
     * The command line that runs {@code args}: the root with only the subcommand {@code args[0]} names when that
     * command runs on its own, else with every subcommand.
     */
    static CommandLine commandLine(String... args) {
        Class<?> only = args.length == 0 ? null : alone(args[0]);
        return configure(only == null ? SUBCOMMANDS : List.of(only));
    }

    /** The root with every subcommand, as help and completion see it. */
    static CommandLine fullTree() {
        return configure(SUBCOMMANDS);
    }

    private static CommandLine configure(List<Class<?>> subcommands) {
        CommandLine root = new CommandLine(new Main());
        subcommands.forEach(root::addSubcommand);
        // After the subcommands: picocli applies these settings to the subcommands present when they are set.
        return root.setCaseInsensitiveEnumValuesAllowed(true).setExecutionExceptionHandler(Main::failed);
    }

    /** The subcommand named {@code word} when it runs without the others; null for any other word. */
    private static Class<?> alone(String word) {
        for (Class<?> c : SUBCOMMANDS) {
            Command command = c.getAnnotation(Command.class);
            if (!NEED_THE_TREE.contains(c) && (command.name().equals(word)
                    || Arrays.asList(command.aliases()).contains(word))) {
                return c;
            }
        }
        return null;
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
