package io.jettymcp.catalog.routines;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jettymcp.catalog.environment.EnvTools;
import io.jettymcp.catalog.trajectories.TrajectoryIds;
import io.jettymcp.tool.TestContexts;
import io.jettymcp.tool.ToolContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class RoutineToolsTest {

    private static final ObjectMapper M = new ObjectMapper();

    @Test
    void scrubRemovesAndRegistersSecretsAtAnyDepth(@TempDir Path dir) throws Exception {
        ToolContext ctx = TestContexts.ctx(dir);
        RoutineTools tools = new RoutineTools(ctx, TestContexts.spec("create-routine"),
                TestContexts.spec("update-routine"));
        JsonNode raw = M.readTree("{\"routines\":[{\"name\":\"r\",\"secret_params\":{\"API\":\"sk-secretvalue-123456\"},"
                + "\"webhook_secret\":\"whsec-abcdefgh\",\"cadence\":{\"type\":\"manual\"}},{\"name\":\"s\",\"webhook_secret\":null}]}");
        io.jettymcp.guard.TenantSecrets secrets = new io.jettymcp.guard.TenantSecrets();
        String out = tools.scrub(raw, secrets).toString();
        assertThat(out).doesNotContain("sk-secretvalue").doesNotContain("whsec-abcdefgh")
                .contains("\"secret_param_names\":[\"API\"]").contains("\"has_webhook_secret\":true")
                .contains("\"has_webhook_secret\":false").contains("\"cadence\":{\"type\":\"manual\"}");
        assertThat(secrets.redact("x whsec-abcdefgh y")).isEqualTo("x [REDACTED] y");
    }

    @Test
    void runLinksUseTheTrajectoryIdSuffix() {
        com.fasterxml.jackson.databind.node.ObjectNode out = M.createObjectNode();
        assertThat(TrajectoryIds.describe(out, M.createObjectNode().put("workflow_id", "jon-runbooks-pdf-amber-hawk--3bc97289"),
                "jon-runbooks", "pdf-amber-hawk")).isTrue();
        assertThat(out.path("trajectory_id").asText()).isEqualTo("3bc97289");
        assertThat(out.path("link").asText()).isEqualTo("https://jetty.io/jon-runbooks/pdf-amber-hawk/3bc97289");
        assertThat(TrajectoryIds.describe(M.createObjectNode(), M.createObjectNode().put("workflow_id", "no-suffix"), "c", "t"))
                .isFalse();
    }

    @Test
    void envNamesRegisterEveryValue(@TempDir Path dir) throws Exception {
        ToolContext ctx = TestContexts.ctx(dir);
        JsonNode env = M.readTree("{\"name\":\"demo\",\"environment_variables\":{\"A\":\"value-number-one\",\"B\":null,\"C\":\"\"}}");
        io.jettymcp.guard.TenantSecrets secrets = new io.jettymcp.guard.TenantSecrets();
        assertThat(EnvTools.names(env, secrets)).containsEntry("A", true).containsEntry("B", false).containsEntry("C", false);
        assertThat(secrets.redact("leak value-number-one")).doesNotContain("value-number-one");
        assertThat(EnvTools.providerKeys(ctx, java.util.Map.of("GOOGLE_API_KEY", true)).toString())
                .contains("\"GEMINI\":true").contains("\"OPENROUTER\":false").contains("\"AWS_BEDROCK\":false");
    }
}
