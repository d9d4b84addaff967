package dev.gossamer.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gossamer.config.DocumentKind;
import dev.gossamer.config.testing.Schemas;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The docs stay true where a machine can tell: every page a README or doc links exists; every {@code gossamer ...}
 * command shown in code names a real sub-command and real options; and the configuration reference documents
 * exactly the keys the JSON Schemas have.
 */
class DocsTest {

    private static final Path ROOT = Path.of("..");
    /**
     * Pages linked before they exist on this branch, each written on another branch of the same issue; remove an
     * entry when its page lands (the test then checks it like any other).
     */
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)#\\s]+)(#[^)\\s]*)?\\)");
    private static final Pattern CODE_BLOCK = Pattern.compile("```[a-z]*\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern CODE_SPAN = Pattern.compile("`([^`\\n]+)`");
    // gossamer as the command word: at a line's start (after indentation, a prompt or sudo) or after a shell
    // separator; not an argument such as the release name in `helm install gossamer deploy/helm/gossamer`
    private static final Pattern COMMAND = Pattern.compile(
            "(?m)(?:^[ \\t]*(?:\\$[ \\t]+)?(?:sudo[ \\t]+)?|[;&|(][ \\t]*)(?:\\./)?gossamer[ \\t]+([^\\n#;&|)`]*)");

    static List<Path> pages() throws IOException {
        List<Path> pages = new ArrayList<>();
        pages.add(ROOT.resolve("README.md"));
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        return pages;
    }

    @Test
    void everyLinkedPageExists() throws IOException {
        List<String> broken = new ArrayList<>();
        for (Path page : pages()) {
            Matcher m = LINK.matcher(Files.readString(page));
            while (m.find()) {
                String target = m.group(1);
                if (target.startsWith("http://") || target.startsWith("https://") || target.startsWith("mailto:")) {
                    continue;
                }
                Path resolved = page.getParent().resolve(target).normalize();
                if (!Files.exists(resolved)) {
                    broken.add(page.getFileName() + " -> " + target);
                }
            }
        }
        assertThat(broken).as("links to files that do not exist").isEmpty();
    }

    /** Every command line shown in code: its text after {@code gossamer}. */
    static List<String> commandsShown() throws IOException {
        List<String> commands = new ArrayList<>();
        for (Path page : pages()) {
            String text = Files.readString(page);
            List<String> code = new ArrayList<>();
            Matcher block = CODE_BLOCK.matcher(text);
            while (block.find()) {
                code.add(block.group(1));
            }
            Matcher span = CODE_SPAN.matcher(CODE_BLOCK.matcher(text).replaceAll(""));
            while (span.find()) {
                code.add(span.group(1));
            }
            for (String c : code) {
                Matcher m = COMMAND.matcher(c);
                while (m.find()) {
                    commands.add(page.getFileName() + ": gossamer " + m.group(1).strip());
                }
            }
        }
        return commands;
    }

    @Test
    void everyGossamerCommandShownInTheDocsExistsWithItsOptions() throws IOException {
        CommandLine root = Main.fullTree();
        List<String> shown = commandsShown();
        assertThat(shown).as("commands found in the docs").hasSizeGreaterThan(20);
        List<String> wrong = new ArrayList<>();
        for (String line : shown) {
            String[] words = line.substring(line.indexOf(": gossamer ") + ": gossamer ".length()).split("\\s+");
            CommandLine cmd = root;
            for (String w : words) {
                if (w.isEmpty() || w.contains("<") || w.contains("$(")) {
                    break;
                }
                if (w.startsWith("-")) {
                    String option = w.contains("=") ? w.substring(0, w.indexOf('=')) : w;
                    if (!cmd.getCommandSpec().optionsMap().containsKey(option)) {
                        wrong.add(line + "  (no option " + option + " on " + cmd.getCommandName() + ")");
                    }
                    continue;
                }
                if (!cmd.getSubcommands().isEmpty() && w.matches("[a-z][a-z-]*")) {
                    CommandLine sub = cmd.getSubcommands().get(w);
                    if (sub == null && cmd == root) {
                        wrong.add(line + "  (no command " + w + ")");
                        break;
                    }
                    if (sub != null) {
                        cmd = sub;
                    }
                }
            }
        }
        assertThat(wrong).isEmpty();
    }

    /** Property names of every object in a schema, at any depth. */
    private static void keys(JsonNode node, Set<String> into) {
        if (node.isObject()) {
            JsonNode props = node.get("properties");
            if (props != null && props.isObject()) {
                for (Iterator<Map.Entry<String, JsonNode>> it = props.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    if (!e.getValue().isBoolean()) {
                        into.add(e.getKey());
                    }
                }
            }
            node.elements().forEachRemaining(n -> keys(n, into));
        } else if (node.isArray()) {
            node.elements().forEachRemaining(n -> keys(n, into));
        }
    }

    @Test
    void theConfigurationReferenceDocumentsExactlyTheSchemasKeys() throws IOException {
        Set<String> schema = new TreeSet<>();
        keys(Schemas.schemaJson(DocumentKind.SIDECAR), schema);
        keys(Schemas.schemaJson(DocumentKind.MESH), schema);

        // The keys of the reference: every backticked name in the key columns of its tables, split at '.' and '[]'.
        Set<String> documented = new TreeSet<>();
        List<Integer> keyColumns = List.of(1);
        for (String row : Files.readAllLines(ROOT.resolve("docs/configuration.md"))) {
            if (row.startsWith("#") && !row.contains(".yaml")) { // a section named after its key: ### `routes[]`
                Matcher m = CODE_SPAN.matcher(row);
                while (m.find()) {
                    documented.add(m.group(1).replaceAll("[\\[\\]]", ""));
                }
                continue;
            }
            if (!row.startsWith("|") || row.startsWith("|---")) {
                continue;
            }
            String[] cells = row.split("\\|");
            if (!row.contains("`")) { // a header row: the columns titled "key" hold keys
                List<Integer> cols = new ArrayList<>();
                for (int i = 1; i < cells.length; i++) {
                    if (cells[i].strip().equals("key")) {
                        cols.add(i);
                    }
                }
                keyColumns = cols;
                continue;
            }
            for (int i : keyColumns) {
                Matcher m = CODE_SPAN.matcher(i < cells.length ? cells[i] : "");
                while (m.find()) {
                    for (String part : m.group(1).split("[.\\[\\]]+")) {
                        if (!part.isEmpty()) {
                            documented.add(part);
                        }
                    }
                }
            }
        }
        assertThat(new TreeSet<>(schema)).as("schema keys missing from docs/configuration.md")
                .isSubsetOf(documented);
        documented.removeAll(schema);
        assertThat(documented).as("keys documented in docs/configuration.md that no schema has").isEmpty();
    }
}
