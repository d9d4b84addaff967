package dev.gossamer.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gossamer.common.OptionRules;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/limits.md stays true: every default the page quotes with an owner {@code Class.CONSTANT} equals that constant
 * (durations as the configuration writes them, numbers as digits), and every default of the listener limits and
 * circuit breakers is on the page.
 */
class LimitsDocTest {

    private static final Path PAGE = Path.of("..", "docs", "limits.md");
    private static final List<String> PACKAGES = List.of("dev.gossamer.proxy", "dev.gossamer.health",
            "dev.gossamer.membership", "dev.gossamer.control", "dev.gossamer.config");
    // | limit | default | ... | `Owner.CONSTANT` |
    private static final Pattern ROW = Pattern.compile("(?m)^\\|[^|]*\\|([^|]*)\\|.*\\| `([A-Z][A-Za-z]+)\\.([A-Z0-9_]+)` \\|$");
    private static final Pattern FIRST_CODE = Pattern.compile("`([^`]+)`");

    record Quote(String cell, String owner, String constant) {
    }

    static List<Quote> quotes() throws Exception {
        List<Quote> q = new ArrayList<>();
        Matcher m = ROW.matcher(Files.readString(PAGE));
        while (m.find()) {
            q.add(new Quote(m.group(1).trim(), m.group(2), m.group(3)));
        }
        return q;
    }

    private static Object constant(String owner, String name) throws Exception {
        for (String pkg : PACKAGES) {
            try {
                Field f = Class.forName(pkg + "." + owner).getField(name);
                assertThat(Modifier.isStatic(f.getModifiers())).as(owner + "." + name).isTrue();
                return f.get(null);
            } catch (ClassNotFoundException e) {
                // another package
            }
        }
        throw new AssertionError("no class " + owner + " in " + PACKAGES);
    }

    @Test
    void everyQuotedDefaultIsTheOwnersConstant() throws Exception {
        List<Quote> quotes = quotes();
        assertThat(quotes).as("rows with an owner constant on the page").hasSizeGreaterThan(30);
        List<String> wrong = new ArrayList<>();
        for (Quote q : quotes) {
            Matcher code = FIRST_CODE.matcher(q.cell());
            assertThat(code.find()).as("a default in backticks in: " + q).isTrue();
            String quoted = code.group(1);
            Object value = constant(q.owner(), q.constant());
            String actual = value instanceof Duration d ? OptionRules.format(d) : String.valueOf(value);
            if (!quoted.equals(actual)) {
                wrong.add(q.owner() + "." + q.constant() + " is " + actual + ", the page says " + quoted);
            }
        }
        assertThat(wrong).isEmpty();
    }

    @Test
    void theListenerLimitsAndCircuitBreakersAreAllOnThePage() throws Exception {
        List<String> onPage = quotes().stream().map(q -> q.owner() + "." + q.constant()).toList();
        for (Class<?> c : List.of(dev.gossamer.proxy.ListenerSpec.class, dev.gossamer.proxy.CircuitBreakers.class,
                dev.gossamer.proxy.DataPlaneOptions.class)) {
            for (Field f : c.getFields()) {
                if (f.getName().startsWith("DEFAULT_") && !f.getName().equals("DEFAULT_ACCEPTOR_INSTANCES")
                        && !f.getName().equals("DEFAULT_PER_ENDPOINT_METRICS")) {
                    assertThat(onPage).as("docs/limits.md quotes " + c.getSimpleName() + "." + f.getName())
                            .contains(c.getSimpleName() + "." + f.getName());
                }
            }
        }
    }
}
