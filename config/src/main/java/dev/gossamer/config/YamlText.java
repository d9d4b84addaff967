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
            doc.problem(mark, ConfigProblem.ROOT, "invalid YAML: " + oneLine(what) + context);
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

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s+", " ").trim();
    }
}
