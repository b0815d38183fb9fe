package io.jettymcp.tool;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jettymcp.api.ApiRequest;
import io.jettymcp.api.JettyApi;
import io.jettymcp.api.RetryPolicy;
import io.jettymcp.guard.Tenant;
import io.jettymcp.sandbox.FaultRule;
import io.jettymcp.sandbox.SandboxSeeds;
import io.jettymcp.sandbox.SandboxServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * F5: a collection's free text is shown only once that collection's environment was read by a request that
 * started no earlier than the call's own: a value set between two calls, in a 21st collection, or in a
 * collection whose environment could not be read is never shown.
 */
class NothingUncheckedTest {

    static final ObjectMapper M = new ObjectMapper();
    static final String SECRET = "s3cr3t-value-4d9f2b";

    /** no key of its own: each call is made as the tenant it names */
    final InProcess server = InProcess.builder().token(null).build();
    final SandboxServer sandbox = server.sandbox();

    Tenant tenant(String key) {
        return server.tenant(key, RetryPolicy.DEFAULT);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    String call(Tenant as, String tool, Map<String, Object> args) {
        return InProcess.text(server.call(as, tool, args));
    }

    static void send(JettyApi api, String method, String path, String body) throws Exception {
        api.json(ApiRequest.json(method, path, (ObjectNode) M.readTree(body))).block();
    }

    static String task(String name, String description) {
        return "{\"name\":\"" + name + "\",\"description\":\"" + description + "\",\"workflow\":{\"init_params\":{},"
                + "\"step_configs\":{\"echo\":{\"activity\":\"text_echo\"}},\"steps\":[\"echo\"]}}";
    }

    @Test
    void aValueSetBetweenTwoCallsIsMaskedInTheSecond() throws Exception {
        Tenant demo = tenant(SandboxSeeds.DEMO_TOKEN);
        send(demo.api(), "POST", "/api/v1/tasks/demo", task("leaky", "holds " + SECRET));
        assertThat(call(demo, "get-task", Map.of("collection", "demo", "task", "leaky"))).contains(SECRET); // not a secret yet
        send(demo.api(), "PATCH", "/api/v1/collections/demo/environment",
                "{\"environment_variables\":{\"NEW_KEY\":\"" + SECRET + "\"}}");
        assertThat(call(demo, "get-task", Map.of("collection", "demo", "task", "leaky"))).doesNotContain(SECRET)
                .contains("leaky");
    }

    @Test
    void whenTheEnvironmentCannotBeReadEachFreeTextIsWithheldWithANote() throws Exception {
        Tenant demo = tenant(SandboxSeeds.DEMO_TOKEN);
        send(demo.api(), "PATCH", "/api/v1/collections/demo/environment",
                "{\"environment_variables\":{\"NEW_KEY\":\"" + SECRET + "\"}}");
        send(demo.api(), "POST", "/api/v1/tasks/demo", task("leaky", "holds " + SECRET));
        sandbox.faults().add(FaultRule.status("GET", "/api/v1/collections/demo/environment", 503));
        String out = call(demo, "get-task", Map.of("collection", "demo", "task", "leaky"));
        assertThat(out).doesNotContain(SECRET)
                .contains("[withheld: the secrets of collection 'demo' could not be checked (503)]")
                .contains("\"name\":\"leaky\"");
        JsonNode tree = M.readTree(out);
        assertThat(tree.path("description").asText()).isEqualTo("[withheld: the secrets of collection 'demo' could not be checked (503)]");
        assertThat(tree.path("withheld").asText()).contains("demo").contains("503");
        // nothing unchecked was cached as learned: once the read works, the value is masked, not withheld
        sandbox.faults().clear();
        String again = call(demo, "get-task", Map.of("collection", "demo", "task", "leaky"));
        assertThat(again).doesNotContain(SECRET).doesNotContain("withheld").contains("[REDACTED]");
    }

    @Test
    void aValueInThe21stCollectionIsNeverShown() throws Exception {
        Tenant user = tenant(SandboxSeeds.USER_TOKEN);
        for (int i = 1; i <= 21; i++) {
            send(user.api(), "POST", "/api/v1/collections/", "{\"name\":\"zz-many-" + String.format("%02d", i) + "\"}");
        }
        List<String> listed = new java.util.ArrayList<>();
        user.api().json(ApiRequest.get("/api/v1/collections/").withQuery("limit", 100)).block()
                .forEach(c -> listed.add(c.path("name").asText()));
        List<String> first20 = new java.util.ArrayList<>();
        user.api().json(ApiRequest.get("/api/v1/collections/").withQuery("limit", 20)).block()
                .forEach(c -> first20.add(c.path("name").asText()));
        listed.removeAll(first20);
        assertThat(listed).as("collections past the first 20 listed").isNotEmpty();
        String last = listed.get(0);
        send(user.api(), "PATCH", "/api/v1/collections/" + last + "/environment",
                "{\"environment_variables\":{\"KEY\":\"" + SECRET + "\"}}");
        String doc = task("needle-task", "holds " + SECRET);
        send(user.api(), "POST", "/api/v1/tasks/" + last, doc.substring(0, doc.length() - 1)
                + ",\"croissant_metadata\":{\"description\":\"holds " + SECRET + "\"}}");
        String out = call(user, "search-tasks", Map.of("query", "needle-task"));
        assertThat(out).contains("needle-task").contains(last).doesNotContain(SECRET);
    }
}
