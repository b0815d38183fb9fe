package io.jettymcp.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FieldRenameTest extends SandboxTestBase {

    private static JsonNode json(String s) {
        return Json.parse(s);
    }

    @Test
    void renamesTheLastSegmentWhereverThePathReaches() {
        FieldRename rows = new FieldRename("GET", ".*", "trajectories[].trajectory_id", "trajectories[].trajectory_id_renamed");
        assertThat(rows.apply(json("{\"trajectories\":[{\"trajectory_id\":\"a\"},{\"trajectory_id\":\"b\",\"x\":1}]}")))
                .isEqualTo(json("{\"trajectories\":[{\"trajectory_id_renamed\":\"a\"},{\"x\":1,\"trajectory_id_renamed\":\"b\"}]}"));
        FieldRename nested = new FieldRename("POST", ".*", "jetty_metadata.workflow_id", "workflow_id_renamed");
        assertThat(nested.apply(json("{\"jetty_metadata\":{\"workflow_id\":\"w\"}}")))
                .isEqualTo(json("{\"jetty_metadata\":{\"workflow_id_renamed\":\"w\"}}"));
        FieldRename bare = new FieldRename("GET", ".*", "[].name", "name_renamed");
        assertThat(bare.apply(json("[{\"name\":\"a\"}]"))).isEqualTo(json("[{\"name_renamed\":\"a\"}]"));
        FieldRename wrap = new FieldRename("GET", ".*", "[]", "renamed");
        assertThat(wrap.apply(json("[1]"))).isEqualTo(json("{\"renamed\":[1]}"));
        assertThat(rows.apply(json("{\"other\":1}"))).as("absent paths are left alone").isEqualTo(json("{\"other\":1}"));
        assertThat(rows.matches("GET", "/api/v1/x")).isTrue();
        assertThat(rows.matches("POST", "/api/v1/x")).isFalse();
        assertThatThrownBy(() -> new FieldRename("GET", ".*", "a", null)).hasMessageContaining("field and to");
    }

    @Test
    void theSwitchRenamesFieldsInLiveAnswersAndResets() {
        http.post("/__sim/switches", null, "{\"rename_field\":{\"method\":\"GET\",\"path_regex\":\"/api/v1/tasks/[^/]+/\","
                + "\"field\":\"[].name\",\"to\":\"name_renamed\"}}");
        JsonNode tasks = http.get("/api/v1/tasks/demo/", DEMO).json();
        assertThat(tasks.get(0).has("name")).isFalse();
        assertThat(tasks.get(0).has("name_renamed")).isTrue();
        assertThat(http.get("/__sim/switches", null).json().path("rename_field").get(0).path("field").asText()).isEqualTo("[].name");
        sandbox.reset();
        assertThat(http.get("/api/v1/tasks/demo/", DEMO).json().get(0).has("name")).isTrue();
        assertThat(sandbox.switches().renameFields()).isEqualTo(List.of());
    }
}
