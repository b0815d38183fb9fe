package io.jettymcp.catalog.trajectories;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TrajectoryViewTest {

    static final ObjectMapper M = new ObjectMapper();
    final TrajectoryView view = new TrajectoryView(M, new io.jettymcp.redact.Redactor());

    static JsonNode trajectory() throws Exception {
        return M.readTree("""
                {"name":"demo/chat","trajectory_id":"3bc97289","storage_path":"demo/chat/0000","status":"completed",
                 "created":"2026-05-01T10:00:00.000Z","updated":"2026-05-01T10:00:12.500Z","error":null,
                 "init_params":{"prompt":"hi","long":"%s"},
                 "labels":[{"key":"q","value":"3","author":"a","created":"t"},{"key":"q","value":"4","author":"b","created":"t"}],
                 "total_steps":["plan","chat"],"completed_steps":["plan","chat"],
                 "step_configs":{"chat":{"activity":"litellm_chat","prompt_path":"init_params.prompt"}},
                 "steps":{"plan":{"status":"completed","activity":"text_echo","duration_seconds":0.5,
                           "inputs":{"text":"x"},"outputs":{"text":"short"}},
                          "chat":{"status":"completed","activity":"litellm_chat","duration_seconds":12,
                           "inputs":{"prompt":"hi"},"outputs":{"text":"%s","items":[1,2,3,4,5,6,7]}}}}
                """.formatted("p".repeat(1000), "t".repeat(3000)));
    }

    @Test
    void compactKeepsStatusAndShortOutputsPerStepKeyedByName() throws Exception {
        ObjectNode c = view.compact(trajectory(), "demo", "chat");
        assertThat(c.path("workflow_id").asText()).isEqualTo("demo-chat--3bc97289");
        assertThat(c.path("link").asText()).isEqualTo("https://jetty.io/demo/chat/3bc97289");
        assertThat(c.path("steps_done").asText()).isEqualTo("2/2");
        assertThat(c.path("duration_seconds").asDouble()).isEqualTo(12.5);
        assertThat(c.path("steps").fieldNames()).toIterable().containsExactly("plan", "chat");
        JsonNode chat = c.path("steps").path("chat");
        assertThat(chat.has("inputs")).isFalse();
        assertThat(chat.path("outputs").path("text").asText()).startsWith("tttt").endsWith("[2600 more characters]");
        assertThat(chat.path("outputs").path("items")).hasSize(TrajectoryView.ITEMS_CAP + 1);
        assertThat(chat.path("outputs").path("items").get(TrajectoryView.ITEMS_CAP).asText()).isEqualTo("…2 more items");
        assertThat(c.path("init_params").path("long").asText()).contains("more characters");
        assertThat(c.path("note").asText()).contains("steps=");
        assertThat(c.path("labels")).hasSize(2);
        assertThat(c.has("step_configs")).isFalse();
    }

    @Test
    void selectionReturnsStepsInFullOrJustTheNamedFields() throws Exception {
        JsonNode t = trajectory();
        ObjectNode s = view.select(t, "demo", "chat", List.of("chat", "ghost"), null);
        assertThat(s.path("steps").path("chat").path("outputs").path("text").asText()).hasSize(3000);
        assertThat(s.path("steps").has("plan")).isFalse();
        assertThat(s.path("missing_steps").toString()).contains("ghost");
        assertThat(s.path("available_steps").toString()).contains("plan");

        ObjectNode all = view.select(t, "demo", "chat", List.of("*"), null);
        assertThat(all.path("steps").size()).isEqualTo(2);

        ObjectNode f = view.select(t, "demo", "chat", null, List.of("step_configs.chat.activity", "steps.plan.outputs.text", "x.y"));
        assertThat(f.path("fields").path("step_configs.chat.activity").asText()).isEqualTo("litellm_chat");
        assertThat(f.path("fields").path("steps.plan.outputs.text").asText()).isEqualTo("short");
        assertThat(f.path("missing_fields").toString()).contains("x.y");
        assertThat(f.has("steps")).isFalse();
        assertThat(f.path("status").asText()).isEqualTo("completed");
    }

    @Test
    void rowsAreCompactWithTheLatestLabelPerKey() throws Exception {
        ObjectNode r = view.row(trajectory());
        assertThat(r.path("labels").path("q").asText()).isEqualTo("4");
        assertThat(r.has("steps")).isFalse();
        assertThat(r.has("init_params")).isFalse();
        assertThat(r.path("duration_seconds").asDouble()).isEqualTo(12.5);
    }

    @Test
    void durationComesFromJettyOrFromTimestampsOfAnEndedRun() throws Exception {
        assertThat(TrajectoryView.duration(M.readTree("{\"duration_seconds\":3.14159}"))).isEqualTo(3.1);
        assertThat(TrajectoryView.duration(M.readTree("{\"status\":\"running\",\"created\":\"2026-05-01T10:00:00\","
                + "\"updated\":\"2026-05-01T10:00:09\"}"))).isNull();
        assertThat(TrajectoryView.duration(M.readTree("{\"status\":\"failed\",\"created\":\"2026-05-01T10:00:00\","
                + "\"updated\":\"2026-05-01T10:00:09\"}"))).as("timestamps without an offset are UTC").isEqualTo(9.0);
        assertThat(TrajectoryView.duration(M.readTree("{\"status\":\"failed\",\"created\":\"garbage\"}"))).isNull();
    }

    @Test
    void terminalStatuses() throws Exception {
        for (String s : List.of("completed", "failed", "cancelled", "archived", "timed_out")) {
            assertThat(TrajectoryView.terminal(M.readTree("{\"status\":\"" + s + "\"}"))).as(s).isTrue();
        }
        assertThat(TrajectoryView.terminal(M.readTree("{\"status\":\"running\"}"))).isFalse();
        assertThat(TrajectoryView.terminal(M.readTree("{\"status\":null}"))).as("null status of a workflow id").isFalse();
    }
}
