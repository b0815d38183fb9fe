package io.jettymcp.catalog.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import io.jettymcp.catalog.ToolsetTestBase;
import io.jettymcp.sandbox.RecordedRequest;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** tool-specs/tasks through the real registry and chain, against an in-process sandbox, with demo's API key. */
class TasksToolsetTest extends ToolsetTestBase {

    static final Map<String, Object> WORKFLOW = Map.of("init_params", Map.of("text", "hi"),
            "step_configs", Map.of("echo", Map.of("activity", "text_echo", "text_path", "init_params.text")),
            "steps", List.of("echo"));

    @Override
    protected void warmUp() {
        server.ok("list-tasks", Map.of()); // the guard chain's one-time scope and env look-ups, out of the counts
    }

    @Test
    void everyToolIsPublishedWithTitleAndAllFourAnnotations() {
        definitionsAreComplete(server, "tasks", "list-tasks", "get-task", "search-tasks", "create-task",
                "update-task", "delete-task", "validate-workflow");
    }

    @Test
    void listTasksIsCompactUnlessAskedForWorkflows() {
        JsonNode compact = server.ok("list-tasks", Map.of("limit", 50));
        JsonNode first = compact.path("tasks").get(0);
        assertThat(first.has("name")).isTrue();
        assertThat(first.has("step_count")).isTrue();
        assertThat(first.has("workflow")).isFalse();
        RecordedRequest req = sandbox.requests().matching("GET", "/api/v1/tasks/demo/").get(0);
        assertThat(req.query()).contains("limit=50");

        JsonNode full = server.ok("list-tasks", Map.of("include_workflows", true));
        assertThat(full.path("tasks").get(0).has("workflow")).isTrue();
    }

    @Test
    void taskLifecycleCreateGetUpdateSearchDelete() {
        JsonNode created = server.ok("create-task", Map.of("name", "e2e-echo", "workflow", WORKFLOW,
                "description", "made by a test"));
        assertThat(created.path("name").asText()).isEqualTo("e2e-echo");
        RecordedRequest post = sandbox.requests().matching("POST", "/api/v1/tasks/demo").get(0);
        assertThat(post.bodyJson().path("workflow").path("steps").get(0).asText()).isEqualTo("echo");

        String dup = server.error("create-task", Map.of("name", "E2E-ECHO", "workflow", WORKFLOW));
        assertThat(dup).contains("400").contains("already exists");

        JsonNode got = server.ok("get-task", Map.of("task", "e2e-echo"));
        assertThat(got.path("workflow").path("steps").get(0).asText()).isEqualTo("echo");
        assertThat(sandbox.requests().matching("GET", "/api/v1/tasks/demo/e2e-echo")).hasSize(1);

        JsonNode updated = server.ok("update-task", Map.of("task", "e2e-echo", "description", "changed"));
        assertThat(updated.path("description").asText()).isEqualTo("changed");
        RecordedRequest put = sandbox.requests().matching("PUT", "/api/v1/tasks/demo/e2e-echo").get(0);
        assertThat(put.bodyJson().toString()).isEqualTo("{\"description\":\"changed\"}");

        String nothing = server.error("update-task", Map.of("task", "e2e-echo"));
        assertThat(nothing).contains("at least one of");
        assertThat(sandbox.requests().matching("PUT", ".*")).hasSize(1);

        JsonNode found = server.ok("search-tasks", Map.of("query", "e2e-ech"));
        assertThat(found.path("tasks").findValuesAsText("name")).contains("e2e-echo");
        assertThat(sandbox.requests().matching("GET", "/api/v1/tasks/search").get(0).query()).contains("q=e2e-ech");

        server.ok("delete-task", Map.of("task", "e2e-echo"));
        assertThat(sandbox.requests().matching("DELETE", "/api/v1/tasks/demo/e2e-echo")).hasSize(1);
        assertThat(server.error("get-task", Map.of("task", "e2e-echo"))).contains("404");
        assertThat(server.error("delete-task", Map.of("task", "e2e-echo"))).contains("404");
    }

    @Test
    void searchTasksNeedsAQuery() {
        assertThat(server.error("search-tasks", Map.of())).contains("'query'").contains("required");
        assertThat(sandbox.requests().count()).isZero();
    }

    @Test
    void validateWorkflowCatchesSilentMistakesWithoutWriting() {
        JsonNode bad = server.ok("validate-workflow", Map.of("workflow", Map.of(
                "steps", List.of("chat"),
                "step_configs", Map.of("chat", Map.of("activity", "litellm_chat", "model", "anthropic/claude-sonnet-4.6",
                        "user_prompt", "hello")))));
        assertThat(bad.path("valid").asBoolean()).isFalse();
        assertThat(bad.path("errors").toString()).contains("use prompt");
        JsonNode saved = server.ok("validate-workflow", Map.of("task", "text-echo"));
        assertThat(saved.path("valid").asBoolean()).as(saved.toString()).isTrue();
        assertThat(sandbox.requests().matching("GET", "/api/v1/tasks/demo/text-echo")).hasSize(1);
        assertThat(sandbox.requests().matching("GET", "/api/v1/step-templates")).isNotEmpty();
        assertThat(sandbox.requests().all()).allMatch(r -> r.method().equals("GET"));
    }

    @Test
    void validateWorkflowNeedsAWorkflowOrATask() {
        assertThat(server.error("validate-workflow", Map.of())).contains("'workflow'").contains("'task'");
        assertThat(sandbox.requests().matching("GET", "/api/v1/tasks/.*")).isEmpty();
    }

    @Test
    void pathArgumentsAreEncodedAndCheckedBeforeAnyRequest() {
        for (String bad : List.of("../other", "a/b", "%2e%2e", "x%2Fy", "tаsk")) {
            String err = server.error("get-task", Map.of("task", bad));
            assertThat(err).as(bad).contains("'task'");
        }
        assertThat(server.error("get-task", Map.of("collection", "other", "task", "x"))).contains("outside");
        assertThat(sandbox.requests().count()).isZero();
    }

    @Test
    void badArgumentsNameTheArgumentAndTheServerKeepsServing() {
        assertThat(server.error("list-tasks", Map.of("limit", "10"))).contains("'limit'").contains("whole number");
        assertThat(server.error("list-tasks", Map.of("limit", 2.5))).contains("'limit'");
        assertThat(server.error("list-tasks", Map.of("limit", -1))).contains("at least 1");
        assertThat(server.error("list-tasks", Map.of("colection", "demo"))).contains("'colection'");
        assertThat(server.error("get-task", Map.of())).contains("'task'").contains("required");
        assertThat(server.error("create-task", Map.of("name", "no-workflow"))).contains("'workflow'");
        assertThat(sandbox.requests().count()).isZero();
        assertThat(server.ok("whoami", Map.of()).path("collection_scope").asText()).isEqualTo("demo");
    }

    @Test
    void jettyErrorsAreActionable() {
        String err = server.error("get-task", Map.of("task", "no-such-task"));
        assertThat(err).contains("404").contains("Task 'no-such-task' in collection 'demo' not found").contains("list-tasks");
        assertThat(sandbox.requests().matching("GET", "/api/v1/tasks/demo/no-such-task")).hasSize(1);
    }
}
