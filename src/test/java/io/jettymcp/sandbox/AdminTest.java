package io.jettymcp.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AdminTest extends SandboxTestBase {

    @Test
    void clockSwitchesAndReset() {
        Instant before = sandbox.clock().now();
        JsonNode adv = http.post("/__sim/clock/advance", null, "{\"seconds\":3600}").json();
        assertThat(Instant.parse(adv.get("now").asText())).isAfterOrEqualTo(before.truncatedTo(java.time.temporal.ChronoUnit.MILLIS).plusSeconds(3600));
        assertThat(http.post("/__sim/clock/advance", null, "{\"seconds\":-1}").status()).isEqualTo(422);

        JsonNode sw = http.post("/__sim/switches", null, "{\"env_store_null\":true,\"runSyncHoldSeconds\":2.5,"
                + "\"blocked_user_agents\":[\"curl\"]}").json();
        assertThat(sw.get("env_store_null").asBoolean()).isTrue();
        assertThat(sw.get("run_sync_hold_seconds").asDouble()).isEqualTo(2.5);
        assertThat(sandbox.switches().envStoreNull()).isTrue();
        assertThat(http.post("/__sim/switches", null, "{\"nope\":1}").status()).isEqualTo(422);

        http.post("/api/v1/tasks/demo", DEMO, "{\"name\":\"tmp\",\"workflow\":{\"steps\":[]}}");
        assertThat(http.post("/__sim/reset", null, "").status()).isEqualTo(200);
        assertThat(http.get("/api/v1/tasks/demo/tmp", DEMO).status()).isEqualTo(404);
        assertThat(sandbox.switches().envStoreNull()).isFalse();
        assertThat(sandbox.requests().count()).isEqualTo(1);
    }

    @Test
    void seedView() {
        JsonNode seed = http.get("/__sim/seed", null).json();
        assertThat(seed.at("/tokens/demo").asText()).isEqualTo(SandboxSeeds.DEMO_TOKEN);
        assertThat(seed.get("collections")).extracting(n -> n.get("name").asText()).containsExactly("demo", "acme", "other");
    }

    @Test
    void connectedAccountsNeedUserToken() {
        assertThat(http.get("/api/v1/connected-accounts", DEMO).status()).isEqualTo(403);
        assertThat(http.get("/api/v1/connected-accounts", USER).json().isArray()).isTrue();
        assertThat(http.post("/api/v1/connected-accounts/codex/begin", USER, "").json().has("authorize_url")).isTrue();
    }
}
