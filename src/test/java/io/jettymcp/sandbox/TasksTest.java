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
    void searchIsGlobalAndScopedAndAnswersWithBakerysFields() {
        JsonNode all = http.get("/api/v1/tasks/search?q=echo", USER).json();
        // bakery's search_tasks: {"hits": hits} with include_fields collection_name, entity_name, full_name, entity_type, metadata
        assertThat(all.properties()).extracting(java.util.Map.Entry::getKey).containsExactly("hits");
        assertThat(all.get("hits")).hasSize(1);
        JsonNode doc = all.at("/hits/0/document");
        assertThat(doc.get("entity_name").asText()).isEqualTo("text-echo");
        assertThat(doc.get("collection_name").asText()).isEqualTo("demo");
        assertThat(doc.get("full_name").asText()).isEqualTo("task/demo/text-echo");
        assertThat(doc.get("entity_type").asText()).isEqualTo("task");
        assertThat(doc.has("name")).isFalse();
        assertThat(doc.has("description")).isFalse();
        assertThat(http.get("/api/v1/tasks/search?q=triage", DEMO).json().get("hits")).isEmpty();
        assertThat(http.get("/api/v1/tasks/search?q=triage", ACME).json().get("hits")).hasSize(1);
        assertThat(http.get("/api/v1/tasks/search", DEMO).status()).isEqualTo(422);
        assertThat(http.get("/api/v1/tasks/search?q=echo&limit=101", DEMO).status()).isEqualTo(422);
    }

    @Test
    void searchRedirectAnswers307ToTheSlashedPathLikeFastApiWithoutTheRoute() {
        sandbox.switches().searchRedirect(true);
        Http.Resp r = http.get("/api/v1/tasks/search?q=echo", DEMO);
        assertThat(r.status()).isEqualTo(307);
        assertThat(r.header("location")).endsWith("/api/v1/tasks/search/?q=echo");
        assertThat(http.post("/__sim/switches", null, "{\"search_redirect\":false}").json().get("search_redirect").asBoolean())
                .isFalse();
        assertThat(http.get("/api/v1/tasks/search?q=echo", DEMO).status()).isEqualTo(200);
        sandbox.switches().production();
        assertThat(http.get("/api/v1/tasks/search?q=echo", DEMO).status()).isEqualTo(307);
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

    @Test
    void templatesWithoutParametersKeepsOnlyTheDocumentedOuterShape() {
        sandbox.switches().templatesWithoutParameters(true);
        JsonNode all = http.get("/api/v1/step-templates", null).json();
        assertThat(all.get("total_count").asInt()).isEqualTo(17);
        assertThat(all.get("categories").isArray()).isTrue();
        assertThat(all.get("templates")).allSatisfy(t -> {
            assertThat(t.has("activity_name")).isTrue();
            assertThat(t.has("parameters")).isFalse();
            assertThat(t.has("required_one_of")).isFalse();
        });
        JsonNode chat = http.get("/api/v1/step-templates/litellm_chat", null).json();
        assertThat(chat.get("activity_name").asText()).isEqualTo("litellm_chat");
        assertThat(chat.has("parameters")).isFalse();
        assertThat(http.post("/__sim/switches", null, "{\"templates_without_parameters\":false}").json()
                .get("templates_without_parameters").asBoolean()).isFalse();
        assertThat(http.get("/api/v1/step-templates/litellm_chat", null).json().has("parameters")).isTrue();
        sandbox.switches().production();
        assertThat(http.get("/api/v1/step-templates", null).json().at("/templates/0").has("parameters")).isFalse();
    }
}
