package dev.gossamer.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * Reading files and composing YAML text into a node tree with positions, within the documented limits. Every
 * failure becomes a problem on the {@link Doc}; nothing is thrown. Stateless.
 */
final class YamlText {

    private YamlText() {
    }

    /** The text of {@code file}, or null after recording why it cannot be read. */
    static String read(Path file, Doc doc) {
        try {
            long size = Files.size(file);
            if (size > ConfigLoader.MAX_DOCUMENT_BYTES) {
                doc.problem(Optional.empty(), ConfigProblem.ROOT, size + " bytes (expected: at most "
                        + ConfigLoader.MAX_DOCUMENT_BYTES + " bytes)");
                return null;
            }
            byte[] bytes = Files.readAllBytes(file);
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            doc.problem(Optional.empty(), ConfigProblem.ROOT, "not UTF-8 text (expected: a UTF-8 YAML file)");
        } catch (IOException | SecurityException e) {
            doc.problem(Optional.empty(), ConfigProblem.ROOT, "cannot read the file: " + e);
        }
        return null;
    }

    /** The root node, or null after recording a syntax or limit problem (or an empty document). */
    static Node compose(String text, Doc doc) {
        if (text.length() > ConfigLoader.MAX_DOCUMENT_BYTES) {
            doc.problem(Optional.empty(), ConfigProblem.ROOT, text.length() + " characters (expected: at most "
                    + ConfigLoader.MAX_DOCUMENT_BYTES + ")");
            return null;
        }
        LoadSettings settings = LoadSettings.builder()
                .setLabel(doc.source)
                .setSchema(new CoreSchema())
                .setAllowDuplicateKeys(true) // duplicates are reported with both positions by Obj
                .setAllowRecursiveKeys(false)
                .setMaxAliasesForCollections(ConfigLoader.MAX_COLLECTION_ALIASES)
                .setCodePointLimit(ConfigLoader.MAX_DOCUMENT_BYTES + 1)
                .setUseMarks(true)
                .build();
        try {
            Optional<Node> root = new Compose(settings).composeString(text);
            if (root.isEmpty()) {
                doc.problem(Optional.empty(), ConfigProblem.ROOT, "empty document (expected: a mapping)");
                return null;
            }
            return root.get();
        } catch (MarkedYamlEngineException e) {
            Optional<Mark> mark = e.getProblemMark().isPresent() ? e.getProblemMark() : e.getContextMark();
            String what = e.getProblem() != null ? e.getProblem() : e.getContext();
            String context = e.getContext() != null && e.getProblem() != null ? " (" + oneLine(e.getContext()) + ")" : "";
            doc.problem(mark, ConfigProblem.ROOT, "invalid YAML: " + oneLine(what) + context
                    + hint(text, mark, what == null ? "" : what));
        } catch (YamlEngineException e) {
            doc.problem(Optional.empty(), ConfigProblem.ROOT, "invalid YAML: " + oneLine(e.getMessage()));
        } catch (StackOverflowError e) {
            // The composer recurses per nesting level and has no depth limit of its own.
            doc.problem(Optional.empty(), ConfigProblem.ROOT, "nested too deeply (expected: a configuration document)");
        } catch (RuntimeException e) {
            doc.problem(Optional.empty(), ConfigProblem.ROOT, "invalid YAML: " + oneLine(String.valueOf(e)));
        }
        return null;
    }

    /**
     * A hint for the common slips behind a syntax error, looked for on the lines around {@code mark}: a tab in the
     * indentation, an unquoted value holding {@code ": "}, a line indented differently from its siblings. Empty when
     * none applies; the parser's own words and position always stay.
     */
    static String hint(String text, Optional<Mark> mark, String problem) {
        String[] lines = text.split("\n", -1);
        int at = mark.map(Mark::getLine).orElse(-1);
        // The parser often notices a slip one line late: look at the marked line and the one before it.
        for (int l = at; l >= Math.max(0, at - 1); l--) {
            if (l >= lines.length) {
                continue;
            }
            String line = lines[l];
            int indentEnd = 0;
            while (indentEnd < line.length() && (line.charAt(indentEnd) == ' ' || line.charAt(indentEnd) == '\t')) {
                indentEnd++;
            }
            if (line.substring(0, indentEnd).indexOf('\t') >= 0 || problem.contains("'\\t'")
                    || problem.contains("\t")) {
                return "; hint: line " + (l + 1) + " is indented with a tab: YAML indents with spaces only";
            }
        }
        if (problem.contains("mapping values are not allowed")) {
            String line = at >= 0 && at < lines.length ? lines[at] : "";
            String trimmed = line.strip();
            int first = trimmed.indexOf(": ");
            if (first > 0 && !trimmed.startsWith("-") && trimmed.indexOf(": ", first + 2) > 0) {
                String key = trimmed.substring(0, first);
                String value = trimmed.substring(first + 2).strip();
                return "; hint: a value holding ': ' must be quoted, like " + key + ": \"" + value.replace("\"", "\\\"")
                        + "\"";
            }
            return "; hint: a value holding ': ' must be quoted, or this line is indented deeper than its siblings";
        }
        if (problem.contains("expected <block end>") || problem.contains("could not find expected ':'")
                || problem.contains("did not find expected key") || problem.contains("expected <block mapping start>")
                || problem.contains("bad indentation")) {
            return "; hint: check this line's indentation: the keys of one mapping start in the same column, "
                    + "and the items of a list under a key are indented by spaces (or start with '- ' in its column)";
        }
        return "";
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s+", " ").trim();
    }
}
