package io.jettymcp.tools;

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
    void referencesMustPointBackwardsAndActivitiesMustExist() throws Exception {
        JsonNode r = check("""
                {"steps":["a","b"],"step_configs":{
                  "a":{"activity":"text_echo","text_path":"b.outputs.text"},
                  "b":{"activity":"passthrough"},
                  "c":{"activity":"text_echo","text":"x"}}}""");
        assertThat(r.toString()).contains("refers to 'b', which is not an earlier step")
                .contains("No step registered for 'passthrough'").contains("step_configs.c is not in 'steps'");
    }

    @Test
    void emptyStepsAreAWarningNotAnError() throws Exception {
        JsonNode r = check("{\"steps\":[],\"step_configs\":{}}");
        assertThat(r.path("valid").asBoolean()).isTrue();
        assertThat(r.path("warnings").toString()).contains("completes instantly");
    }
}
