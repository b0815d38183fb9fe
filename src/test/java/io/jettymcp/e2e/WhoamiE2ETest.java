package io.jettymcp.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.jettymcp.e2e.support.SandboxTest;
import io.jettymcp.e2e.support.ServerProcess;
import io.jettymcp.sandbox.RecordedRequest;
import io.jettymcp.sandbox.SandboxSeeds;
import io.jettymcp.sandbox.SandboxSwitches.Whoami;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * jetty-api.md §7 E3: whoami exists on production but its fields are unverified, and the official server
 * never calls it. Whatever it answers, it never gates a tool: a call naming its collection goes to Jetty,
 * JETTY_COLLECTIONS needs no whoami at all, and a failing whoami is asked once per cache window.
 */
class WhoamiE2ETest extends SandboxTest {

    static final String WHOAMI = "/api/v1/auth/whoami";

    @AfterEach
    void normal() {
        sandbox.switches().whoami(Whoami.NORMAL);
    }

    private List<RecordedRequest> whoamis() {
        return sandbox.requests().matching("GET", WHOAMI);
    }

    @Test
    void withWhoamiAbsentACallNamingItsCollectionWorksAndWhoamiIsAskedOnce() {
        sandbox.switches().whoami(Whoami.ABSENT);
        try (ServerProcess s = demoServer().start()) {
            sandbox.requests().clear();
            for (int i = 0; i < 4; i++) {
                JsonNode task = s.ok("get-task", Map.of("collection", "demo", "task", "text-echo"));
                assertThat(task.path("name").asText()).isEqualTo("text-echo");
            }
            assertThat(s.ok("list-tasks", Map.of("collection", "demo")).toString()).contains("text-echo");
            assertThat(whoamis()).as("a definitive 404 is remembered, not asked on every call").hasSize(1);

            // Jetty's own 403 is the authority on the key, and is explained
            String cross = s.error("get-task", Map.of("collection", "acme", "task", "triage"));
            assertThat(cross).contains("403").contains("another collection").contains("acme");
            assertThat(sandbox.requests().matching("GET", "/api/v1/tasks/acme/triage")).hasSize(1);
        }
    }

    @Test
    void withoutAKnownScopeACallWithoutCollectionSaysHowToFixItAndSendsNothing() {
        sandbox.switches().whoami(Whoami.ABSENT);
        try (ServerProcess s = demoServer().start()) {
            sandbox.requests().clear();
            String first = s.error("list-tasks", Map.of());
            assertThat(first).contains("'collection'").contains("JETTY_COLLECTIONS").contains("list-collections");
            assertThat(sandbox.requests().all()).as("nothing but the whoami lookup")
                    .allSatisfy(r -> assertThat(r.path()).isEqualTo(WHOAMI));
            sandbox.requests().clear();
            assertThat(s.error("get-task", Map.of("task", "text-echo"))).contains("'collection'").contains("JETTY_COLLECTIONS");
            assertThat(sandbox.requests().all()).as("upstream requests for a call that cannot know its collection").isEmpty();
        }
    }

    @Test
    void withJettyCollectionsNoWhoamiIsEverRequested() {
        try (ServerProcess s = demoServer().env("JETTY_COLLECTIONS", "demo").start()) {
            sandbox.requests().clear();
            assertThat(s.ok("get-task", Map.of("task", "text-echo")).path("name").asText()).isEqualTo("text-echo");
            assertThat(s.ok("list-tasks", Map.of()).toString()).contains("text-echo");
            assertThat(s.ok("list-collections", Map.of()).toString()).contains("demo");
            s.ok("search-tasks", Map.of("query", "echo"));
            assertThat(sandbox.requests().all()).as("requests made").isNotEmpty();
            assertThat(whoamis()).isEmpty();
        }
    }

    @Test
    void aFailingWhoamiIsAskedAtMostOncePerWindowWhateverItAnswers() {
        for (Whoami mode : List.of(Whoami.SERVER_ERROR, Whoami.METHOD_NOT_ALLOWED, Whoami.REDIRECT, Whoami.HTML, Whoami.NO_FIELDS)) {
            sandbox.switches().whoami(mode);
            try (ServerProcess s = demoServer().start()) {
                sandbox.requests().clear();
                for (int i = 0; i < 3; i++) {
                    McpSchema.CallToolResult r = s.call("list-tasks", Map.of("collection", "demo"));
                    assertThat(r.isError()).as(mode + ": " + ServerProcess.text(r)).isFalse();
                }
                assertThat(whoamis()).as(mode.wire()).hasSize(1);
            }
        }
    }

    @Test
    void theWhoamiToolSaysUnknownAndStillMatchesItsSchema() {
        sandbox.switches().whoami(Whoami.ABSENT);
        try (ServerProcess s = demoServer().env("JETTY_COLLECTIONS", "demo,other").start()) {
            McpSchema.CallToolResult r = s.call("whoami", Map.of());
            assertThat(r.isError()).as(ServerProcess.text(r)).isFalse();
            JsonNode who = ServerProcess.json(r);
            assertThat(who.path("scope").asText()).isEqualTo("unknown");
            assertThat(who.path("scope_reason").asText()).contains("404");
            assertThat(who.path("allowed_collections").toString()).isEqualTo("[\"demo\",\"other\"]");
            assertThat(who.path("token").asText()).startsWith("mlc_...").doesNotContain(SandboxSeeds.DEMO_TOKEN);
            assertThat(who.path("base_url").asText()).isEqualTo(sandbox.baseUrl());
            assertThat(who.path("server_version").asText()).isNotBlank();
            assertThat(r.structuredContent()).as("structured copy, checked against the output schema").isInstanceOf(Map.class);
            McpSchema.Tool spec = s.tools().stream().filter(t -> t.name().equals("whoami")).findFirst().orElseThrow();
            for (Object required : (List<?>) spec.outputSchema().get("required")) {
                assertThat(who.has((String) required)).as("required " + required).isTrue();
            }
        }
        sandbox.switches().whoami(Whoami.NORMAL);
        try (ServerProcess s = demoServer().start()) {
            JsonNode who = s.ok("whoami", Map.of());
            assertThat(who.path("scope").asText()).isEqualTo("known");
            assertThat(who.path("collection_scope").asText()).isEqualTo("demo");
        }
    }
}
