package io.jettymcp.catalog.routines;

import com.fasterxml.jackson.databind.JsonNode;
import io.jettymcp.catalog.ToolsetTestBase;
import io.jettymcp.sandbox.FaultRule;
import io.jettymcp.sandbox.RecordedRequest;
import io.jettymcp.tool.InProcess;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * tool-specs/routines through the real registry and chain, against an in-process sandbox with demo's key: the
 * lifecycle, runs, and the checks made before any request.
 */
class RoutinesToolsetTest extends ToolsetTestBase {

    @Override
    protected void warmUp() {
        // the guard chain learns the key's scope and the collection's env values once; prime both so the
        // request counts below are exact
        server.ok("list-routines", Map.of());
    }

    static JsonNode json(String s) {
        try {
            return InProcess.M.readTree(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void everyToolIsPublishedWithTitleAndAllFourAnnotations() {
        definitionsAreComplete(server, "routines", "create-routine", "delete-routine", "get-routine",
                "list-routine-runs", "list-routines", "pause-routine", "resume-routine", "run-routine-now", "update-routine");
    }

    @Test
    void lifecycleCreateGetListUpdatePauseResumeDelete() {
        JsonNode created = server.ok("create-routine", args("task", "text-echo", "name", "daily-echo",
                "cadence", Map.of("type", "daily", "hour_utc", 9, "minute_utc", 30),
                "init_params_overrides", Map.of("text", "from a routine")));
        assertThat(created.path("name").asText()).isEqualTo("daily-echo");
        assertThat(created.path("next_run_at").asText()).isNotBlank();
        RecordedRequest post = sandbox.requests().matching("POST", "/api/v1/routines/demo/text-echo").get(0);
        assertThat(post.bodyJson()).isEqualTo(json("{\"name\":\"daily-echo\",\"cadence\":{\"type\":\"daily\","
                + "\"hour_utc\":9,\"minute_utc\":30},\"init_params_overrides\":{\"text\":\"from a routine\"}}"));
        // the overrides were checked with one read of the task first
        assertThat(sandbox.requests().matching("GET", "/api/v1/tasks/demo/text-echo")).hasSize(1);

        JsonNode got = server.ok("get-routine", args("task", "text-echo", "name", "daily-echo"));
        assertThat(got.path("cadence").path("hour_utc").asInt()).isEqualTo(9);
        assertThat(got.path("init_params_overrides").path("text").asText()).isEqualTo("from a routine");
        assertThat(sandbox.requests().matching("GET", "/api/v1/routines/demo/text-echo/daily-echo")).hasSize(1);

        JsonNode all = server.ok("list-routines", Map.of());
        assertThat(all.path("count").asInt()).isEqualTo(1);
        JsonNode row = all.path("routines").get(0);
        assertThat(row.path("name").asText()).isEqualTo("daily-echo");
        assertThat(row.path("task").asText()).isEqualTo("text-echo");
        assertThat(row.has("init_params_overrides")).isFalse();
        assertThat(server.ok("list-routines", Map.of("task", "simple-chat")).path("count").asInt()).isZero();
        assertThat(sandbox.requests().matching("GET", "/api/v1/routines/demo")).hasSize(1);
        assertThat(sandbox.requests().matching("GET", "/api/v1/routines/demo/simple-chat")).hasSize(1);

        JsonNode updated = server.ok("update-routine", args("task", "text-echo", "name", "daily-echo",
                "cadence", Map.of("type", "weekly", "day_of_week", "mon", "hour_utc", 7)));
        assertThat(updated.path("cadence").path("type").asText()).isEqualTo("weekly");
        RecordedRequest patch = sandbox.requests().matching("PATCH", "/api/v1/routines/demo/text-echo/daily-echo").get(0);
        assertThat(patch.bodyJson()).isEqualTo(json("{\"cadence\":{\"type\":\"weekly\",\"day_of_week\":\"mon\",\"hour_utc\":7}}"));
        assertThat(server.error("update-routine", args("task", "text-echo", "name", "daily-echo"))).contains("Nothing to change");

        JsonNode paused = server.ok("pause-routine", args("task", "text-echo", "name", "daily-echo"));
        assertThat(paused.path("paused").asBoolean()).isTrue();
        assertThat(paused.path("next_run_at").isNull()).isTrue();
        JsonNode resumed = server.ok("resume-routine", args("task", "text-echo", "name", "daily-echo"));
        assertThat(resumed.path("paused").asBoolean()).isFalse();
        assertThat(resumed.path("next_run_at").asText()).isNotBlank();
        assertThat(sandbox.requests().matching("POST", "/api/v1/routines/demo/text-echo/daily-echo/(pause|resume)")).hasSize(2);

        JsonNode deleted = server.ok("delete-routine", args("task", "text-echo", "name", "daily-echo"));
        assertThat(deleted.path("deleted").asText()).isEqualTo("daily-echo");
        assertThat(sandbox.requests().matching("DELETE", "/api/v1/routines/demo/text-echo/daily-echo")).hasSize(1);
        assertThat(server.error("get-routine", args("task", "text-echo", "name", "daily-echo"))).contains("404");
    }

    @Test
    void anUnknownRoutineIsJettys404ForEveryToolThatNamesOne() {
        Map<String, Object> missing = args("task", "text-echo", "name", "never-made");
        for (String tool : List.of("get-routine", "pause-routine", "resume-routine", "delete-routine", "list-routine-runs")) {
            assertThat(server.error(tool, missing)).as(tool).contains("404");
        }
        assertThat(sandbox.requests().matching("*", "/api/v1/routines/demo/text-echo/never-made.*")).hasSize(5);
        assertThat(sandbox.requests().matching("DELETE", ".*")).as("the DELETE went out and was refused").hasSize(1);
    }

    @Test
    void aRunNowThatFailsWithAnUnknownOutcomeSaysSoAndIsNeverRepeated() {
        server.ok("create-routine", args("task", "text-echo", "name", "on-demand", "cadence", Map.of("type", "manual")));
        String path = "/api/v1/routines/demo/text-echo/on-demand/run-now";
        for (FaultRule fault : List.of(FaultRule.status("POST", path, 502), FaultRule.malformedJson("POST", path))) {
            sandbox.requests().clear();
            sandbox.faults().add(fault);
            try {
                String err = server.error("run-routine-now", args("task", "text-echo", "name", "on-demand"));
                assertThat(err).contains("may or may not have started").contains("list-routine-runs")
                        .doesNotContain("Try again");
            } finally {
                sandbox.faults().clear();
            }
            assertThat(sandbox.requests().matching("POST", path)).as("never retried").hasSize(1);
        }
    }

    @Test
    void runNowReturnsIdsAndLinkAndRunsAreListedCompactly() {
        server.ok("create-routine", args("task", "text-echo", "name", "on-demand", "cadence", Map.of("type", "manual")));
        JsonNode run = server.ok("run-routine-now", args("task", "text-echo", "name", "on-demand"));
        String id = run.path("trajectory_id").asText();
        assertThat(id).matches("[0-9a-f]{8}");
        assertThat(run.path("workflow_id").asText()).isEqualTo("demo-text-echo--" + id);
        assertThat(run.path("link").asText()).isEqualTo("https://jetty.io/demo/text-echo/" + id);
        assertThat(sandbox.requests().matching("POST", "/api/v1/routines/demo/text-echo/on-demand/run-now")).hasSize(1);

        sandbox.clock().advance(Duration.ofMinutes(1));
        JsonNode runs = server.ok("list-routine-runs", args("task", "text-echo", "name", "on-demand", "limit", 5));
        assertThat(runs.path("count").asInt()).isEqualTo(1);
        JsonNode r = runs.path("runs").get(0);
        assertThat(r.path("trajectory_id").asText()).isEqualTo(id);
        assertThat(r.path("status").asText()).isNotBlank();
        assertThat(r.has("steps")).isFalse();
        assertThat(r.has("init_params")).isFalse();
        assertThat(sandbox.requests().matching("GET", "/api/v1/routines/demo/text-echo/on-demand/runs").get(0).query())
                .isEqualTo("limit=5");
    }

    @Test
    void scheduledFiresShowUpAsRoutineRunsWithTheOverrides() {
        server.ok("create-routine", args("task", "text-echo", "name", "hourly-echo", "cadence",
                Map.of("type", "hourly", "minute_utc", 15), "init_params_overrides", Map.of("text", "scheduled")));
        sandbox.clock().advance(Duration.ofHours(3));
        JsonNode runs = server.ok("list-routine-runs", args("task", "text-echo", "name", "hourly-echo"));
        assertThat(runs.path("count").asInt()).isBetween(2, 4);
        assertThat(runs.path("runs").findValuesAsText("status")).allMatch(st -> st.equals("completed"));
        JsonNode paused = server.ok("pause-routine", args("task", "text-echo", "name", "hourly-echo"));
        int before = runs.path("count").asInt();
        sandbox.clock().advance(Duration.ofHours(3));
        assertThat(server.ok("list-routine-runs", args("task", "text-echo", "name", "hourly-echo")).path("count").asInt())
                .as("no fires while paused: " + paused).isEqualTo(before);
    }

    @Test
    void cadenceErrorsCostZeroRequests() {
        List<Map<String, Object>> bad = List.of(
                Map.of("type", "manual", "hour_utc", 3),
                Map.of("type", "hourly", "hour_utc", 3),
                Map.of("type", "daily"),
                Map.of("type", "weekdays", "minute_utc", 5),
                Map.of("type", "weekly", "hour_utc", 9),
                Map.of("type", "weekly", "hour_utc", 9, "day_of_week", "monday"),
                Map.of("type", "daily", "hour_utc", 24),
                Map.of("type", "hourly", "minute_utc", 60),
                Map.of("type", "daily", "hour_utc", 9, "timezone", "Europe/Paris"),
                Map.of("type", "monthly"));
        for (Map<String, Object> cadence : bad) {
            String err = server.error("create-routine", args("task", "text-echo", "name", "bad-one", "cadence", cadence,
                    "init_params_overrides", Map.of("text", "x")));
            assertThat(err).as(cadence.toString()).contains("cadence");
            String upd = server.error("update-routine", args("task", "text-echo", "name", "bad-one", "cadence", cadence));
            assertThat(upd).as(cadence.toString()).contains("cadence");
        }
        assertThat(server.error("create-routine", args("task", "text-echo", "name", "Bad Name",
                "cadence", Map.of("type", "manual")))).contains("'name'");
        assertThat(server.error("create-routine", args("task", "text-echo", "name", "daily-x",
                "cadence", Map.of("type", "daily", "hour_utc", 9, "timezone", "UTC+2")))).contains("UTC only");
        assertThat(sandbox.requests().count()).isZero();
        // checked before the scope look-up too: a collection never used before costs nothing either
        assertThat(server.error("create-routine", args("collection", "acme", "task", "triage", "name", "x",
                "cadence", Map.of("type", "daily")))).contains("needs hour_utc");
        assertThat(server.error("update-routine", args("collection", "acme", "task", "triage", "name", "x")))
                .contains("Nothing to change");
        assertThat(sandbox.requests().count()).isZero();
    }

    @Test
    void overrideKeysAreCheckedWithOneReadAndNoWrite() {
        String err = server.error("create-routine", args("task", "text-echo", "name", "typo", "cadence",
                Map.of("type", "hourly"), "init_params_overrides", Map.of("text", "ok", "txt", "typo", "prompt", "no")));
        assertThat(err).contains("[prompt, txt]").contains("[text]").contains("Nothing was created");
        // besides the environment read every call makes to check what it shows (F5)
        assertThat(sandbox.requests().all()).filteredOn(r -> !r.path().endsWith("/environment"))
                .extracting(RecordedRequest::method, RecordedRequest::path)
                .containsExactly(Tuple.tuple("GET", "/api/v1/tasks/demo/text-echo"));

        sandbox.requests().clear();
        server.ok("create-routine", args("task", "text-echo", "name", "fine", "cadence", Map.of("type", "manual")));
        sandbox.requests().clear();
        String upd = server.error("update-routine", args("task", "text-echo", "name", "fine",
                "init_params_overrides", Map.of("nope", 1), "paused", true));
        assertThat(upd).contains("[nope]");
        assertThat(sandbox.requests().matching("PATCH", ".*")).isEmpty();
        assertThat(sandbox.requests().all()).filteredOn(r -> !r.path().endsWith("/environment")).hasSize(1);
    }

    @Test
    void otherCollectionsAndMissingTasksAreRefused() {
        assertThat(server.error("list-routines", Map.of("collection", "acme"))).contains("outside");
        assertThat(sandbox.requests().count()).isZero();
        assertThat(server.error("create-routine", args("task", "no-such-task", "name", "x",
                "cadence", Map.of("type", "manual")))).contains("404");
        // without overrides there is nothing to check first: Jetty's own 404 answers the one POST
        assertThat(sandbox.requests().matching("POST", "/api/v1/routines/demo/no-such-task")).hasSize(1);
        assertThat(server.ok("list-routines", Map.of()).path("count").asInt()).as("nothing created").isZero();
    }
}
