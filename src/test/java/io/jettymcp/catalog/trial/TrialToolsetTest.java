package io.jettymcp.catalog.trial;

import com.fasterxml.jackson.databind.JsonNode;
import io.jettymcp.catalog.ToolsetTestBase;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** tool-specs/trial (plain REST mappings) through the real registry and chain, against an in-process sandbox. */
class TrialToolsetTest extends ToolsetTestBase {

    @Test
    void everyToolIsPublishedWithTitleAndAllFourAnnotations() {
        definitionsAreComplete(server, "trial", "get-trial-status", "activate-trial");
    }

    @Test
    void trialStatusAndActivation() {
        JsonNode before = server.ok("get-trial-status", Map.of());
        assertThat(before.path("active").asBoolean()).isFalse();
        assertThat(before.path("runs_limit").asInt()).isEqualTo(10);
        assertThat(sandbox.requests().matching("GET", "/api/v1/trial/demo")).hasSize(1);
        JsonNode act = server.ok("activate-trial", Map.of());
        assertThat(act.path("active").asBoolean()).isTrue();
        assertThat(act.path("runs_remaining").asInt()).isEqualTo(10);
        assertThat(sandbox.requests().matching("POST", "/api/v1/trial/demo/activate")).hasSize(1);
        assertThat(server.ok("get-trial-status", Map.of()).path("active").asBoolean()).isTrue();
    }

    @Test
    void trialToolsStayInScopeAndRefuseUnknownArguments() {
        assertThat(server.error("get-trial-status", Map.of("collection", "acme"))).contains("outside");
        assertThat(server.error("activate-trial", Map.of("collection", "acme"))).contains("outside");
        assertThat(server.error("activate-trial", Map.of("colection", "demo"))).contains("'colection'");
        assertThat(sandbox.requests().matching("*", "/api/v1/trial/.*")).isEmpty();
    }
}
