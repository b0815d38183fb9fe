package io.jettymcp.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Paths cannot be built wrong: every Jetty route the server calls is built by {@link Routes} (which encodes
 * each segment), so no other server file spells a route or encodes a segment by hand. The sandbox is its own
 * world (it serves the routes) and is not scanned.
 */
class RouteLiteralsTest {

    private static final Path MAIN = Path.of("src/main/java/io/jettymcp");
    private static final Pattern ROUTE_LITERAL = Pattern.compile("\"(/api/v1|/v1/)");
    private static final Pattern HAND_ENCODED = Pattern.compile("\\bsegment\\(");

    @Test
    void noRouteLiteralsOrHandEncodedSegmentsOutsideRoutes() throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                Path rel = MAIN.relativize(f);
                if (rel.startsWith("sandbox") || rel.equals(Path.of("api/Routes.java"))) {
                    continue;
                }
                List<String> lines = Files.readAllLines(f);
                for (int i = 0; i < lines.size(); i++) {
                    String line = lines.get(i);
                    boolean encodes = HAND_ENCODED.matcher(line).find() && !rel.equals(Path.of("api/ApiRequest.java"));
                    if (ROUTE_LITERAL.matcher(line).find() || encodes) {
                        found.add(rel + ":" + (i + 1) + ": " + line.strip());
                    }
                }
            }
        }
        assertThat(found).as("route literals or hand-encoded segments outside io.jettymcp.api.Routes: build the path "
                + "with Routes.X.path(values...) (add the route to Routes if it is missing)").isEmpty();
    }

    /** Read from the raw files, so that a spec the loader would refuse is named here too. */
    @Test
    void everySpecHttpPathIsARouteAndFillsAsItsTemplateReads() throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        List<String> unknown = new ArrayList<>();
        int mapped = 0;
        try (Stream<Path> files = Files.walk(Path.of("tool-specs"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                JsonNode http = mapper.readTree(f.toFile()).path("http");
                if (http.isMissingNode()) {
                    continue;
                }
                String method = http.path("method").asText();
                String template = http.path("path").asText();
                Routes.Route route = Routes.forTemplate(method, template).orElse(null);
                if (route == null) {
                    unknown.add(f + ": " + method + " " + template);
                    continue;
                }
                mapped++;
                // the route fills the spec's placeholders in the spec's order, one segment each
                List<String> names = Pattern.compile("\\{([a-z_]+)}").matcher(template).results().map(m -> m.group(1)).toList();
                String[] values = names.stream().map(n -> n + " /?#%").toArray(String[]::new);
                String expected = template;
                for (String n : names) {
                    expected = expected.replace("{" + n + "}", ApiRequest.segment(n + " /?#%"));
                }
                assertThat(route.path(values)).as(f.toString()).isEqualTo(expected);
            }
        }
        assertThat(unknown).as("spec http paths that no route in io.jettymcp.api.Routes lists").isEmpty();
        assertThat(mapped).as("spec-driven tools found").isGreaterThan(10);
    }

    @Test
    void aSpecTemplateMatchesOnlyTheSameShapeAndMethod() {
        assertThat(Routes.forTemplate("GET", "/api/v1/step-templates/{name}")).contains(Routes.TEMPLATES_GET);
        assertThat(Routes.forTemplate("GET", "/api/v1/tasks/{collection}/")).contains(Routes.TASKS_LIST);
        assertThat(Routes.forTemplate("GET", "/api/v1/tasks/{collection}")).isEmpty();
        assertThat(Routes.forTemplate("POST", "/api/v1/tasks/{collection}/{task}")).isEmpty();
        assertThat(Routes.forTemplate("GET", "/api/v1/file/{path}")).as("one segment is not the rest").isEmpty();
        assertThat(Routes.forTemplate("GET", "/api/v1/file/{path*}")).contains(Routes.FILE_GET);
    }
}
