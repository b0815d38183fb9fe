package io.jettymcp.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class CollectionsTest extends SandboxTestBase {

    @Test
    void keySeesOnlyItsCollectionUserSeesAll() {
        JsonNode k = http.get("/api/v1/collections/", DEMO).json();
        assertThat(k.isArray()).isTrue();
        assertThat(k).hasSize(1);
        assertThat(k.get(0).get("name").asText()).isEqualTo("demo");
        assertThat(k.get(0).has("environment_variables")).isFalse();
        JsonNode u = http.get("/api/v1/collections/?skip=1&limit=1", USER).json();
        assertThat(u).hasSize(1);
        assertThat(u.get(0).get("name").asText()).isEqualTo("acme");
        Http.Resp bad = http.get("/api/v1/collections/?skip=-1", USER);
        assertThat(bad.status()).isEqualTo(422);
        assertThat(bad.json().get("detail").isArray()).isTrue();
        assertThat(bad.json().at("/detail/0/loc/1").asText()).isEqualTo("skip");
    }

    @Test
    void getAndNotFound() {
        JsonNode c = http.get("/api/v1/collections/demo", DEMO).json();
        assertThat(c.fieldNames()).toIterable().containsExactlyInAnyOrder("id", "name", "description", "auth_org_id",
                "owner_identifier");
        Http.Resp r = http.get("/api/v1/collections/nope", USER);
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.detail()).isEqualTo("Collection not found");
    }

    @Test
    void createNeedsUserTokenAndRejectsDuplicates() {
        Http.Resp k = http.post("/api/v1/collections/", DEMO, "{\"name\":\"mine\"}");
        assertThat(k.status()).isEqualTo(403);
        assertThat(k.detail()).contains("user token");
        Http.Resp ok = http.post("/api/v1/collections/", USER, "{\"name\":\"mine\",\"description\":\"d\"}");
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.json().get("name").asText()).isEqualTo("mine");
        Http.Resp dup = http.post("/api/v1/collections/", USER, "{\"name\":\"MINE\"}");
        assertThat(dup.status()).isEqualTo(400);
        assertThat(dup.detail()).isEqualTo("Collection already exists");
        assertThat(http.post("/api/v1/collections/", USER, "{}").status()).isEqualTo(422);
        assertThat(http.post("/api/v1/collections/", READER, "{\"name\":\"r\"}").detail())
                .isEqualTo("Access level WRITE required.");
    }

    @Test
    void envMergeAndNullDeletes() {
        JsonNode env = http.get("/api/v1/collections/demo/environment", DEMO).json().get("environment_variables");
        assertThat(env.get("OPENROUTER_API_KEY").asText()).isEqualTo(SandboxSeeds.DEMO_OPENROUTER_KEY);
        assertThat(env.get("PLAIN_SETTING").asText()).isEqualTo("hello");
        JsonNode after = http.json("PATCH", "/api/v1/collections/demo/environment", DEMO,
                "{\"environment_variables\":{\"NEW\":\"v\",\"PLAIN_SETTING\":null}}").json().get("environment_variables");
        assertThat(after.has("PLAIN_SETTING")).isFalse();
        assertThat(after.get("NEW").asText()).isEqualTo("v");
        assertThat(after.get("OPENROUTER_API_KEY").asText()).isEqualTo(SandboxSeeds.DEMO_OPENROUTER_KEY);
    }

    @Test
    void envStoreNullSwitchKeepsTheKey() {
        sandbox.switches().envStoreNull(true);
        JsonNode after = http.json("PATCH", "/api/v1/collections/demo/environment", DEMO,
                "{\"environment_variables\":{\"PLAIN_SETTING\":null}}").json().get("environment_variables");
        assertThat(after.has("PLAIN_SETTING")).isTrue();
        assertThat(after.get("PLAIN_SETTING").isNull()).isTrue();
    }

    @Test
    void envNullWipesEverythingAndBadValuesAre422() {
        JsonNode after = http.json("PATCH", "/api/v1/collections/demo/environment", DEMO,
                "{\"environment_variables\":null}").json().get("environment_variables");
        assertThat(after.size()).isZero();
        assertThat(http.json("PATCH", "/api/v1/collections/demo/environment", DEMO,
                "{\"environment_variables\":{\"N\":5}}").status()).isEqualTo(422);
        assertThat(http.json("PATCH", "/api/v1/collections/demo/environment", DEMO, "not json").status()).isEqualTo(422);
    }

    @Test
    void datasetsAndModelsAreBareArrays() {
        JsonNode d = http.get("/api/v1/datasets/demo", DEMO).json();
        assertThat(d.isArray()).isTrue();
        assertThat(d.get(0).get("entity_type").asText()).isEqualTo("dataset");
        assertThat(http.get("/api/v1/models/demo/", DEMO).json()).hasSize(2);
        assertThat(http.get("/api/v1/models/acme/", ACME).json()).isEmpty();
    }
}
