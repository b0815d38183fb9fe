package io.jettymcp.catalog.environment;

import com.fasterxml.jackson.databind.JsonNode;
import io.jettymcp.catalog.ToolsetTestBase;
import io.jettymcp.sandbox.RecordedRequest;
import io.jettymcp.sandbox.SandboxSeeds;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** tool-specs/environment through the real registry and chain, against an in-process sandbox, with demo's key. */
class EnvironmentToolsetTest extends ToolsetTestBase {

    @Override
    protected void warmUp() {
        server.ok("get-trial-status", Map.of()); // the guard chain's one-time scope and env look-ups, out of the counts
    }

    @Test
    void everyToolIsPublishedWithTitleAndAllFourAnnotations() {
        definitionsAreComplete(server, "environment",
                "list-env-vars", "set-env-vars", "delete-env-vars", "check-secrets");
    }

    @Test
    void listEnvVarsShowsNamesAndProviderKeysNeverValues() {
        JsonNode out = server.ok("list-env-vars", Map.of());
        assertThat(out.path("names").toString()).isEqualTo("[\"OPENROUTER_API_KEY\",\"PLAIN_SETTING\"]");
        assertThat(out.path("provider_keys").path("OPENROUTER").asBoolean()).isTrue();
        assertThat(out.path("provider_keys").path("ANTHROPIC").asBoolean()).isFalse();
        assertThat(out.path("provider_keys").has("GEMINI")).isTrue();
        assertThat(out.path("provider_keys").has("REPLICATE")).isTrue();
        assertThat(out.path("provider_keys").has("AWS_BEDROCK")).isTrue();
        assertThat(out.toString()).doesNotContain(SandboxSeeds.DEMO_OPENROUTER_KEY).doesNotContain("hello");
        assertThat(sandbox.requests().matching("GET", "/api/v1/collections/demo/environment")).hasSize(1);
    }

    @Test
    void checkSecretsSplitsConfiguredAndMissing() {
        JsonNode out = server.ok("check-secrets", Map.of("names", List.of("OPENROUTER_API_KEY", "PDF_SERVICE_KEY")));
        assertThat(out.path("configured").toString()).isEqualTo("[\"OPENROUTER_API_KEY\"]");
        assertThat(out.path("missing").toString()).isEqualTo("[\"PDF_SERVICE_KEY\"]");
        assertThat(out.path("ready").asBoolean()).isFalse();
        assertThat(out.toString()).doesNotContain(SandboxSeeds.DEMO_OPENROUTER_KEY);
        assertThat(server.ok("check-secrets", Map.of("names", List.of("OPENROUTER_API_KEY"))).path("ready").asBoolean()).isTrue();
        assertThat(sandbox.requests().all()).as("reads only").isNotEmpty()
                .allSatisfy(r -> assertThat(r.method() + " " + r.path()).isEqualTo("GET /api/v1/collections/demo/environment"));
    }

    @Test
    void badNamesAreRefusedWithoutARequest() {
        assertThat(server.error("check-secrets", Map.of("names", List.of("bad name")))).contains("'names[0]'");
        assertThat(server.error("check-secrets", Map.of("names", List.of()))).contains("'names'").contains("empty");
        assertThat(server.error("delete-env-vars", Map.of("names", List.of()))).contains("'names'").contains("empty");
        assertThat(sandbox.requests().count()).isZero();
    }

