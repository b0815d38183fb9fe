package io.jettymcp.catalog.collections;

import com.fasterxml.jackson.databind.JsonNode;
import io.jettymcp.catalog.ToolsetTestBase;
import io.jettymcp.sandbox.RecordedRequest;
import io.jettymcp.sandbox.SandboxSeeds;
import io.jettymcp.tool.InProcess;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** tool-specs/collections through the real registry and chain, against an in-process sandbox, with demo's API key. */
class CollectionsToolsetTest extends ToolsetTestBase {

    @Test
    void everyToolIsPublishedWithTitleAndAllFourAnnotations() {
        definitionsAreComplete(server, "collections", "list-collections", "get-collection", "create-collection");
    }

    @Test
    void listCollectionsShowsOnlyTheKeysCollection() {
        JsonNode out = server.ok("list-collections", Map.of());
        assertThat(out.path("collections").findValuesAsText("name")).containsExactly("demo");
        assertThat(sandbox.requests().matching("GET", "/api/v1/collections/")).hasSize(1);
    }

    @Test
    void listCollectionsPassesPagingOnTheWire() {
        server.ok("list-collections", Map.of("skip", 0, "limit", 5));
        RecordedRequest req = sandbox.requests().matching("GET", "/api/v1/collections/").get(0);
        assertThat(req.query()).contains("skip=0").contains("limit=5");
    }

    @Test
    void listCollectionsRefusesABadLimitWithoutARequest() {
        assertThat(server.error("list-collections", Map.of("limit", 0))).contains("'limit'").contains("at least 1");
        assertThat(sandbox.requests().count()).isZero();
    }

    @Test
    void getCollectionDefaultsToTheKeysCollection() {
        JsonNode out = server.ok("get-collection", Map.of());
        assertThat(out.path("name").asText()).isEqualTo("demo");
        assertThat(sandbox.requests().matching("GET", "/api/v1/collections/demo")).hasSize(1);
    }

    @Test
    void getCollectionOutsideTheKeysScopeIsRefusedWithoutARequest() {
        assertThat(server.error("get-collection", Map.of("collection", "other"))).contains("outside");
        assertThat(sandbox.requests().matching("*", "/api/v1/collections/other.*")).isEmpty();
    }

    @Test
    void createCollectionIsRefusedForAnApiKeyWithoutARequest() {
        String err = server.error("create-collection", Map.of("name", "new-one"));
        assertThat(err).contains("user (account) token");
        assertThat(sandbox.requests().matching("POST", "/api/v1/collections.*")).isEmpty();
    }

    @Test
    void createCollectionWithAUserTokenPostsNameAndDescription() {
        try (InProcess user = InProcess.builder().sandbox(sandbox).token(SandboxSeeds.USER_TOKEN).build()) {
            JsonNode made = user.ok("create-collection", Map.of("name", "made-here", "description", "by a test"));
            assertThat(made.path("name").asText()).isEqualTo("made-here");
            RecordedRequest post = sandbox.requests().matching("POST", "/api/v1/collections/").get(0);
            assertThat(post.bodyJson().toString()).isEqualTo("{\"name\":\"made-here\",\"description\":\"by a test\"}");
            assertThat(post.header("authorization")).isEqualTo("Bearer " + SandboxSeeds.USER_TOKEN);
        }
    }
}
