package io.jettymcp.tool;

import com.fasterxml.jackson.databind.JsonNode;
import io.jettymcp.sandbox.SandboxOptions;
import io.jettymcp.sandbox.SandboxSeeds;
import io.jettymcp.sandbox.SandboxServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Collection scope: pinned by JETTY_COLLECTIONS, intersected with a user token, refused without requests. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScopeTest {

    SandboxServer sandbox;

    @BeforeAll
    void start() {
        sandbox = SandboxServer.start(SandboxOptions.defaults());
    }

    @AfterAll
    void stop() {
        sandbox.close();
    }

    /** The server as the CLI builds it with this key and JETTY_COLLECTIONS (tools pinned to a lone collection). */
    private InProcess server(String token, Set<String> collections) {
        return InProcess.builder().sandbox(sandbox).token(token).collections(collections).pinned(true).build();
    }

    @Test
    void pinnedToOneCollectionTheArgumentDisappearsAndIsInjected() {
        InProcess s = server(SandboxSeeds.DEMO_TOKEN, Set.of("demo"));
        assertThat(s.tools()).isNotEmpty().doesNotContainKey("create-collection");
        s.tools().values().forEach(t -> assertThat(t.definition().inputSchema().toString()).as(t.spec().name())
                .doesNotContain("collection="));
        sandbox.requests().clear();
        JsonNode out = s.ok("get-task", Map.of("task", "text-echo"));
        assertThat(out.path("name").asText()).isEqualTo("text-echo");
        assertThat(sandbox.requests().matching("GET", "/api/v1/tasks/demo/text-echo")).hasSize(1);
        assertThat(s.error("get-task", Map.of("collection", "acme", "task", "x"))).contains("'collection'").contains("not an argument");
    }

    @Test
    void userTokenWithConfiguredCollectionsIsNarrowedWithoutNetwork() {
        InProcess s = server(SandboxSeeds.USER_TOKEN, Set.of("demo", "acme"));
        assertThat(s.tools()).doesNotContainKey("create-collection");
        sandbox.requests().clear();
        assertThat(s.error("list-tasks", Map.of("collection", "other"))).contains("outside").contains("[acme, demo]");
        assertThat(sandbox.requests().count()).isZero();
        JsonNode cols = s.ok("list-collections", Map.of());
        assertThat(cols.path("collections").findValuesAsText("name")).containsExactlyInAnyOrder("demo", "acme");
        assertThat(s.error("list-tasks", Map.of())).contains("'collection'").contains("one of [acme, demo]");
    }

    @Test
    void unscopedUserTokenCanCreateCollectionsAndMustNameOne() {
        InProcess s = server(SandboxSeeds.USER_TOKEN, Set.of());
        assertThat(s.tools()).containsKey("create-collection");
        assertThat(s.error("list-tasks", Map.of())).contains("'collection'").contains("list-collections");
        JsonNode made = s.ok("create-collection", Map.of("name", "scope-e2e", "description", "x"));
        assertThat(made.path("name").asText()).isEqualTo("scope-e2e");
        assertThat(sandbox.requests().matching("POST", "/api/v1/collections.*")).isNotEmpty();
        assertThat(s.ok("list-tasks", Map.of("collection", "other")).path("count").asInt()).isGreaterThanOrEqualTo(0);
    }

    @Test
    void keyScopeAndConfiguredCollectionsThatDisagreeAreExplained() {
        InProcess s = server(SandboxSeeds.ACME_TOKEN, Set.of("demo", "other"));
        // JETTY_COLLECTIONS needs no whoami: Jetty's own 403 judges the key, and is explained
        sandbox.requests().clear();
        assertThat(s.error("list-tasks", Map.of("collection", "demo"))).contains("403").contains("another collection");
        assertThat(sandbox.requests().matching("GET", "/api/v1/auth/whoami")).isEmpty();
    }

    @Test
    void anUploadIntoTheKeysOwnCollectionOutsideJettyCollectionsIsRefusedBeforeItIsSent(@TempDir Path dir) throws Exception {
        Path csv = Files.writeString(dir.resolve("in.csv"), "a,b\n");
        InProcess s = InProcess.builder().sandbox(sandbox).token(SandboxSeeds.ACME_TOKEN).collections(Set.of("demo"))
                .pinned(true).settings(b -> b.filesRoots(List.of(dir), true)).build();
        sandbox.requests().clear();
        // uploads land in the key's own collection (acme), which JETTY_COLLECTIONS does not include
        assertThat(s.error("upload-file", Map.of("paths", List.of(csv.toString())))).contains("'acme'").contains("outside");
        assertThat(sandbox.requests().matching("POST", "/api/v1/sandbox/upload")).isEmpty();
    }
}
