package io.jettymcp.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class TasksTest extends SandboxTestBase {

    static final String WF = "{\"init_params\":{\"text\":\"hi\"},\"step_configs\":{\"echo\":{\"activity\":\"text_echo\","
            + "\"text_path\":\"init_params.text\"}},\"steps\":[\"echo\"]}";

    @Test
    void listIsBareArrayOfRows() {
        JsonNode l = http.get("/api/v1/tasks/demo/", DEMO).json();
        assertThat(l.isArray()).isTrue();
        assertThat(l).extracting(n -> n.get("name").asText())
                .containsExactly("text-echo", "simple-chat", "image-gen", "judge", "pdf-amber-hawk");
        assertThat(l.get(0).get("collection_name").asText()).isEqualTo("demo");
        assertThat(l.get(0).has("workflow")).isTrue();
        assertThat(http.get("/api/v1/tasks/demo/?limit=0", DEMO).status()).isEqualTo(422);
        Http.Resp nf = http.get("/api/v1/tasks/ghost/", USER);
        assertThat(nf.status()).isEqualTo(404);
        assertThat(nf.detail()).isEqualTo("Collection with name 'ghost' not found");
    }

    @Test
    void createGetUpdateDelete() {
        Http.Resp c = http.post("/api/v1/tasks/demo", DEMO, "{\"name\":\"t1\",\"description\":\"\",\"workflow\":" + WF + "}");
        assertThat(c.status()).isEqualTo(201);
        JsonNode t = c.json();
        for (String f : new String[] {"id", "name", "workflow", "collection_id", "version", "description", "has_file_uploads",
                "entity_type", "is_private", "croissant_metadata", "created_at", "updated_at", "environment_variables",
                "storage_info", "storage_provider"}) {
            assertThat(t.has(f)).as(f).isTrue();
        }
        assertThat(t.get("is_private").asBoolean()).isTrue();
        assertThat(t.get("entity_type").asText()).isEqualTo("task");

        Http.Resp dup = http.post("/api/v1/tasks/demo", DEMO, "{\"name\":\"T1\",\"workflow\":" + WF + "}");
        assertThat(dup.status()).isEqualTo(400);
        assertThat(dup.detail()).isEqualTo("Task with name 'T1' already exists in collection 'demo'");

        Http.Resp up = http.json("PUT", "/api/v1/tasks/demo/t1", DEMO, "{\"description\":\"new\"}");
        assertThat(up.status()).isEqualTo(200);
        assertThat(up.json().get("description").asText()).isEqualTo("new");
        assertThat(up.json().at("/workflow/steps/0").asText()).isEqualTo("echo");

        Http.Resp clash = http.json("PUT", "/api/v1/tasks/demo/t1", DEMO, "{\"name\":\"judge\"}");
        assertThat(clash.status()).isEqualTo(400);

        assertThat(http.json("PUT", "/api/v1/tasks/demo/missing", DEMO, "{}").detail())
                .isEqualTo("Task 'missing' in collection 'demo' not found");

        Http.Resp del = http.delete("/api/v1/tasks/demo/t1", DEMO);
        assertThat(del.json().get("message").asText()).isEqualTo("Task deleted successfully");
        Http.Resp del2 = http.delete("/api/v1/tasks/demo/t1", DEMO);
        assertThat(del2.status()).isEqualTo(404);
        assertThat(del2.detail()).isEqualTo("Task not found");
    }

    @Test
    void createValidation() {
        Http.Resp r = http.post("/api/v1/tasks/demo", DEMO, "{\"description\":\"x\"}");
        assertThat(r.status()).isEqualTo(422);
        assertThat(r.json().get("detail")).hasSize(2);
        assertThat(r.json().at("/detail/0/loc/1").asText()).isEqualTo("name");
        assertThat(http.post("/api/v1/tasks/nope", USER, "{\"name\":\"a\",\"workflow\":{}}").status()).isEqualTo(404);
    }

    @Test
    void searchIsGlobalAndScoped() {
        JsonNode all = http.get("/api/v1/tasks/search?q=echo", USER).json();
        assertThat(all.get("found").asInt()).isEqualTo(1);
        assertThat(all.at("/hits/0/document/name").asText()).isEqualTo("text-echo");
        assertThat(all.at("/hits/0/document/collection_name").asText()).isEqualTo("demo");
        assertThat(http.get("/api/v1/tasks/search?q=triage", DEMO).json().get("found").asInt()).isZero();
        assertThat(http.get("/api/v1/tasks/search?q=triage", ACME).json().get("found").asInt()).isEqualTo(1);
    }

    @Test
    void stepTemplates() {
        JsonNode all = http.get("/api/v1/step-templates", null).json();
        assertThat(all.get("total_count").asInt()).isEqualTo(17);
        assertThat(all.get("categories").isArray()).isTrue();
        JsonNode chat = http.get("/api/v1/step-templates/litellm_chat", null).json();
        assertThat(chat.get("parameters")).extracting(p -> p.get("name").asText()).contains("prompt", "prompt_path",
                "system_prompt").doesNotContain("user_prompt");
        JsonNode lea = http.get("/api/v1/step-templates/list_emit_await", null).json();
        assertThat(lea.get("parameters")).extracting(p -> p.get("name").asText()).contains("items_path",
                "child_workflow_name");
        assertThat(http.get("/api/v1/step-templates/nope", null).status()).isEqualTo(404);
    }
}
