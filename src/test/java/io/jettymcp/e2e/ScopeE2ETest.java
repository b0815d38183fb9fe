package io.jettymcp.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.jettymcp.e2e.support.ServerProcess;
import io.jettymcp.e2e.support.SandboxTest;
import io.jettymcp.sandbox.SandboxSeeds;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Collection scope: pinned by JETTY_COLLECTIONS, intersected with a user token, refused without requests. */
class ScopeE2ETest extends SandboxTest {

    @Test
    void pinnedToOneCollectionTheArgumentDisappearsAndIsInjected() {
        try (ServerProcess s = demoServer()
                .env("JETTY_COLLECTIONS", "demo").start()) {
            for (McpSchema.Tool t : s.tools()) {
                assertThat(t.inputSchema().toString()).as(t.name()).doesNotContain("collection=");
                assertThat(t.name()).isNotEqualTo("create-collection");
            }
            sandbox.requests().clear();
            JsonNode out = s.ok("get-task", Map.of("task", "text-echo"));
            assertThat(out.path("name").asText()).isEqualTo("text-echo");
            assertThat(sandbox.requests().matching("GET", "/api/v1/tasks/demo/text-echo")).hasSize(1);
            String err = s.error("get-task", Map.of("collection", "acme", "task", "x"));
            assertThat(err).contains("'collection'").contains("not an argument");
        }
    }

    @Test
    void userTokenWithConfiguredCollectionsIsNarrowedWithoutNetwork() {
        try (ServerProcess s = serverFor(SandboxSeeds.USER_TOKEN)
                .env("JETTY_COLLECTIONS", "demo,acme").start()) {
            assertThat(s.tools()).extracting(McpSchema.Tool::name).doesNotContain("create-collection");
            sandbox.requests().clear();
            String err = s.error("list-tasks", Map.of("collection", "other"));
            assertThat(err).contains("outside").contains("[acme, demo]");
            assertThat(sandbox.requests().count()).isZero();
            JsonNode cols = s.ok("list-collections", Map.of());
            assertThat(cols.path("collections").findValuesAsText("name")).containsExactlyInAnyOrder("demo", "acme");
            assertThat(s.error("list-tasks", Map.of())).contains("'collection'").contains("one of [acme, demo]");
        }
    }

    @Test
    void unscopedUserTokenCanCreateCollectionsAndMustNameOne() {
        try (ServerProcess s = serverFor(SandboxSeeds.USER_TOKEN).start()) {
            assertThat(s.error("list-tasks", Map.of())).contains("'collection'").contains("list-collections");
            JsonNode made = s.ok("create-collection", Map.of("name", "scope-e2e", "description", "x"));
            assertThat(made.path("name").asText()).isEqualTo("scope-e2e");
            assertThat(s.ok("list-tasks", Map.of("collection", "other")).path("count").asInt()).isGreaterThanOrEqualTo(0);
        }
    }

    @Test
    void keyScopeAndConfiguredCollectionsThatDisagreeAreExplained() {
        try (ServerProcess s = serverFor(SandboxSeeds.ACME_TOKEN)
                .env("JETTY_COLLECTIONS", "demo,other").start()) {
            // JETTY_COLLECTIONS needs no whoami: Jetty's own 403 judges the key, and is explained
            sandbox.requests().clear();
            String err = s.error("list-tasks", Map.of("collection", "demo"));
            assertThat(err).contains("403").contains("another collection");
            assertThat(sandbox.requests().matching("GET", "/api/v1/auth/whoami")).isEmpty();
        }
    }

    @Test
    void anUploadIntoTheKeysOwnCollectionOutsideJettyCollectionsIsRefusedBeforeItIsSent() throws Exception {
        java.nio.file.Path home = java.nio.file.Files.createTempDirectory("scope-upload");
        java.nio.file.Files.writeString(home.resolve("in.csv"), "a,b\n");
        try (ServerProcess s = serverFor(SandboxSeeds.ACME_TOKEN).home(home).env("JETTY_COLLECTIONS", "demo").start()) {
            sandbox.requests().clear();
            // uploads land in the key's own collection (acme), which JETTY_COLLECTIONS does not include
            String err = s.error("upload-file", Map.of("paths", java.util.List.of("~/in.csv")));
            assertThat(err).contains("'acme'").contains("outside");
            assertThat(sandbox.requests().matching("POST", "/api/v1/sandbox/upload")).isEmpty();
        }
    }
}
