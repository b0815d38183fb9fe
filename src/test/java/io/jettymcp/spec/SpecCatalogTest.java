package io.jettymcp.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.jettymcp.catalog.Catalog;
import io.jettymcp.config.Settings;
import io.jettymcp.tool.BoundTool;
import io.jettymcp.tool.RestHandler;
import io.jettymcp.tool.ToolContext;
import io.jettymcp.tool.ToolRegistry;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The catalog as a whole: every spec valid, every tool explicit about its annotations, the committed
 * tool snapshots and the README table in step with the specs. Update snapshots and the table with
 * {@code mvn test -Dtoolsnaps.update=true -Dreadme.update=true}.
 */
class SpecCatalogTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Path SNAPS = Path.of("src/test/resources/toolsnaps");

    private final List<ToolSpec> specs = new SpecLoader(MAPPER).loadDirectory(Path.of("tool-specs"));

    @Test
    void everySpecIsValidAndExplicit() throws IOException {
        assertThat(specs).isNotEmpty();
        for (ToolSpec s : specs) {
            JsonNode raw = MAPPER.readTree(Path.of("tool-specs", s.toolset(), s.name() + ".json").toFile());
            assertThat(raw.path("title").asText()).as(s.name() + " title").isNotBlank();
            for (String hint : List.of("readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint")) {
                assertThat(raw.path("annotations").path(hint).isBoolean()).as(s.name() + " " + hint).isTrue();
            }
            assertThat(s.description()).as(s.name() + " description").hasSizeBetween(40, 1200);
        }
    }

    @Test
    void toolSnapshotsMatch() throws IOException {
        boolean update = Boolean.getBoolean("toolsnaps.update");
        ObjectMapper pretty = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
        Files.createDirectories(SNAPS);
        Set<String> expected = new TreeSet<>();
        for (BoundTool t : boundTools()) {
            String snap = pretty.writeValueAsString(t.definition()) + "\n";
            Path file = SNAPS.resolve(t.spec().name() + ".snap.json");
            expected.add(file.getFileName().toString());
            if (update) {
                Files.writeString(file, snap);
            } else {
                assertThat(file).as("toolsnap for " + t.spec().name() + " (run mvn test -Dtoolsnaps.update=true)").exists();
                assertThat(Files.readString(file)).as("toolsnap " + file + " is stale (run mvn test -Dtoolsnaps.update=true)")
                        .isEqualTo(snap);
            }
        }
        try (var files = Files.list(SNAPS)) {
            List<String> present = files.map(p -> p.getFileName().toString()).sorted().toList();
            if (update) {
                for (String p : present) {
                    if (!expected.contains(p)) {
                        Files.delete(SNAPS.resolve(p));
                    }
                }
            } else {
                assertThat(present).as("snapshots without a tool").containsExactlyElementsOf(expected);
            }
        }
    }

    @Test
    void readmeToolTableIsCurrent() throws IOException {
        Path readme = Path.of("README.md");
        String text = Files.readString(readme, StandardCharsets.UTF_8);
        int b = text.indexOf(ToolTable.BEGIN);
        int e = text.indexOf(ToolTable.END);
        assertThat(b).as("README tool table markers").isGreaterThanOrEqualTo(0);
        assertThat(e).isGreaterThan(b);
        String table = ToolTable.markdown(specs);
        String current = text.substring(b + ToolTable.BEGIN.length(), e).strip();
        if (Boolean.getBoolean("readme.update")) {
            Files.writeString(readme, text.substring(0, b + ToolTable.BEGIN.length()) + "\n" + table
                    + text.substring(e), StandardCharsets.UTF_8);
        } else {
            assertThat(current).as("README tool table is stale (run mvn test -Dreadme.update=true)").isEqualTo(table.strip());
        }
    }

    @Test
    void defaultToolsListStaysSmall() throws IOException {
        // every byte of tools/list is model context. DESIGN §12 aims at the official server's ~655 B per tool;
        // our tools carry more arguments (files, secrets, waits, fields); this bound stops growth
        List<BoundTool> tools = boundTools();
        long bytes = 0;
        for (BoundTool t : tools) {
            bytes += MAPPER.writeValueAsBytes(t.definition()).length;
        }
        assertThat(bytes / tools.size()).as("average tools/list bytes per tool").isLessThanOrEqualTo(820);
    }

    static List<BoundTool> boundTools() {
        Settings settings = Settings.builder().baseUrl("http://127.0.0.1:1").build();
        ToolContext ctx = new ToolContext(settings, MAPPER, "test");
        List<ToolSpec> specs = new SpecLoader(MAPPER).loadDirectory(Path.of("tool-specs"));
        ToolRegistry reg = new ToolRegistry(specs, Catalog.handlers(ctx, specs), new RestHandler(MAPPER), MAPPER);
        return reg.bind(reg.select(settings), null);
    }
}
