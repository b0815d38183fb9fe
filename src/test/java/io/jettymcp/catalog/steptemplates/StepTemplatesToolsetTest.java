package io.jettymcp.catalog.steptemplates;

import com.fasterxml.jackson.databind.JsonNode;
import io.jettymcp.catalog.ToolsetTestBase;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** tool-specs/step-templates (plain REST mappings) through the real registry and chain, against an in-process sandbox. */
class StepTemplatesToolsetTest extends ToolsetTestBase {

    @Test
    void everyToolIsPublishedWithTitleAndAllFourAnnotations() {
        definitionsAreComplete(server, "step-templates", "list-step-templates", "get-step-template");
    }

    @Test
    void stepTemplatesAreCompactAndCarryRealParameterNames() {
        JsonNode list = server.ok("list-step-templates", Map.of());
        assertThat(list.path("templates").findValuesAsText("name")).contains("litellm_chat", "text_echo", "simple_judge");
        assertThat(list.path("templates").get(0).has("parameters")).isFalse();
        assertThat(sandbox.requests().matching("GET", "/api/v1/step-templates")).hasSize(1);
        JsonNode chat = server.ok("get-step-template", Map.of("name", "litellm_chat"));
        assertThat(chat.toString()).contains("prompt_path");
        assertThat(sandbox.requests().matching("GET", "/api/v1/step-templates/litellm_chat")).hasSize(1);
    }

    @Test
    void badNamesAreRefusedWithoutARequest() {
        assertThat(server.error("get-step-template", Map.of())).contains("'name'").contains("required");
        for (String bad : List.of("../other", "a/b", "%2e%2e")) {
            assertThat(server.error("get-step-template", Map.of("name", bad))).as(bad).contains("'name'");
        }
        assertThat(sandbox.requests().count()).isZero();
    }

    @Test
    void anUnknownTemplateIsJettys404() {
        String err = server.error("get-step-template", Map.of("name", "no_such_activity"));
        assertThat(err).contains("404");
        assertThat(sandbox.requests().matching("GET", "/api/v1/step-templates/no_such_activity")).hasSize(1);
    }
}
