package io.jettymcp.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jettymcp.api.ApiRequest;
import io.jettymcp.api.JettyApi;
import io.jettymcp.api.RetryPolicy;
import io.jettymcp.config.Settings;
import io.jettymcp.config.Token;
import io.jettymcp.guard.ArgumentValidator;
import io.jettymcp.guard.CollectionScope;
import io.jettymcp.guard.EnvSecrets;
import io.jettymcp.guard.Policy;
import io.jettymcp.guard.Tenant;
import io.jettymcp.redact.Redactor;
import io.jettymcp.sandbox.FaultRule;
import io.jettymcp.sandbox.SandboxOptions;
import io.jettymcp.sandbox.SandboxSeeds;
import io.jettymcp.sandbox.SandboxServer;
import io.jettymcp.spec.SpecLoader;
import io.jettymcp.spec.ToolSpec;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * F5: a collection's free text is shown only once that collection's environment was read by a request that
 * started no earlier than the call's own: a value set between two calls, in a 21st collection, or in a
 * collection whose environment could not be read is never shown.
 */
class NothingUncheckedTest {

    static final ObjectMapper M = new ObjectMapper();
    static final String SECRET = "s3cr3t-value-4d9f2b";

    final SandboxServer sandbox = SandboxServer.start(SandboxOptions.defaults());
    final Map<String, BoundTool> tools = new HashMap<>();
    final GuardChain chain;
    Tenant current;

    NothingUncheckedTest() {
        Settings settings = Settings.builder().baseUrl(sandbox.baseUrl()).downloadDir(Path.of("target/dl")).sandbox(true).build();
        ToolContext ctx = new ToolContext(settings, M, new Redactor(), "test");
        List<ToolSpec> specs = new SpecLoader(M).loadPackaged();
        ToolRegistry registry = new ToolRegistry(specs, Handlers.all(ctx, specs), new RestHandler(M), M);
        registry.bind(registry.select(settings), null).forEach(t -> tools.put(t.spec().name(), t));
        chain = new GuardChain(ctx, new ArgumentValidator(), Policy.ALLOW_ALL, e -> current, new EnvSecrets());
    }

    Tenant tenant(String key) {
        JettyApi api = JettyApi.create(sandbox.baseUrl(), new Token(key, "t"), Duration.ofSeconds(2), Duration.ofSeconds(10),
                RetryPolicy.DEFAULT, M, "t");
        return new Tenant(api, new CollectionScope(Set.of(), api));
    }

    @AfterEach
    void stop() {
        sandbox.close();
    }

    String call(Tenant as, String tool, Map<String, Object> args) {
        current = as;
        McpSchema.CallToolResult r = chain.call(tools.get(tool), null, new McpSchema.CallToolRequest(tool, args))
                .block(Duration.ofSeconds(30));
        return ((McpSchema.TextContent) r.content().get(0)).text();
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
