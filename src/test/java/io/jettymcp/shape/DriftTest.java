package io.jettymcp.shape;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jettymcp.api.AnswerDrift;
import io.jettymcp.api.ApiRequest;
import io.jettymcp.api.Routes;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class DriftTest {

    private final ObjectMapper mapper = new ObjectMapper();

    private JsonNode json(String s) throws Exception {
        return mapper.readTree(s);
    }

    @Test
    void phrasesNameTheFieldTheWayAPersonWouldSayIt() {
        assertThat(Drift.phrase("trajectories[]")).isEqualTo("no `trajectories` list");
        assertThat(Drift.phrase("workflow_id")).isEqualTo("no `workflow_id` field");
        assertThat(Drift.phrase("jetty_metadata.trajectory_id|workflow_id"))
                .isEqualTo("no `trajectory_id` or `workflow_id` in `jetty_metadata`");
        assertThat(Drift.phrase("[].entity_name|name|full_name")).isEqualTo("no `entity_name`, `name` or `full_name` in the rows");
        assertThat(Drift.phrase("trajectories[].trajectory_id")).isEqualTo("no `trajectory_id` field in `trajectories` rows");
        assertThat(Drift.phrase("x.y")).isEqualTo("no `y` field in `x`");
        assertThat(Drift.phrase("events[] or []")).isEqualTo("no `events` list, nor list as the answer");
    }

    @Test
    void aReadShowsTheAnswerCompactAndCapped() throws Exception {
        ApiRequest req = ApiRequest.get("/api/v1/db/trajectories/demo/t");
        JsonNode answer = json("{\"items\": [ {\"id\": \"a\"} ],\n \"blob\": \"" + "x".repeat(5000) + "\"}");
        String m = Drift.message(Routes.TRAJECTORIES_LIST, req, List.of("trajectories[]"), answer);
        assertThat(m).startsWith("Jetty answered in an unexpected shape: no `trajectories` list (GET /api/v1/db/trajectories/demo/t).")
                .contains("Answer: {\"items\":[{\"id\":\"a\"}],\"blob\":\"xxx")
                .contains("more characters)")
                .doesNotContain("may have taken effect").doesNotContainIgnoringCase("try again");
        assertThat(m.length()).isLessThan(Drift.ANSWER_CAP + 600);
    }

    @Test
    void secretRoutesShowOnlyTopLevelFieldNames() throws Exception {
        JsonNode env = json("{\"name\":\"demo\",\"vars\":{\"OPENROUTER_API_KEY\":\"sk-or-secret\"}}");
        String m = Drift.message(Routes.ENV_GET, ApiRequest.get("/api/v1/collections/demo/environment"),
                List.of("environment_variables"), env);
        assertThat(m).contains("no `environment_variables` field").contains("`name`, `vars`").contains("values not shown")
                .doesNotContain("sk-or-secret").doesNotContain("OPENROUTER_API_KEY").doesNotContain("demo\"");
        assertThat(Drift.message(Routes.RUN, ApiRequest.json("POST", "/api/v1/run/demo/t", null), List.of("workflow_id"),
                json("[1,2]"))).contains("a list of 2 items").doesNotContain("[1,2]");
    }

    @Test
    void aDriftedWriteSaysItMayHaveHappenedAndWhatToCheck() throws Exception {
        String m = Drift.message(Routes.STATUSES, ApiRequest.json("POST", "/api/v1/trajectory/demo/t/statuses", null),
                List.of("results[]", "updated_count"), json("{\"updated\":1}"));
        assertThat(m).contains("no `results` list; no `updated_count` field")
                .contains("may have taken effect").contains("check with list-trajectories")
                .doesNotContainIgnoringCase("try again").doesNotContainIgnoringCase("re-run");
    }

    @Test
    void theCheckerFailsOnlyDeclaredRoutesAndCarriesWhatIsMissing() throws Exception {
        var check = Drift.checker(Map.of("trajectories.get", List.of("status", "steps")));
        ApiRequest req = ApiRequest.get("/api/v1/db/trajectory/demo/t/abc");
        check.check(Routes.TRAJECTORY_GET, req, 200, json("{\"status\":\"running\",\"steps\":{}}"));
        check.check(Routes.TRAJECTORIES_LIST, req, 200, json("{}")); // not declared: not checked
        AnswerDrift d = catchThrowableOfType(AnswerDrift.class,
                () -> check.check(Routes.TRAJECTORY_GET, req, 200, json("{\"state\":\"running\",\"steps\":{}}")));
        assertThat(d.missing()).containsExactly("status");
        assertThat(d.route()).isEqualTo(Routes.TRAJECTORY_GET);
        assertThat(d.outcomeUnknown()).as("a read changed nothing").isFalse();
        assertThat(d.getMessage()).contains("no `status` field");
        assertThatThrownBy(() -> Drift.checker(Map.of("runs.start", List.of("workflow_id")))
                .check(Routes.RUN, req, 200, json("{}")))
                .isInstanceOfSatisfying(AnswerDrift.class, e -> assertThat(e.outcomeUnknown()).isTrue());
    }
}
