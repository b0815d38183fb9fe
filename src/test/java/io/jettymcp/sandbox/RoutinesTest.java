package io.jettymcp.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RoutinesTest extends SandboxTestBase {

    static final String BASE = "/api/v1/routines/demo/text-echo";

    Http.Resp create(String body) {
        return http.post(BASE, DEMO, body);
    }

    @Test
    void cadenceRules() {
        assertThat(create("{\"name\":\"m\",\"cadence\":{\"type\":\"manual\",\"hour_utc\":3}}").status()).isEqualTo(400);
        Http.Resp hourly = create("{\"name\":\"h\",\"cadence\":{\"type\":\"hourly\",\"hour_utc\":3}}");
        assertThat(hourly.status()).isEqualTo(400);
        assertThat(hourly.detail()).contains("hour_utc");
        Http.Resp daily = create("{\"name\":\"d\",\"cadence\":{\"type\":\"daily\"}}");
        assertThat(daily.status()).isEqualTo(400);
        assertThat(daily.detail()).contains("requires hour_utc");
        assertThat(create("{\"name\":\"w\",\"cadence\":{\"type\":\"weekly\",\"hour_utc\":9}}").detail())
                .contains("day_of_week");
        assertThat(create("{\"name\":\"w\",\"cadence\":{\"type\":\"weekly\",\"hour_utc\":9,\"day_of_week\":\"funday\"}}")
                .status()).isEqualTo(422);
        assertThat(create("{\"name\":\"r\",\"cadence\":{\"type\":\"daily\",\"hour_utc\":24}}").status()).isEqualTo(422);
        assertThat(create("{\"name\":\"r\",\"cadence\":{\"type\":\"hourly\",\"minute_utc\":60}}").status()).isEqualTo(422);
        assertThat(create("{\"name\":\"r\",\"cadence\":{\"type\":\"yearly\"}}").status()).isEqualTo(422);
        assertThat(create("{\"name\":\"Bad Name\",\"cadence\":{\"type\":\"manual\"}}").status()).isEqualTo(422);
        assertThat(create("{\"name\":\"r\"}").status()).isEqualTo(422);
    }

    @Test
    void overridesMustBeTaskInitParams() {
        Http.Resp r = create("{\"name\":\"o\",\"cadence\":{\"type\":\"manual\"},\"init_params_overrides\":{\"text\":\"x\","
                + "\"bogus\":1,\"other\":2}}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.detail()).contains("bogus").contains("other").doesNotContain("unknown keys: text");
    }

    @Test
    void crudPauseResumeAndSecretsNeverReturned() {
        Http.Resp c = create("{\"name\":\"daily-summary\",\"cadence\":{\"type\":\"daily\",\"hour_utc\":9},"
                + "\"init_params_overrides\":{\"text\":\"scheduled\"},\"secret_params\":{\"TOKEN\":\"s3cr3t-value\"},"
                + "\"webhook_url\":\"http://127.0.0.1:1/hook\",\"webhook_secret\":\"whsec-123\"}");
        assertThat(c.status()).isEqualTo(201);
        JsonNode r = c.json();
        assertThat(r.get("cadence").get("minute_utc").asInt()).isZero();
        assertThat(r.toString()).doesNotContain("s3cr3t-value").doesNotContain("whsec-123");
        Instant next = Instant.parse(r.get("next_run_at").asText());
        assertThat(next).isAfter(sandbox.clock().now());
        assertThat(next.atZone(java.time.ZoneOffset.UTC).getHour()).isEqualTo(9);
        assertThat(create("{\"name\":\"daily-summary\",\"cadence\":{\"type\":\"manual\"}}").status()).isEqualTo(409);

        assertThat(http.get(BASE, DEMO).json().get("routines")).hasSize(1);
        assertThat(http.get("/api/v1/routines/demo", DEMO).json().get("routines")).hasSize(1);
        JsonNode paused = http.post(BASE + "/daily-summary/pause", DEMO, "").json();
        assertThat(paused.get("paused").asBoolean()).isTrue();
        assertThat(paused.get("next_run_at").isNull()).isTrue();
        assertThat(http.post(BASE + "/daily-summary/resume", DEMO, "").json().get("next_run_at").isNull()).isFalse();
        JsonNode patched = http.json("PATCH", BASE + "/daily-summary", DEMO,
                "{\"cadence\":{\"type\":\"weekly\",\"hour_utc\":7,\"day_of_week\":\"mon\"}}").json();
        assertThat(patched.at("/cadence/day_of_week").asText()).isEqualTo("mon");
        assertThat(Instant.parse(patched.get("next_run_at").asText()).atZone(java.time.ZoneOffset.UTC).getDayOfWeek())
                .isEqualTo(java.time.DayOfWeek.MONDAY);
        assertThat(http.delete(BASE + "/daily-summary", DEMO).status()).isEqualTo(200);
        assertThat(http.get(BASE + "/daily-summary", DEMO).status()).isEqualTo(404);
    }

    @Test
    void crossCollectionIs404Not403() {
        assertThat(http.get("/api/v1/routines/acme", DEMO).status()).isEqualTo(404);
        assertThat(http.post("/api/v1/routines/acme/triage", DEMO, "{\"name\":\"x\",\"cadence\":{\"type\":\"manual\"}}")
                .status()).isEqualTo(404);
        assertThat(http.get("/api/v1/routines/acme", ACME).status()).isEqualTo(200);
    }

    @Test
    void runNowAndScheduleFireOnTheVirtualClock() {
        create("{\"name\":\"manual-one\",\"cadence\":{\"type\":\"manual\"},\"init_params_overrides\":{\"text\":\"from routine\"}}");
        JsonNode now = http.post(BASE + "/manual-one/run-now", DEMO, "").json();
        String wid = now.get("workflow_id").asText();
        assertThat(wid).startsWith("demo-text-echo--");
        sandbox.clock().advance(Duration.ofSeconds(2));
        JsonNode runs = http.get(BASE + "/manual-one/runs?limit=5", DEMO).json();
        assertThat(runs.get("trajectories")).hasSize(1);
        JsonNode t = runs.get("trajectories").get(0);
        assertThat(t.get("triggered_by_routine_id").asInt()).isEqualTo(now.get("routine_id").asInt());
        assertThat(t.at("/steps/echo/outputs/text").asText()).isEqualTo("from routine");

        create("{\"name\":\"every-hour\",\"cadence\":{\"type\":\"hourly\",\"minute_utc\":0}}");
        sandbox.clock().advance(Duration.ofHours(3));
        JsonNode hourly = http.get(BASE + "/every-hour/runs?limit=10", DEMO).json();
        assertThat(hourly.get("trajectories")).hasSize(3);
        assertThat(hourly.at("/trajectories/0/status").asText()).isEqualTo("completed");
        // manual routine's runs are not mixed in
        assertThat(http.get(BASE + "/manual-one/runs", DEMO).json().get("trajectories")).hasSize(1);
        JsonNode all = http.get("/api/v1/db/trajectories/demo/text-echo?limit=50", DEMO).json();
        assertThat(all.get("total").asInt()).isEqualTo(4);
    }
}
