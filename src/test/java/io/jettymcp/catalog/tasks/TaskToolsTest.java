package io.jettymcp.catalog.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import io.jettymcp.guard.ToolError;
import io.jettymcp.sandbox.FaultKind;
import io.jettymcp.sandbox.FaultRule;
import io.jettymcp.sandbox.RecordedRequest;
import io.jettymcp.sandbox.SandboxSeeds;
import io.jettymcp.tool.OnSandbox;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** search-tasks (jetty-api.md §7 E6) and validate-workflow (§7 E8) against the sandbox, in both switch states. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TaskToolsTest {

    private static final String SEARCH = "/api/v1/tasks/search";

    private final OnSandbox on = new OnSandbox();
    private final TaskTools tools = new TaskTools(on.ctx);

    @BeforeEach
    void reset() {
        on.sandbox.reset();
    }

    @AfterAll
    void close() {
        on.close();
    }

    private JsonNode search(String token, String args) {
        return tools.search(on.call(token, null, args)).block();
    }

    @Test
    void searchReadsBakerysEntityNameAndCollection() {
        JsonNode out = search(SandboxSeeds.DEMO_TOKEN, "{\"query\":\"echo\"}");
        assertThat(out.path("source").asText()).as(out.toString()).isEqualTo("search");
        assertThat(out.path("tasks")).hasSize(1);
        assertThat(out.at("/tasks/0/name").asText()).isEqualTo("text-echo");
        assertThat(out.at("/tasks/0/collection").asText()).isEqualTo("demo");
        assertThat(out.has("note")).isFalse();
        List<RecordedRequest> sent = on.sandbox.requests().matching("GET", SEARCH);
        assertThat(sent).hasSize(1);
        // the key is scoped to demo: Jetty's global hits are narrowed here, so ask for as many as it gives
        assertThat(sent.get(0).query()).contains("q=echo").contains("limit=100");
        assertThat(on.sandbox.requests().matching("GET", "/api/v1/tasks/demo/")).isEmpty();
    }

    @Test
    void searchNarrowsToTheGivenCollection() {
        JsonNode out = search(SandboxSeeds.USER_TOKEN, "{\"query\":\"e\",\"collection\":\"acme\",\"limit\":5}");
        assertThat(out.path("tasks").findValuesAsText("collection")).containsOnly("acme");
        assertThat(out.path("tasks").findValuesAsText("name")).contains("triage");
    }

    @ParameterizedTest(name = "production profile: {0}")
    @ValueSource(booleans = {false, true})
    void aRedirectFromTheSearchRouteFallsBackToTheTaskList(boolean production) {
        if (production) {
            on.sandbox.switches().production();
        } else {
            on.sandbox.switches().searchRedirect(true);
        }
        // under production whoami names no scope, so the fallback needs the collection named
        JsonNode out = search(SandboxSeeds.DEMO_TOKEN, production ? "{\"query\":\"Echo input\",\"collection\":\"demo\"}"
                : "{\"query\":\"Echo input\"}");
        assertThat(out.path("source").asText()).as(out.toString()).isEqualTo("task-list");
        assertThat(out.path("note").asText()).contains("307").contains("'demo'");
        assertThat(out.path("tasks")).hasSize(1);
        assertThat(out.at("/tasks/0/name").asText()).isEqualTo("text-echo");
        assertThat(out.at("/tasks/0/description").asText()).contains("Echo the input");
        assertThat(on.sandbox.requests().matching("GET", SEARCH)).as("asked once, redirect not followed").hasSize(1);
        assertThat(on.sandbox.requests().matching("GET", SEARCH + "/")).isEmpty();
        List<RecordedRequest> list = on.sandbox.requests().matching("GET", "/api/v1/tasks/demo/");
        assertThat(list).hasSize(1);
        assertThat(list.get(0).query()).contains("limit=500");
    }

    @Test
    void aRedirectWithoutAOneCollectionScopeAsksForACollection() {
        on.sandbox.switches().searchRedirect(true);
        assertThatThrownBy(() -> search(SandboxSeeds.USER_TOKEN, "{\"query\":\"echo\"}")).isInstanceOf(ToolError.class)
                .hasMessageContaining("answered 307").hasMessageContaining("collection");
        assertThat(on.sandbox.requests().matching("GET", "/api/v1/tasks/.*/")).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "[{\"name\":\"text-echo\",\"collection_name\":\"demo\",\"description\":\"Echo\"}]",
            "{\"hits\":[{\"document\":{\"name\":\"text-echo\",\"collection\":\"demo\"}}]}",
            "{\"hits\":[{\"document\":{\"full_name\":\"task/demo/text-echo\",\"entity_type\":\"task\"}}]}",
            "{\"hits\":[{\"full_name\":\"demo/text-echo\"}]}",
            "{\"results\":[{\"entity_name\":\"text-echo\",\"collection_name\":\"demo\",\"metadata\":{\"description\":\"Echo\"}}]}"})
    void documentedEnvelopeVariantsAreRead(String body) {
        on.sandbox.faults().add(new FaultRule("GET", SEARCH, FaultKind.STATUS, 200, body, 0, 0, -1, 0));
        JsonNode out = search(SandboxSeeds.DEMO_TOKEN, "{\"query\":\"echo\"}");
        assertThat(out.path("source").asText()).isEqualTo("search");
        assertThat(out.at("/tasks/0/name").asText()).as(out.toString()).isEqualTo("text-echo");
        assertThat(out.at("/tasks/0/collection").asText()).isEqualTo("demo");
        if (body.contains("Echo")) {
            assertThat(out.at("/tasks/0/description").asText()).isEqualTo("Echo");
        }
    }

    @Test
    void hitsOfOtherEntityTypesOrWithoutANameAreLeftOutLoudly() {
        on.sandbox.faults().add(new FaultRule("GET", SEARCH, FaultKind.STATUS, 200, """
                {"hits":[{"document":{"entity_name":"ds","collection_name":"demo","entity_type":"dataset"}},
                         {"document":{"collection_name":"demo"}},
                         {"document":{"entity_name":"judge","collection_name":"demo","entity_type":"task"}}]}""", 0, 0, -1, 0));
        JsonNode out = search(SandboxSeeds.DEMO_TOKEN, "{\"query\":\"j\"}");
        assertThat(out.path("tasks").findValuesAsText("name")).containsExactly("judge");
        assertThat(out.path("warning").asText()).contains("1 search hit").contains("entity_name");
    }

    @Test
    void anUnknownShapeFallsBackAndSaysWhy() {
        on.sandbox.faults().add(new FaultRule("GET", SEARCH, FaultKind.STATUS, 200, "{\"found\":1}", 0, 0, -1, 0));
        JsonNode out = search(SandboxSeeds.DEMO_TOKEN, "{\"query\":\"judge\"}");
        assertThat(out.path("source").asText()).isEqualTo("task-list");
        assertThat(out.path("note").asText()).contains("unexpected shape").contains("hits");
        assertThat(out.path("tasks").findValuesAsText("name")).containsExactly("judge");
    }

    @ParameterizedTest(name = "production profile: {0}")
    @ValueSource(booleans = {false, true})
    void validateWorkflowDegradesWhenTheCatalogListsNoParameters(boolean production) {
        if (production) {
            on.sandbox.switches().production();
        }
        JsonNode out = tools.validate(on.call(SandboxSeeds.DEMO_TOKEN, "demo", """
                {"workflow":{"steps":["chat","run"],"step_configs":{
                  "chat":{"activity":"litellm_chat","model":"anthropic/claude-sonnet-4.6","user_prompt":"hi","colour":"blue"},
                  "run":{"activity":"not_a_template"}}}}""")).block();
        assertThat(out.path("errors").toString()).as(out.toString()).contains("'user_prompt' is not read; use prompt")
                .doesNotContain("not_a_template");
        assertThat(out.path("warnings").toString()).contains("'not_a_template' is not in the step-template catalog");
        if (production) {
            assertThat(out.path("note").asText()).isEqualTo("parameter checks skipped: the step-template catalog lists no parameters");
            assertThat(out.path("warnings").toString()).doesNotContain("colour");
        } else {
            assertThat(out.has("note")).isFalse();
            assertThat(out.path("warnings").toString()).contains("unknown parameter 'colour'");
        }
        List<RecordedRequest> sent = on.sandbox.requests().all();
        assertThat(sent).extracting(RecordedRequest::path).containsExactly("/api/v1/step-templates");
        assertThat(sent.get(0).header("authorization")).as("the catalog needs no token").isNull();
    }
}
