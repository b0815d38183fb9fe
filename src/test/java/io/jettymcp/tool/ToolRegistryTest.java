package io.jettymcp.tool;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jettymcp.catalog.Catalog;
import io.jettymcp.config.Settings;
import io.jettymcp.spec.SpecLoader;
import io.jettymcp.spec.ToolSpec;
import io.jettymcp.spec.Toolset;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the registry publishes from the specs: the order of tools/list, the lean default, the published schema beside
 * the checked one, and the tool-search {@code _meta}.
 */
class ToolRegistryTest {

    private static final ObjectMapper M = new ObjectMapper();
    private static final List<ToolSpec> SPECS = new SpecLoader(M).loadDirectory(Path.of("tool-specs"));

    private static ToolRegistry registry(List<ToolSpec> specs) {
        Settings settings = Settings.builder().baseUrl("http://127.0.0.1:1").build();
        return new ToolRegistry(specs, Catalog.handlers(new ToolContext(settings, M, "test"), SPECS),
                new RestHandler(M), M);
    }

    private static List<String> names(List<BoundTool> tools) {
        return tools.stream().map(t -> t.definition().name()).toList();
    }

    @Test
    void toolsAreListedInNameOrderWhateverOrderTheSpecsCameIn() {
        List<ToolSpec> shuffled = new ArrayList<>(SPECS);
        Collections.shuffle(shuffled, new Random(14));
        ToolRegistry reg = registry(shuffled);
        List<String> listed = names(reg.bind(reg.select(Settings.builder().baseUrl("http://x").build()), null));
        assertThat(listed).hasSize(SPECS.size()).isSorted();
    }

    @Test
    void theDefaultToolsetIsEveryToolButTheOptInOnesAndCombinesWithToolsets() {
        ToolRegistry reg = registry(SPECS);
        List<String> lean = reg.select(Settings.builder().baseUrl("http://x").toolsets(Set.of("default")).build())
                .stream().map(ToolSpec::name).toList();
        assertThat(lean).doesNotContainAnyElementsOf(Toolset.OUTSIDE_DEFAULT)
                .hasSize(SPECS.size() - Toolset.OUTSIDE_DEFAULT.size());
        List<String> plusFiles = reg.select(Settings.builder().baseUrl("http://x").toolsets(Set.of("default", "files"))
                .build()).stream().map(ToolSpec::name).toList();
        assertThat(plusFiles).containsAll(lean).contains("upload-file", "download-file", "list-files")
                .doesNotContain("run-runbook");
        // read-only and exclusions still work per tool inside the default
        List<String> readOnly = reg.select(Settings.builder().baseUrl("http://x").toolsets(Set.of("default"))
                .readOnly(true).excludeTools(Set.of("whoami")).build()).stream().map(ToolSpec::name).toList();
        assertThat(readOnly).contains("list-tasks").doesNotContain("run-task", "create-routine", "whoami");
    }

    @Test
    void thePublishedSchemaDropsValidatorOnlyLimitsWhileTheCheckedOneKeepsThem() {
        ToolRegistry reg = registry(SPECS);
        BoundTool routine = reg.bind(List.of(spec("create-routine")), null).get(0);
        JsonNode checked = routine.effectiveInput().path("properties").path("name");
        assertThat(checked.has("pattern")).isTrue();
        assertThat(checked.path("maxLength").asInt()).isEqualTo(64);
        assertThat(checked.path("x-kind").asText()).isEqualTo("name");
        JsonNode published = M.valueToTree(routine.definition().inputSchema()).path("properties");
        assertThat(published.path("name").has("pattern")).isFalse();
        assertThat(published.path("name").has("maxLength")).isFalse();
        assertThat(published.path("name").has("x-kind")).isFalse();
        // what guides a call stays: enums, bounds, defaults, required
        assertThat(published.at("/cadence/properties/type/enum")).hasSize(5);
        assertThat(published.at("/cadence/properties/hour_utc/maximum").asInt()).isEqualTo(23);
        assertThat(published.at("/paused/default").asBoolean(true)).isFalse();
        assertThat(M.valueToTree(routine.definition().inputSchema()).path("required").toString())
                .isEqualTo("[\"task\",\"name\",\"cadence\"]");
        // the checked item schema of check-secrets keeps its pattern, the published one does not
        BoundTool secrets = reg.bind(List.of(spec("check-secrets")), null).get(0);
        assertThat(secrets.effectiveInput().at("/properties/names/items/pattern").isTextual()).isTrue();
        assertThat(M.valueToTree(secrets.definition().inputSchema()).at("/properties/names/items").has("pattern")).isFalse();
    }

    @Test
    void aPropertyNamedLikeAKeywordIsKept() throws Exception {
        var checked = (com.fasterxml.jackson.databind.node.ObjectNode) M.readTree("""
                {"type":"object","properties":{"pattern":{"type":"string","maxLength":5},"x-y":{"type":"integer"}},
                 "required":[]}""");
        JsonNode published = PublishedSchema.of(checked);
        assertThat(published.path("properties").has("pattern")).isTrue();
        assertThat(published.path("properties").has("x-y")).isTrue();
        assertThat(published.path("properties").path("pattern").has("maxLength")).isFalse();
        assertThat(published.has("required")).isFalse();
        assertThat(checked.path("properties").path("pattern").has("maxLength")).as("the checked schema is untouched").isTrue();
    }

    @Test
    void atMostFiveToolsStayLoadedAndEveryOtherToolHasSearchKeywords() {
        ToolRegistry reg = registry(SPECS);
        List<McpSchema.Tool> tools = reg.bind(reg.select(Settings.builder().baseUrl("http://x").build()), null).stream()
                .map(BoundTool::definition).toList();
        List<String> always = tools.stream().filter(t -> Boolean.TRUE.equals(t.meta().get("anthropic/alwaysLoad")))
                .map(McpSchema.Tool::name).toList();
        assertThat(always).containsExactlyInAnyOrder("whoami", "list-tasks", "run-task", "wait-for-trajectory",
                "get-trajectory");
        for (McpSchema.Tool t : tools) {
            if (!always.contains(t.name())) {
                assertThat(t.meta()).as(t.name()).containsOnlyKeys("anthropic/searchHint");
                assertThat(String.valueOf(t.meta().get("anthropic/searchHint")).split(" ")).as(t.name()).hasSizeBetween(2, 6);
            }
        }
        assertThat(M.valueToTree(tools.get(0)).has("_meta")).as("serialized as _meta").isTrue();
    }

    private static ToolSpec spec(String name) {
        return SPECS.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }
}
