package dev.gossamer.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Syntax errors keep the parser's words and file:line:col, plus a hint for the common slips (issue 12). */
class YamlHintsTest {

    private static List<String> problems(String yaml) {
        return new ConfigLoader(Map.<String, String>of()::get).loadMesh("mesh.yaml", yaml, Set.of("outbound"))
                .problems().stream().map(ConfigProblem::toString).toList();
    }

    @Test
    void aTabInTheIndentationIsNamed() {
        List<String> p = problems("routes:\n\t- {name: a, match: {path_prefix: /}, cluster: c}\nclusters: []\n");
        assertThat(p).hasSize(1);
        assertThat(p.get(0)).startsWith("mesh.yaml:2:").contains("invalid YAML")
                .contains("hint: line 2 is indented with a tab: YAML indents with spaces only");
    }

    @Test
    void anUnquotedColonInAValueIsShownQuoted() {
        List<String> p = problems("routes:\n  - name: a\n    cluster: c: d\nclusters: []\n");
        assertThat(p).hasSize(1);
        assertThat(p.get(0)).startsWith("mesh.yaml:3:").contains("mapping values are not allowed")
                .contains("hint: a value holding ': ' must be quoted, like cluster: \"c: d\"");
    }

    @Test
    void aLineOutOfStepWithItsSiblingsGetsAnIndentationHint() {
        List<String> p = problems("clusters:\n  - name: c\n    endpoints: [127.0.0.1:1]\n   protocol: http1\n");
        assertThat(p).hasSize(1);
        assertThat(p.get(0)).startsWith("mesh.yaml:4:").contains("invalid YAML").contains("hint: check this line's "
                + "indentation");
    }

    @Test
    void otherSyntaxErrorsKeepTheParsersWordsWithoutAHint() {
        List<String> p = problems("routes: [\n");
        assertThat(p).hasSize(1);
        assertThat(p.get(0)).contains("invalid YAML").doesNotContain("hint:");
    }
}
