package io.jettymcp.tool;

import com.fasterxml.jackson.databind.JsonNode;
import io.jettymcp.api.ApiRequest;
import io.jettymcp.sandbox.SandboxServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Search, status and validation flows through the whole chain under the sandbox's {@code production} profile
 * (jetty-api.md §7 E6, E7, E8): what survives the output shaping, and what went on the wire.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CatalogProductionTest {

    /** Production's whoami names no scope (E3), so the server is told its collection, as a user would. */
    final InProcess server = InProcess.builder().collections(Set.of("demo")).pinned(true).build();
    final SandboxServer sandbox = server.sandbox();

    @BeforeEach
    void production() {
        sandbox.reset();
        sandbox.switches().production();
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @Test
    void searchFallsBackToTheTaskListAndSaysSo() {
        JsonNode out = server.ok("search-tasks", Map.of("query", "echo"));
        assertThat(out.path("source").asText()).as(out.toString()).isEqualTo("task-list");
        assertThat(out.path("note").asText()).contains("answered 307");
        assertThat(out.path("tasks").findValuesAsText("name")).containsExactly("text-echo");
        assertThat(out.path("count").asInt()).isEqualTo(1);
        assertThat(sandbox.requests().matching("GET", "/api/v1/tasks/search")).hasSize(1);
        assertThat(sandbox.requests().matching("GET", "/api/v1/tasks/demo/")).hasSize(1);

        sandbox.switches().searchRedirect(false);
        JsonNode found = server.ok("search-tasks", Map.of("query", "echo"));
        assertThat(found.path("source").asText()).isEqualTo("search");
        assertThat(found.path("tasks").findValuesAsText("name")).containsExactly("text-echo");
        assertThat(found.has("note")).isFalse();
    }

    @Test
    void setStatusReportsTheCountAndEachError() {
        server.tenant().api().json(ApiRequest.json("POST", "/api/v1/trajectories/demo/text-echo/ingest",
                InProcess.M.createObjectNode().put("trajectory_id", "abcd1234").put("status", "completed"))).block();
        JsonNode out = server.ok("set-trajectory-status", Map.of("task", "text-echo",
                "trajectory_ids", List.of("abcd1234", "0badc0de"), "status", "archived"));
        assertThat(out.path("updated_count").asInt()).as(out.toString()).isEqualTo(1);
        assertThat(out.at("/errors/0/trajectory_id").asText()).isEqualTo("0badc0de");
        assertThat(out.path("warning").asText()).contains("0badc0de").contains("list-trajectories");
        assertThat(sandbox.requests().matching("POST", "/api/v1/trajectory/demo/text-echo/statuses")).hasSize(1);
    }

    @Test
    void validateWorkflowSkipsParameterChecksOnce() {
        JsonNode out = server.ok("validate-workflow", Map.of("task", "text-echo"));
        assertThat(out.path("valid").asBoolean()).as(out.toString()).isTrue();
        assertThat(out.path("note").asText()).isEqualTo("parameter checks skipped: the step-template catalog lists no parameters");
        assertThat(sandbox.requests().all()).isNotEmpty().allMatch(r -> r.method().equals("GET"));
    }
}
