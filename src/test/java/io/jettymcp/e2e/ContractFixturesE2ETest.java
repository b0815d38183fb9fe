package io.jettymcp.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jettymcp.api.Routes;
import io.jettymcp.e2e.support.DemoServerTest;
import io.jettymcp.e2e.support.ServerProcess;
import io.jettymcp.sandbox.FaultKind;
import io.jettymcp.sandbox.FaultRule;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Answers taken from the public sources ({@code src/test/resources/contract/}) served in place of the
 * sandbox's own, each fed through every tool that reads its route: the tool must read it without
 * reporting drift and show what the answer says.
 */
class ContractFixturesE2ETest extends DemoServerTest {

    private static final Path DIR = Path.of("src/test/resources/contract");
    private static final ObjectMapper M = new ObjectMapper();

    @AfterEach
    void clean() {
        sandbox.faults().clear();
    }

    @TestFactory
    Stream<DynamicTest> everyFixtureReadsCleanlyThroughEveryToolThatConsumesIt() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path file : fixtures()) {
            JsonNode fx = M.readTree(file.toFile());
            Routes.Route route = Routes.byId(fx.path("route").asText())
                    .orElseThrow(() -> new AssertionError(file + ": unknown route " + fx.path("route")));
            for (JsonNode call : fx.path("calls")) {
                String tool = call.path("tool").asText();
                tests.add(DynamicTest.dynamicTest(file.getFileName() + " → " + tool, () -> {
                    sandbox.faults().clear();
                    sandbox.faults().add(new FaultRule(route.method(), regex(route.template()), FaultKind.STATUS,
                            fx.path("status").asInt(200), M.writeValueAsString(fx.get("answer")), 0, 0, -1, 0));
                    McpSchema.CallToolResult r = server.call(tool, args(call.path("args")));
                    String text = ServerProcess.text(r);
                    assertThat(text).as(tool + " reads " + file.getFileName()).doesNotContain("unexpected shape");
                    assertThat(r.isError()).as(tool + " on " + file.getFileName() + ": " + text).isNotEqualTo(Boolean.TRUE);
                    for (JsonNode want : call.path("expect")) {
                        assertThat(text).as(tool + " shows what " + file.getFileName() + " says").contains(want.asText());
                    }
                }));
            }
        }
        return tests.stream();
    }

    @Test
    void everyFixtureNamesItsSourceAndDateAndAToolToFeed() throws IOException {
        List<Path> all = fixtures();
        assertThat(all).hasSizeGreaterThanOrEqualTo(8);
        for (Path file : all) {
            JsonNode fx = M.readTree(file.toFile());
            assertThat(fx.path("source").asText()).as(file + " source").matches(".*\\w+/\\w+.*\\d{4}-\\d{2}-\\d{2}.*|.*jetty-api\\.md.*");
            assertThat(fx.path("taken").asText()).as(file + " taken").matches("\\d{4}-\\d{2}-\\d{2}");
            assertThat(fx.has("answer")).as(file + " answer").isTrue();
            assertThat(fx.path("calls").size()).as(file + " calls").isPositive();
        }
    }

    private static List<Path> fixtures() {
        try (Stream<Path> s = Files.list(DIR)) {
            // answer fixtures only: openapi-bakery.json is a route table, read by CheckTest
            return s.filter(p -> p.toString().endsWith(".json") && !p.getFileName().toString().startsWith("openapi-"))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, Object> args(JsonNode args) {
        Map<String, Object> out = new LinkedHashMap<>();
        args.properties().forEach(e -> out.put(e.getKey(), M.convertValue(e.getValue(), Object.class)));
        return out;
    }

    /** The route's template as the fault's whole-path regex: each {name} one segment, {name*} the rest. */
    private static String regex(String template) {
        return template.replaceAll("\\{[^}]*\\*}", ".+").replaceAll("\\{[^}]*}", "[^/]+").replace("?", "\\?");
    }
}
