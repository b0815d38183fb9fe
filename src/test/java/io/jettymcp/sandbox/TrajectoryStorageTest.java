package io.jettymcp.sandbox;

import static io.jettymcp.sandbox.Http.form;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The storage detail route, strip_db_outputs (§7 E5) and row_lag_seconds (§7 E4). */
class TrajectoryStorageTest extends SandboxTestBase {

    String run(String task) {
        Http.Resp r = http.multipart("/api/v1/run/demo/" + task, DEMO, form("init_params", "{}"));
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        String wid = r.json().get("workflow_id").asText();
        return wid.substring(wid.lastIndexOf("--") + 2);
    }

    @Test
    void theDetailRouteServesTheFullRunWithTheIndexsAuthAnd404Rules() {
        String id = run("pdf-amber-hawk");
        sandbox.clock().advance(Duration.ofSeconds(60));
        JsonNode full = http.get("/api/v1/trajectory/demo/pdf-amber-hawk/" + id, DEMO).json();
        assertThat(full.get("status").asText()).isEqualTo("completed");
        assertThat(full.at("/steps/run/outputs/primary_files")).isNotEmpty();
        assertThat(http.get("/api/v1/trajectory/demo/pdf-amber-hawk/" + id, null).status()).isEqualTo(401);
        assertThat(http.get("/api/v1/trajectory/demo/pdf-amber-hawk/" + id, ACME).status()).isEqualTo(403);
        Http.Resp missing = http.get("/api/v1/trajectory/demo/pdf-amber-hawk/deadbeef", DEMO);
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.json().get("detail").asText()).isEqualTo("Trajectory not found");
        assertThat(http.get("/api/v1/trajectory/demo/text-echo/" + id, DEMO).status()).as("another task's run").isEqualTo(404);
    }

    @Test
    void stripDbOutputsLeavesOutputsToTheDetailRoute() {
        String id = run("pdf-amber-hawk");
        sandbox.clock().advance(Duration.ofSeconds(60));
        String db = "/api/v1/db/trajectory/demo/pdf-amber-hawk/" + id;
        assertThat(http.get(db, DEMO).json().at("/steps/run/outputs/results_files")).as("switch off: [D]").isNotEmpty();

        sandbox.switches().stripDbOutputs(true);
        JsonNode index = http.get(db, DEMO).json();
        assertThat(index.get("status").asText()).isEqualTo("completed");
        assertThat(index.at("/steps/run").has("outputs")).isFalse();
        assertThat(index.at("/steps/run/status").asText()).isEqualTo("completed");
        JsonNode row = http.get("/api/v1/db/trajectories/demo/pdf-amber-hawk", DEMO).json().at("/trajectories/0");
        assertThat(row.at("/steps/run").has("outputs")).isFalse();
        JsonNode detail = http.get("/api/v1/trajectory/demo/pdf-amber-hawk/" + id, DEMO).json();
        assertThat(detail.at("/steps/run/outputs/results_files")).isNotEmpty();
    }

    @Test
    void aNewRunsRowShowsOnlyAfterTheLag() {
        sandbox.switches().rowLagSeconds(30);
        String id = run("text-echo");
        assertThat(http.get("/api/v1/db/trajectory/demo/text-echo/" + id, DEMO).status()).isEqualTo(404);
        assertThat(http.get("/api/v1/trajectory/demo/text-echo/" + id, DEMO).status()).isEqualTo(404);
        assertThat(http.get("/api/v1/db/trajectories/demo/text-echo", DEMO).json().get("total").asInt()).isZero();
        sandbox.clock().advance(Duration.ofSeconds(31));
        assertThat(http.get("/api/v1/db/trajectory/demo/text-echo/" + id, DEMO).json().get("status").asText()).isEqualTo("completed");
        assertThat(http.get("/api/v1/db/trajectories/demo/text-echo", DEMO).json().get("total").asInt()).isOne();
    }

    @Test
    void theSwitchesAreExposedAndTheProductionProfileTurnsThemOn() {
        JsonNode sw = http.post("/__sim/switches", null, "{\"strip_db_outputs\":true,\"row_lag_seconds\":1.5}").json();
        assertThat(sw.get("strip_db_outputs").asBoolean()).isTrue();
        assertThat(sw.get("row_lag_seconds").asDouble()).isEqualTo(1.5);
        sandbox.reset();
        assertThat(sandbox.switches().stripDbOutputs()).isFalse();
        assertThat(sandbox.switches().rowLagSeconds()).isZero();
        sw = http.post("/__sim/switches", null, "{\"profile\":\"production\"}").json();
        assertThat(sw.get("strip_db_outputs").asBoolean()).isTrue();
        assertThat(sw.get("row_lag_seconds").asDouble()).isEqualTo(SandboxSwitches.PRODUCTION_ROW_LAG_SECONDS).isPositive();
    }
}
