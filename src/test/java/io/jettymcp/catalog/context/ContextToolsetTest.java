package io.jettymcp.catalog.context;

import com.fasterxml.jackson.databind.JsonNode;
import io.jettymcp.catalog.ToolsetTestBase;
import io.jettymcp.sandbox.RecordedRequest;
import io.jettymcp.sandbox.SandboxSeeds;
import io.jettymcp.sandbox.SandboxServer;
import io.jettymcp.sandbox.SandboxSwitches.Whoami;
import io.jettymcp.tool.InProcess;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * tool-specs/context (whoami) through the real registry and chain, against an in-process sandbox. jetty-api.md §7
 * E3: whoami's fields on production are unverified, so whatever it answers it never gates a tool. Whoami's answer
 * is cached per server, so each test that counts whoami requests builds its own server on the shared sandbox.
 */
class ContextToolsetTest {

    static final String WHOAMI = "/api/v1/auth/whoami";

    static SandboxServer sandbox;

    @BeforeAll
    static void start() {
        sandbox = SandboxServer.start(null);
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    @BeforeEach
    void clean() {
        sandbox.reset(); // also back to a normal whoami
    }

    /** A fresh server (no cached whoami) on the shared sandbox, with demo's key. */
    static InProcess demoServer() {
        return InProcess.builder().sandbox(sandbox).build();
    }

    static List<RecordedRequest> whoamis() {
        return sandbox.requests().matching("GET", WHOAMI);
    }

    @Test
    void whoamiIsPublishedWithTitleAndAllFourAnnotations() {
        try (InProcess s = demoServer()) {
            ToolsetTestBase.definitionsAreComplete(s, "context", "whoami");
        }
    }

    @Test
    void whoamiShowsScopeAndAMaskedToken() {
        try (InProcess s = demoServer()) {
            JsonNode who = s.ok("whoami", Map.of());
            assertThat(who.path("scope").asText()).isEqualTo("known");
            assertThat(who.path("collection_scope").asText()).isEqualTo("demo");
            assertThat(who.path("allowed_collections").toString()).isEqualTo("[\"demo\"]");
            assertThat(who.path("token").asText())
                    .isEqualTo("mlc_..." + SandboxSeeds.DEMO_TOKEN.substring(SandboxSeeds.DEMO_TOKEN.length() - 4));
            assertThat(who.toString()).doesNotContain(SandboxSeeds.DEMO_TOKEN);
            McpSchema.CallToolResult raw = s.call("whoami", Map.of());
            assertThat(raw.structuredContent()).as("structured copy for a tool with an output schema").isInstanceOf(Map.class);
            assertThat(((Map<?, ?>) raw.structuredContent()).get("collection_scope")).isEqualTo("demo");
        }
    }

    @Test
    void whoamiAsksJettyOnceWithTheKeyAndOurUserAgent() {
        try (InProcess s = demoServer()) {
            s.ok("whoami", Map.of());
            s.ok("whoami", Map.of());
            assertThat(whoamis()).as("whoami's answer is cached").hasSize(1);
            RecordedRequest req = whoamis().get(0);
            assertThat(req.header("authorization")).isEqualTo("Bearer " + SandboxSeeds.DEMO_TOKEN);
            assertThat(req.header("user-agent")).startsWith("jetty-mcp/");
            // and so does every other request
            sandbox.requests().clear();
            s.ok("get-task", Map.of("task", "text-echo"));
            RecordedRequest task = sandbox.requests().all().get(0);
            assertThat(task.header("authorization")).isEqualTo("Bearer " + SandboxSeeds.DEMO_TOKEN);
            assertThat(task.header("user-agent")).startsWith("jetty-mcp/");
        }
    }

    @Test
    void whoamiRefusesAnUnknownArgumentWithoutARequest() {
        try (InProcess s = demoServer()) {
            assertThat(s.error("whoami", Map.of("colection", "demo"))).contains("'colection'");
            assertThat(sandbox.requests().count()).isZero();
        }
    }

    @Test
    void withWhoamiAbsentACallNamingItsCollectionWorksAndWhoamiIsAskedOnce() {
        sandbox.switches().whoami(Whoami.ABSENT);
        try (InProcess s = demoServer()) {
            for (int i = 0; i < 4; i++) {
                JsonNode task = s.ok("get-task", Map.of("collection", "demo", "task", "text-echo"));
                assertThat(task.path("name").asText()).isEqualTo("text-echo");
            }
            assertThat(s.okText("list-tasks", Map.of("collection", "demo"))).contains("text-echo");
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
        try (InProcess s = demoServer()) {
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
        try (InProcess s = InProcess.builder().sandbox(sandbox).collections(Set.of("demo")).build()) {
            assertThat(s.ok("get-task", Map.of("task", "text-echo")).path("name").asText()).isEqualTo("text-echo");
            assertThat(s.okText("list-tasks", Map.of())).contains("text-echo");
            assertThat(s.okText("list-collections", Map.of())).contains("demo");
            s.ok("search-tasks", Map.of("query", "echo"));
            assertThat(sandbox.requests().all()).as("requests made").isNotEmpty();
            assertThat(whoamis()).isEmpty();
        }
    }

    @Test
    void aFailingWhoamiIsAskedAtMostOncePerWindowWhateverItAnswers() {
        for (Whoami mode : List.of(Whoami.SERVER_ERROR, Whoami.METHOD_NOT_ALLOWED, Whoami.REDIRECT, Whoami.HTML, Whoami.NO_FIELDS)) {
            sandbox.switches().whoami(mode);
            try (InProcess s = demoServer()) {
                sandbox.requests().clear();
                for (int i = 0; i < 3; i++) {
                    McpSchema.CallToolResult r = s.call("list-tasks", Map.of("collection", "demo"));
                    assertThat(r.isError()).as(mode + ": " + InProcess.text(r)).isFalse();
                }
                assertThat(whoamis()).as(mode.wire()).hasSize(1);
            }
        }
    }

    @Test
    void theWhoamiToolSaysUnknownAndStillMatchesItsSchema() throws Exception {
        sandbox.switches().whoami(Whoami.ABSENT);
        try (InProcess s = InProcess.builder().sandbox(sandbox).collections(Set.of("demo", "other")).build()) {
            McpSchema.CallToolResult r = s.call("whoami", Map.of());
            assertThat(r.isError()).as(InProcess.text(r)).isFalse();
            JsonNode who = InProcess.M.readTree(InProcess.text(r));
            assertThat(who.path("scope").asText()).isEqualTo("unknown");
            assertThat(who.path("scope_reason").asText()).contains("404");
            assertThat(who.path("allowed_collections").toString()).isEqualTo("[\"demo\",\"other\"]");
            assertThat(who.path("token").asText()).startsWith("mlc_...").doesNotContain(SandboxSeeds.DEMO_TOKEN);
            assertThat(who.path("base_url").asText()).isEqualTo(sandbox.baseUrl());
            assertThat(who.path("server_version").asText()).isNotBlank();
            assertThat(r.structuredContent()).as("structured copy, checked against the output schema").isInstanceOf(Map.class);
            McpSchema.Tool spec = s.tools().get("whoami").definition();
            for (Object required : (List<?>) spec.outputSchema().get("required")) {
                assertThat(who.has((String) required)).as("required " + required).isTrue();
            }
        }
        sandbox.switches().whoami(Whoami.NORMAL);
        try (InProcess s = demoServer()) {
            JsonNode who = s.ok("whoami", Map.of());
            assertThat(who.path("scope").asText()).isEqualTo("known");
            assertThat(who.path("collection_scope").asText()).isEqualTo("demo");
        }
    }
}
