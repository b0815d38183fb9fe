package io.jettymcp.tool;



import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jettymcp.api.ApiRequest;
import io.jettymcp.api.JettyApi;
import io.jettymcp.api.RetryPolicy;
import io.jettymcp.config.Token;
import io.jettymcp.guard.CollectionScope;
import io.jettymcp.guard.Tenant;
import io.jettymcp.sandbox.SandboxOptions;
import io.jettymcp.sandbox.SandboxServer;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Set;

/** A sandbox plus tool calls made in-process against it, for handler tests that assert on recorded requests. */
public final class OnSandbox implements AutoCloseable {

    public static final ObjectMapper M = new ObjectMapper();

    public final SandboxServer sandbox = SandboxServer.start(SandboxOptions.defaults());
    public final ToolContext ctx = TestContexts.context();

    public JettyApi api(String token) {
        return JettyApi.create(sandbox.baseUrl(), new Token(token, "t"), Duration.ofSeconds(2), Duration.ofSeconds(5),
                RetryPolicy.NONE, M, "t");
    }

    /** A call as {@code token}; {@code collection} is what the guard chain would have resolved (may be null). */
    public ToolCall call(String token, String collection, String argsJson) {
        JettyApi api = api(token);
        return new ToolCall(null, (ObjectNode) json(argsJson), collection,
                new Tenant(api, new CollectionScope(Set.of(), api)), ToolCall.Progress.NONE);
    }

    /** A finished run of {@code task} in demo, written through the ingest route. */
    public String ingestedRun(String token, String collection, String task) {
        return api(token).json(ApiRequest.json("POST", "/api/v1/trajectories/" + collection + "/" + task + "/ingest",
                M.createObjectNode().put("status", "completed"))).block().get("trajectory_id").asText();
    }

    public static JsonNode json(String s) {
        try {
            return M.readTree(s);
        } catch (java.io.IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        sandbox.close();
    }
}
