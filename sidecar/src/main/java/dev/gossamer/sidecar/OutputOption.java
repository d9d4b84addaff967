package dev.gossamer.sidecar;

import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * {@code -o table|json} of the read commands ({@code members}, {@code clusters}, {@code config get|history}): a table
 * for people, or the admin API's JSON as it came, for scripts ({@code jq}). Also the one table printer, so every
 * command lines its columns up the same way.
 */
final class OutputOption {

    /** What a read command prints. */
    enum Format { table, json }

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
            description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Format format = Format.table;

    boolean json() {
        return format == Format.json;
    }

    /** Prints {@code body} as indented JSON. */
    static void printJson(JsonObject body, PrintStream out) {
        out.println(body.encodePrettily());
    }

    /** Prints rows (the first is the header) in columns two spaces apart; the last column is not padded. */
    static void printTable(List<String[]> rows, PrintStream out) {
        int columns = rows.isEmpty() ? 0 : rows.get(0).length;
        int[] width = new int[columns];
        for (String[] row : rows) {
            for (int c = 0; c < row.length; c++) {
                width[c] = Math.max(width[c], row[c] == null ? 1 : row[c].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < row.length; c++) {
                String cell = row[c] == null ? "-" : row[c];
                line.append(c == row.length - 1 ? cell : String.format("%-" + (width[c] + 2) + "s", cell));
            }
            out.println(line.toString().stripTrailing());
        }
    }

    /** A header row, then nothing: a table to fill. */
    static List<String[]> table(String... header) {
        List<String[]> rows = new ArrayList<>();
        rows.add(header);
        return rows;
    }
}
