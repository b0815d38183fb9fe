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

    /**
     * The official jetty-mcp-server@1.1.0's tools/list, model-visible bytes (name + description + inputSchema, compact
     * JSON), measured by {@code io.jettymcp.bench.ToolListBench} (docs/token-economy.md). DESIGN §12: our default
     * stays within it, every toolset within 1.5× it.
     */
    static final int OFFICIAL_MODEL_VISIBLE_BYTES = 14_249;

    @Test
    void defaultToolsListStaysWithinTheOfficialServersBytes() {
        long lean = modelVisibleBytes(boundTools(Set.of(Toolset.DEFAULT)));
        long all = modelVisibleBytes(boundTools(Set.of(Toolset.EVERY)));
        assertThat(lean).as("default tools/list, model-visible bytes (docs/token-economy.md)")
                .isLessThanOrEqualTo(OFFICIAL_MODEL_VISIBLE_BYTES);
        assertThat(all).as("every toolset, model-visible bytes").isLessThanOrEqualTo(OFFICIAL_MODEL_VISIBLE_BYTES * 3 / 2);
    }

    /** What reaches the model of each tool: its name, description and input schema, as compact JSON. */
    public static long modelVisibleBytes(List<BoundTool> tools) {
        long bytes = 0;
        for (BoundTool t : tools) {
            JsonNode wire = MAPPER.valueToTree(t.definition());
            var seen = MAPPER.createObjectNode();
            for (String field : List.of("name", "description", "inputSchema")) {
                seen.set(field, wire.get(field));
            }
            bytes += seen.toString().getBytes(StandardCharsets.UTF_8).length;
        }
        return bytes;
    }

    /** The non-negotiable warning stays in the description of every tool that starts a run. */
    @Test
    void everyRunToolWarnsAgainstCallingItAgain() {
        for (String run : List.of("run-task", "run-runbook", "run-routine-now")) {
            String d = specs.stream().filter(s -> s.name().equals(run)).findFirst().orElseThrow().description();
            assertThat(d).as(run).containsPattern("(?i)(never|do not) call (it )?again");
            assertThat(d.toLowerCase(java.util.Locale.ROOT)).as(run).doesNotContain("try again").doesNotContain("re-run");
        }
    }

    /**
     * Behind a balancer a replica's crash reaches the client as the balancer's 502, a text the server does not
     * control: run-task's description is where the model learns that such an error may hide a started run, and
     * where to look before a second call (issue 17 item 4).
     */
    @Test
    void runTaskSaysATransportErrorMayMeanTheRunStarted() {
        String d = specs.stream().filter(s -> s.name().equals("run-task")).findFirst().orElseThrow().description();
        assertThat(d).contains("transport error").contains("may have started").contains("list-trajectories")
                .contains("newest first").contains("created after your call");
    }

    /**
     * The README's name-mapping table names, for each official tool, the tools that do its job here: every one of
     * them is in the default, so nobody coming from the official server needs a flag.
     */
    @Test
    void theDefaultCoversEveryOfficialCapability() throws IOException {
        String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
        String table = readme.substring(readme.indexOf("| official | here |"));
        table = table.substring(0, table.indexOf("\n\n"));
        Set<String> official = new TreeSet<>();
        Set<String> ours = new TreeSet<>();
        for (String row : table.split("\n")) {
            String[] cells = row.split("\\|");
            if (cells.length < 3 || !cells[1].contains("`")) {
                continue;
            }
            official.addAll(ticked(cells[1]));
            ours.addAll(ticked(cells[2]));
        }
        assertThat(official).as("the official server's tools in the mapping table").hasSize(27);
        Set<String> lean = new TreeSet<>();
        boundTools(Set.of(Toolset.DEFAULT)).forEach(t -> lean.add(t.spec().name()));
        assertThat(lean).containsAll(ours);
    }

    private static List<String> ticked(String cell) {
        List<String> out = new java.util.ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("`([a-z-]+)`").matcher(cell);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    static List<BoundTool> boundTools() {
        return boundTools(Set.of());
    }

    static List<BoundTool> boundTools(Set<String> toolsets) {
        Settings settings = Settings.builder().baseUrl("http://127.0.0.1:1").toolsets(toolsets).build();
        ToolContext ctx = new ToolContext(settings, MAPPER, "test");
        List<ToolSpec> specs = new SpecLoader(MAPPER).loadDirectory(Path.of("tool-specs"));
        ToolRegistry reg = new ToolRegistry(specs, Catalog.handlers(ctx, specs), new RestHandler(MAPPER), MAPPER);
        return reg.bind(reg.select(settings), null);
    }
}
