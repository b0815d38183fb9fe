package io.jettymcp.tool;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jettymcp.config.Settings;
import io.jettymcp.config.Token;
import io.jettymcp.e2e.support.RawHttp;
import io.jettymcp.guard.ApprovalStates;
import io.jettymcp.guard.Secrets;
import io.jettymcp.sandbox.SandboxOptions;
import io.jettymcp.sandbox.SandboxSeeds;
import io.jettymcp.sandbox.SandboxServer;
import io.jettymcp.server.JettyMcpServer;
import io.jettymcp.transport.http.HttpOptions;
import io.jettymcp.transport.http.McpHttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Approval in the 2026-07-28 era (issue 16 item 4): a call the policy wants approved is answered input_required with
 * a signed request state; the retry with the person's answer runs it, on this replica or another with the same key,
 * once per replica; a tampered state or one for other arguments is refused, and nothing reaches Jetty until approved.
 */
class ModernApprovalTest {

    static final ObjectMapper M = new ObjectMapper();
    static final String META = "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
            + "\"io.modelcontextprotocol/clientCapabilities\":{\"elicitation\":{}},"
            + "\"io.modelcontextprotocol/clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}";
    static final String KEY = "a-key-both-replicas-share-0123456789abcdef";
    @TempDir
    static Path dir;
    static SandboxServer sandbox;
    static McpHttpServer a;
    static McpHttpServer b;

    @BeforeAll
    static void start() throws Exception {
        sandbox = SandboxServer.start(SandboxOptions.defaults());
        Path policy = Files.writeString(dir.resolve("policy.json"), """
                {"default": "allow", "rules": [{"tools": ["update-task"], "permission": "approval_required"}]}""");
        a = replica(policy);
        b = replica(policy);
    }

    static McpHttpServer replica(Path policy) {
        Settings settings = Settings.builder().baseUrl(sandbox.baseUrl()).token(new Token(SandboxSeeds.DEMO_TOKEN, "test"))
                .downloadDir(Path.of("target/dl")).sandbox(true).build();
        return McpHttpServer.start(HttpOptions.loopback(0), new JettyMcpServer(settings, new Secrets(), policy, null), null,
                ApprovalStates.key(KEY));
    }

    @AfterAll
    static void stop() {
        a.close();
        b.close();
        sandbox.close();
    }

    static JsonNode call(McpHttpServer server, int id, String description, String state, Boolean approve) throws Exception {
        RawHttp.Response r = send(server, id, description, state, approve);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return M.readTree(r.body()).path("result");
    }

    static RawHttp.Response send(McpHttpServer server, int id, String description, String state, Boolean approve)
            throws Exception {
        String retry = state == null ? "" : ",\"requestState\":" + M.writeValueAsString(state)
                + ",\"inputResponses\":{\"approval\":{\"action\":\"accept\",\"content\":{\"approve\":" + approve + "}}}";
        RawHttp.Response r = RawHttp.send(server.port(), "POST", "/mcp", Map.of("MCP-Protocol-Version", "2026-07-28",
                "Mcp-Method", "tools/call", "Mcp-Name", "update-task"), "{\"jsonrpc\":\"2.0\",\"id\":" + id
                + ",\"method\":\"tools/call\",\"params\":{\"name\":\"update-task\",\"arguments\":{\"task\":\"judge\","
                + "\"description\":\"" + description + "\"}" + retry + "," + META + "}}");
        return r;
    }

    static int puts() {
        return sandbox.requests().matching("PUT", ".*").size();
    }

    @Test
    void approvedOnOneReplicaTheRetryRunsOnAnotherOnceAndNothingRunsBefore() throws Exception {
        int before = puts();
        JsonNode asked = call(a, 1, "approved change", null, null);
        assertThat(asked.path("resultType").asText()).as(asked.toString()).isEqualTo("input_required");
        JsonNode question = asked.path("inputRequests").path("approval");
        assertThat(question.toString()).contains("update-task").doesNotContain(SandboxSeeds.DEMO_TOKEN);
        String state = asked.path("requestState").asText();
        assertThat(state).isNotBlank().doesNotContain("approved change");
        assertThat(puts()).as("nothing sent before the approval").isEqualTo(before);

        JsonNode done = call(b, 2, "approved change", state, true);
        assertThat(done.path("resultType").asText()).as(done.toString()).isEqualTo("complete");
        assertThat(done.path("isError").asBoolean(false)).as(done.toString()).isFalse();
        assertThat(done.toString()).contains("approved change");
        assertThat(puts()).isEqualTo(before + 1);

        JsonNode replay = call(b, 3, "approved change", state, true);
        assertThat(replay.path("isError").asBoolean()).as(replay.toString()).isTrue();
        assertThat(replay.toString()).contains("already used");
        assertThat(puts()).as("a replay sends nothing").isEqualTo(before + 1);
    }

    @Test
    void aTamperedStateAStateForOtherArgumentsOrANoAreRefusedWithoutARequest() throws Exception {
        String state = call(a, 10, "first", null, null).path("requestState").asText();
        int before = puts();
        // the SDK opens the state first (same key, HMAC) and refuses a tampered one as invalid params
        RawHttp.Response tampered = send(a, 11, "first", state.substring(0, state.length() - 2) + "xx", true);
        assertThat(tampered.status()).as(tampered.body()).isEqualTo(400);
        assertThat(M.readTree(tampered.body()).path("error").path("code").asInt()).as(tampered.body()).isEqualTo(-32602);
        JsonNode other = call(a, 12, "something else", state, true);
        assertThat(other.path("isError").asBoolean()).as(other.toString()).isTrue();
        String fresh = call(a, 13, "declined", null, null).path("requestState").asText();
        JsonNode no = call(a, 14, "declined", fresh, false);
        assertThat(no.path("isError").asBoolean()).as(no.toString()).isTrue();
        assertThat(no.toString()).contains("did not approve");
        assertThat(puts()).isEqualTo(before);
    }
}
