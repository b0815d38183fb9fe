package io.jettymcp.catalog.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class WorkflowValidatorTest {

    private static final ObjectMapper M = new ObjectMapper();
    private final WorkflowValidator v = new WorkflowValidator(M);

    private static final String TEMPLATES = """
            {"templates":[
              {"activity_name":"text_echo","parameters":[{"name":"text"},{"name":"text_path"}],"required_one_of":[["text","text_path"]]},
              {"activity_name":"litellm_chat","parameters":[{"name":"model"},{"name":"prompt"},{"name":"prompt_path"},{"name":"system_prompt"}],
               "required_one_of":[["prompt","prompt_path"]]},
              {"activity_name":"list_emit_await","parameters":[{"name":"items_path","required":true},{"name":"child_workflow_name","required":true}]}
            ]}""";

    private JsonNode check(String workflow) throws Exception {
        return v.validate(M.readTree(workflow), M.readTree(TEMPLATES));
    }

    @Test
    void aGoodWorkflowIsValid() throws Exception {
        JsonNode r = check("""
                {"init_params":{"text":"hi"},"steps":["echo","chat"],
                 "step_configs":{"echo":{"activity":"text_echo","text_path":"init_params.text"},
                                 "chat":{"activity":"litellm_chat","model":"anthropic/claude-sonnet-4.6","prompt_path":"echo.outputs.text"}}}""");
        assertThat(r.path("valid").asBoolean()).as(r.toString()).isTrue();
        assertThat(r.path("errors")).isEmpty();
        assertThat(r.path("warnings")).isEmpty();
    }

    @Test
    void theDocumentedWrongNamesAreCaught() throws Exception {
        JsonNode r = check("""
                {"steps":["chat","fan"],"step_configs":{
                  "chat":{"activity":"litellm_chat","model":"claude-sonnet-4-6","user_prompt":"hi"},
                  "fan":{"activity":"list_emit_await","items":[1,2],"child_workflow_name":"demo/child"}}}""");
        assertThat(r.path("valid").asBoolean()).isFalse();
        String text = r.toString();
        assertThat(text).contains("'user_prompt' is not read; use prompt").contains("needs one of [prompt, prompt_path]")
                .contains("items_path").contains("required parameter 'items_path'").contains("plain task name")
                .contains("provider prefix");
    }

    @Test
    void referencesMustPointBackwardsAndUnknownActivitiesAreWarned() throws Exception {
        JsonNode r = check("""
                {"steps":["a","b"],"step_configs":{
                  "a":{"activity":"text_echo","text_path":"b.outputs.text"},
                  "b":{"activity":"passthrough"},
                  "c":{"activity":"text_echo","text":"x"}}}""");
        assertThat(r.path("errors").toString()).contains("refers to 'b', which is not an earlier step")
                .doesNotContain("passthrough");
        assertThat(r.path("warnings").toString()).contains("'passthrough' is not in the step-template catalog")
                .contains("No step registered for 'passthrough'").contains("step_configs.c is not in 'steps'");
    }

    @Test
    void anActivityMissingFromTheCatalogIsAWarningNotAnError() throws Exception {
        JsonNode r = check("""
                {"steps":["run"],"step_configs":{"run":{"activity":"runbook","agent_path":"init_params.agent","whatever":1}}}""");
        assertThat(r.path("valid").asBoolean()).as(r.toString()).isTrue();
        assertThat(r.path("errors")).isEmpty();
        assertThat(r.path("warnings").toString()).contains("'runbook' is not in the step-template catalog")
                .doesNotContain("whatever");
    }

    /** Only the catalog's outer shape is documented (jetty-api.md §7 E8): without parameter lists, no per-parameter checks. */
    private static final String NO_PARAMETERS = """
            {"templates":[{"activity_name":"text_echo","description":"echo"},{"activity_name":"litellm_chat"},
                          {"activity_name":"list_emit_await"}],"categories":["text","llm"],"total_count":3}""";

    @Test
    void aCatalogWithoutParameterListsSkipsParameterChecksAndSaysSoOnce() throws Exception {
        JsonNode r = v.validate(M.readTree("""
                {"init_params":{"text":"hi"},"steps":["echo","chat","fan","odd"],"step_configs":{
                  "echo":{"activity":"text_echo","text_path":"init_params.text","colour":"blue"},
                  "chat":{"activity":"litellm_chat","model":"anthropic/claude-sonnet-4.6","user_prompt":"hi","later_path":"odd.outputs.text"},
                  "fan":{"activity":"list_emit_await","child_workflow_name":"child"},
                  "odd":{"activity":"mystery_step"}}}"""), M.readTree(NO_PARAMETERS));
        String text = r.toString();
        assertThat(r.path("note").asText()).isEqualTo("parameter checks skipped: the step-template catalog lists no parameters");
        assertThat(text.split("parameter checks skipped", -1)).as("said once").hasSize(2);
        assertThat(text).doesNotContain("colour").doesNotContain("required parameter").doesNotContain("needs one of");
        // what does not depend on the catalog's parameter layout still holds
        assertThat(r.path("errors").toString()).contains("'user_prompt' is not read; use prompt")
                .contains("refers to 'odd', which is not an earlier step");
        assertThat(r.path("warnings").toString()).contains("'mystery_step' is not in the step-template catalog");
    }

    @Test
    void aCatalogWithParameterListsHasNoSkipNote() throws Exception {
        assertThat(check("{\"steps\":[],\"step_configs\":{}}").has("note")).isFalse();
    }

    @Test
    void aBareArrayCatalogIsRead() throws Exception {
        JsonNode r = v.validate(M.readTree("""
                {"steps":["echo"],"step_configs":{"echo":{"activity":"text_echo","text":"x"}}}"""),
                M.readTree("[{\"name\":\"text_echo\"}]"));
        assertThat(r.path("valid").asBoolean()).isTrue();
        assertThat(r.path("warnings")).as(r.toString()).isEmpty();
    }

    @Test
    void emptyStepsAreAWarningNotAnError() throws Exception {
        JsonNode r = check("{\"steps\":[],\"step_configs\":{}}");
        assertThat(r.path("valid").asBoolean()).isTrue();
        assertThat(r.path("warnings").toString()).contains("completes instantly");
    }
}
