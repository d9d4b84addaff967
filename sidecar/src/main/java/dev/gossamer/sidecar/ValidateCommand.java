package dev.gossamer.sidecar;

import dev.gossamer.config.ConfigLoader;
import dev.gossamer.config.ConfigProblem;
import dev.gossamer.config.ConfigValidator;
import dev.gossamer.config.ValidationResult;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code gossamer validate FILE...}: checks sidecar and mesh documents (the kind is detected) and prints every
 * problem as {@code file:line:col: path: message}. Exit 0 when all are valid, 1 otherwise.
 */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = {"Validate sidecar.yaml and mesh.yaml files; a sidecar file's mesh_config is checked too.",
            "Prints every problem as file:line:col: path: message. Exit 0 when all files are valid."})
final class ValidateCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Files to validate.")
    List<Path> files;

    @Override
    public Integer call() {
        return validate(files, new ConfigValidator(ConfigLoader.withSystemEnvironment(), Plans.RULES), System.out,
                System.err);
    }

    static int validate(List<Path> files, ConfigValidator validator, PrintStream out, PrintStream err) {
        int bad = 0;
        for (Path file : files) {
            ValidationResult r = validator.validate(file);
            if (r.problems().isEmpty()) {
                out.println(file + ": ok (" + r.kind().name().toLowerCase(java.util.Locale.ROOT) + " document)");
            } else {
                bad++;
                for (ConfigProblem p : r.problems()) {
                    err.println(p);
                }
            }
        }
        if (bad > 0) {
            err.println(bad + " of " + files.size() + " file(s) invalid");
        }
        return bad == 0 ? 0 : 1;
    }
}
