package io.jettymcp.tools;

import com.fasterxml.jackson.databind.ObjectMapper;
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
import io.jettymcp.shape.DeepDocs;
import io.jettymcp.spec.SpecLoader;
import io.jettymcp.spec.ToolSpec;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** F8: a tool's answer is parsed and shaped off the Reactor Netty I/O threads, which serve every other call. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ShapingThreadTest {

    static final ObjectMapper M = new ObjectMapper();

    SandboxServer sandbox;
    GuardChain chain;
    final Map<String, BoundTool> tools = new LinkedHashMap<>();

    @BeforeAll
    void start() {
        sandbox = SandboxServer.start(SandboxOptions.defaults());
        Settings settings = Settings.builder().baseUrl(sandbox.baseUrl()).token(new Token(SandboxSeeds.DEMO_TOKEN, "test"))
                .downloadDir(Path.of("target/dl")).sandbox(true).build();
        Redactor redactor = new Redactor();
        ToolContext ctx = new ToolContext(settings, M, redactor, "test");
        List<ToolSpec> specs = new SpecLoader(M).loadPackaged();
        ToolRegistry registry = new ToolRegistry(specs, Handlers.all(ctx, specs), new RestHandler(M), M);
        registry.bind(registry.select(settings), null).forEach(t -> tools.put(t.spec().name(), t));
        JettyApi api = JettyApi.create(settings.baseUrl(), settings.token(), settings.connectTimeout(),
                settings.responseTimeout(), RetryPolicy.NONE, M, "test");
        Tenant tenant = new Tenant(api, new CollectionScope(Set.of(), api));
        chain = new GuardChain(ctx, new ArgumentValidator(), Policy.ALLOW_ALL, e -> tenant, new EnvSecrets());
    }

    @AfterAll
    void stop() {
        sandbox.close();
    }

    @Test
    void aDeepAnswerIsShapedOffTheNetworkThreads() {
        sandbox.faults().add(FaultRule.status("GET", "/api/v1/tasks/demo/deep", 200)
                .withBody(DeepDocs.nested(200, 1 << 20).toString()));
        McpSchema.CallToolResult r = chain.call(tools.get("get-task"), null,
                new McpSchema.CallToolRequest("get-task", Map.of("collection", "demo", "task", "deep"))).block(Duration.ofSeconds(60));
        String text = ((McpSchema.TextContent) r.content().get(0)).text();
        assertThat(r.isError()).as(text).isFalse();
        assertThat(text).contains("Output capped at 16 KB");
        assertThat(chain.shaper().lastThread()).as("thread that shaped the answer").doesNotStartWith("reactor-http");
    }
}