    @Test
    void setEnvVarsMergesAndReturnsNamesOnly() {
        Map<String, Object> vars = new LinkedHashMap<>();
        vars.put("NEW_SERVICE_KEY", "svc-value-0123456789");
        vars.put("PLAIN_SETTING", null);
        JsonNode out = server.ok("set-env-vars", Map.of("variables", vars));
        assertThat(out.path("set").toString()).isEqualTo("[\"NEW_SERVICE_KEY\"]");
        assertThat(out.path("removed").toString()).isEqualTo("[\"PLAIN_SETTING\"]");
        assertThat(out.has("stored_as_null")).isFalse();
        assertThat(out.toString()).doesNotContain("svc-value").doesNotContain(SandboxSeeds.DEMO_OPENROUTER_KEY);
        RecordedRequest patch = sandbox.requests().matching("PATCH", "/api/v1/collections/demo/environment").get(0);
        assertThat(patch.bodyJson().toString())
                .isEqualTo("{\"environment_variables\":{\"NEW_SERVICE_KEY\":\"svc-value-0123456789\",\"PLAIN_SETTING\":null}}");
        JsonNode names = server.ok("list-env-vars", Map.of()).path("names");
        assertThat(names.toString()).isEqualTo("[\"NEW_SERVICE_KEY\",\"OPENROUTER_API_KEY\"]");

        assertThat(server.error("set-env-vars", Map.of("variables", Map.of()))).contains("empty");
        assertThat(server.error("set-env-vars", Map.of("variables", Map.of("N", 5)))).contains("string");
        assertThat(server.error("set-env-vars", Map.of("variables", Map.of("1BAD", "x")))).contains("invalid variable name");
        assertThat(sandbox.requests().matching("PATCH", ".*")).hasSize(1);
    }

    @Test
    void deleteEnvVarsSendsNullPerNameAndReportsGone() {
        JsonNode out = server.ok("delete-env-vars", Map.of("names", List.of("PLAIN_SETTING", "NEVER_SET")));
        assertThat(out.path("gone").toString()).isEqualTo("[\"NEVER_SET\",\"PLAIN_SETTING\"]");
        assertThat(out.path("remaining").toString()).isEqualTo("[]");
        List<RecordedRequest> patches = sandbox.requests().matching("PATCH", "/api/v1/collections/demo/environment");
        assertThat(patches).hasSize(1);
        JsonNode body = patches.get(0).bodyJson();
        assertThat(body.path("environment_variables").isObject()).isTrue();
        assertThat(body.toString()).isEqualTo("{\"environment_variables\":{\"PLAIN_SETTING\":null,\"NEVER_SET\":null}}");
        // re-read after the PATCH
        RecordedRequest last = sandbox.requests().all().get(sandbox.requests().count() - 1);
        assertThat(last.method()).isEqualTo("GET");
        assertThat(last.path()).isEqualTo("/api/v1/collections/demo/environment");
        assertThat(server.ok("list-env-vars", Map.of()).path("names").toString()).isEqualTo("[\"OPENROUTER_API_KEY\"]");
    }

    @Test
    void deploymentsThatStoreNullAreReportedAsRemaining() {
        sandbox.switches().envStoreNull(true);
        JsonNode out = server.ok("delete-env-vars", Map.of("names", List.of("PLAIN_SETTING")));
        assertThat(out.path("gone").toString()).isEqualTo("[]");
        assertThat(out.path("remaining").toString()).isEqualTo("[\"PLAIN_SETTING\"]");
        assertThat(out.path("note").asText()).contains("null");
        JsonNode list = server.ok("list-env-vars", Map.of());
        assertThat(list.path("names").toString()).isEqualTo("[\"OPENROUTER_API_KEY\"]");
        assertThat(list.path("empty_or_null").toString()).isEqualTo("[\"PLAIN_SETTING\"]");
        JsonNode check = server.ok("check-secrets", Map.of("names", List.of("PLAIN_SETTING")));
        assertThat(check.path("missing").toString()).isEqualTo("[\"PLAIN_SETTING\"]");
        Map<String, Object> vars = new LinkedHashMap<>();
        vars.put("OPENROUTER_API_KEY", null);
        assertThat(server.ok("set-env-vars", Map.of("variables", vars)).path("stored_as_null").toString())
                .isEqualTo("[\"OPENROUTER_API_KEY\"]");
    }

    @Test
    void envToolsStayInScope() {
        assertThat(server.error("list-env-vars", Map.of("collection", "other"))).contains("outside");
        assertThat(server.error("set-env-vars", Map.of("collection", "other", "variables", Map.of("A", "value-abcdefgh"))))
                .contains("outside");
        assertThat(server.error("delete-env-vars", Map.of("collection", "other", "names", List.of("A")))).contains("outside");
        assertThat(server.error("check-secrets", Map.of("collection", "other", "names", List.of("A")))).contains("outside");
        assertThat(sandbox.requests().matching("*", "/api/v1/collections/other.*")).isEmpty();
    }
}
