package io.jettymcp.spec;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** An invalid spec stops loading with a message that names the file and the problem. */
class SpecLoaderTest {

    @TempDir
    Path dir;

    private static final String GOOD = """
            {"name":"get-thing","title":"Get thing","toolset":"tasks","description":"Gets one thing by name; a description long enough.",
             "searchHint":"thing lookup","annotations":{"readOnlyHint":true,"destructiveHint":false,"idempotentHint":true,"openWorldHint":true},
             "input":{"type":"object","properties":{"task":{"type":"string","x-kind":"name","description":"Task."}},"required":["task"]},
             "http":{"method":"GET","path":"/api/v1/step-templates/{task}"}}""";

    private ToolSpec load(String json) throws Exception {
        Files.createDirectories(dir.resolve("tasks"));
        Files.writeString(dir.resolve("tasks/get-thing.json"), json);
        return new SpecLoader(new ObjectMapper()).loadDirectory(dir).get(0);
    }

    @Test
    void aValidSpecLoads() throws Exception {
        ToolSpec s = load(GOOD);
        assertThat(s.name()).isEqualTo("get-thing");
        assertThat(s.annotations().readOnly()).isTrue();
        assertThat(s.http().placeholders()).containsExactly("task");
        assertThat(load(GOOD.replace("\"description\":\"Task.\"", "\"description\":\"Task.\",\"pattern\":\"^[a-z]+$\""))
                .input().at("/properties/task/pattern").asText()).isEqualTo("^[a-z]+$");
    }

    @Test
    void problemsAreNamedWithTheFile() {
        String[][] cases = {
                {GOOD.replace("\"openWorldHint\":true", "\"openWorldHint\":\"yes\""), "'openWorldHint' must be true or false"},
                {GOOD.replace("\"idempotentHint\":true,", ""), "'idempotentHint' must be true or false"},
                {GOOD.replace("{task}", "{thing}"), "placeholder {thing} is not an argument"},
                {GOOD.replace("\"method\":\"GET\",\"path\":\"/api/v1/step-templates/{task}\"", "\"method\":\"POST\",\"path\":\"/api/v1/tasks/{task}\""),
                        "a read-only tool must use GET"},
                {GOOD.replace("/api/v1/step-templates/{task}", "/api/v1/step-templates/x/{task}"),
                        "http GET /api/v1/step-templates/x/{task} is not a route in io.jettymcp.api.Routes"},
                {GOOD.replace("/api/v1/step-templates/{task}", "/api/v1/file/{task}"),
                        "http GET /api/v1/file/{task} is not a route"},
                {GOOD.replace("\"searchHint\":\"thing lookup\",", ""), "declare exactly one of 'searchHint'"},
                {GOOD.replace("\"searchHint\":\"thing lookup\",", "\"searchHint\":\"x\",\"alwaysLoad\":true,"),
                        "declare exactly one of 'searchHint'"},
                {GOOD.replace("\"x-kind\":\"name\"", "\"x-kind\":\"nme\""), "unknown x-kind"},
                {GOOD.replace("\"toolset\":\"tasks\"", "\"toolset\":\"misc\""), "toolset 'misc' is not one of"},
                {GOOD.replace("\"http\":{\"method\":\"GET\",\"path\":\"/api/v1/step-templates/{task}\"}", "\"handler\":\"x\",\"http\":{\"method\":\"GET\",\"path\":\"/api/v1/step-templates/{task}\"}"),
                        "exactly one of 'http' or 'handler'"},
                {"{not json", "not valid JSON"},
                // JSON Schema patterns match anywhere, the validator matches whole strings: published must say so
                {GOOD.replace("\"description\":\"Task.\"", "\"description\":\"Task.\",\"pattern\":\"[a-z]+\""),
                        "input.task: pattern '[a-z]+' must be anchored as ^…$"},
        };
        for (String[] c : cases) {
            assertThatThrownBy(() -> load(c[0])).as(c[1]).isInstanceOf(SpecException.class)
                    .hasMessageContaining("tasks/get-thing.json").hasMessageContaining(c[1]);
        }
    }

    @Test
    void twoSpecsWithOneNameStopLoading() throws Exception {
        // the file name must equal the tool name, so a duplicate can only come from two toolset folders
        Files.createDirectories(dir.resolve("tasks"));
        Files.createDirectories(dir.resolve("runs"));
        Files.writeString(dir.resolve("tasks/get-thing.json"), GOOD);
        Files.writeString(dir.resolve("runs/get-thing.json"), GOOD.replace("\"toolset\":\"tasks\"", "\"toolset\":\"runs\""));
        assertThatThrownBy(() -> new SpecLoader(new ObjectMapper()).loadDirectory(dir))
                .isInstanceOf(SpecException.class)
                .hasMessage("Two tool specs declare the tool name 'get-thing'.");
    }
}
