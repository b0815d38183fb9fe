package io.jettymcp.tool;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jettymcp.api.JettyApi;
import io.jettymcp.api.RetryPolicy;
import io.jettymcp.catalog.Catalog;
import io.jettymcp.config.Settings;
import io.jettymcp.config.Token;
import io.jettymcp.guard.ArgumentValidator;
import io.jettymcp.guard.CollectionScope;
import io.jettymcp.guard.EnvSecrets;
import io.jettymcp.guard.PolicyRules;
import io.jettymcp.guard.Tenant;
import io.jettymcp.guard.TenantSecrets;
import io.jettymcp.server.ExchangeContexts;
import io.jettymcp.tool.chain.CallContext;
import io.jettymcp.tool.chain.GuardChain;
import io.jettymcp.redact.Redactor;
import io.jettymcp.sandbox.SandboxOptions;
import io.jettymcp.sandbox.SandboxSeeds;
import io.jettymcp.sandbox.SandboxServer;
import io.jettymcp.spec.SpecLoader;
import io.jettymcp.spec.ToolSpec;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.server.McpAsyncServerExchange;
import io.modelcontextprotocol.spec.McpLoggableSession;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** What the person is asked to approve: the fields that matter first and whole, free text summarised, nothing hidden. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApprovalPromptTest {

    static final ObjectMapper M = new ObjectMapper();

    @TempDir
    static Path dir;
    SandboxServer sandbox;
    GuardChain chain;
    ExchangeContexts contexts;
    final Map<String, BoundTool> tools = new LinkedHashMap<>();
    /** The approval messages the client was shown; every one is declined. */
    final List<String> asked = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeAll
    void start() throws Exception {
        SandboxOptions d = SandboxOptions.defaults();
        sandbox = SandboxServer.start(new SandboxOptions(d.port(), d.seed(), 0));
        Settings settings = Settings.builder().baseUrl(sandbox.baseUrl()).token(new Token(SandboxSeeds.DEMO_TOKEN, "test"))
                .filesRoots(List.of(dir), true).downloadDir(dir).sandbox(true).build();
        Redactor redactor = new Redactor();
        ToolContext ctx = new ToolContext(settings, M, "test");
        Path policy = Files.writeString(dir.resolve("policy.json"), """
                {"default": "allow", "rules": [{"tools": ["create-routine"], "permission": "approval_required"}]}""");
        List<ToolSpec> specs = new SpecLoader(M).loadPackaged();
        ToolRegistry registry = new ToolRegistry(specs, Catalog.handlers(ctx, specs), new RestHandler(M), M);
        registry.bind(registry.select(settings), null).forEach(t -> tools.put(t.spec().name(), t));
        JettyApi api = JettyApi.create(settings.baseUrl(), settings.token(), settings.connectTimeout(),
                settings.responseTimeout(), RetryPolicy.NONE, M, "test");
        Tenant tenant = new Tenant(api, new CollectionScope(Set.of(), api));
        chain = new GuardChain(ctx, new ArgumentValidator(), PolicyRules.load(policy, M), new EnvSecrets());
        contexts = new ExchangeContexts(e -> tenant, new TenantSecrets());
    }

    @AfterAll
    void stop() {
        sandbox.close();
    }

    /**
     * A client that supports elicitation, records what it is asked, and declines. Its no-op methods are those of
     * server.StatelessExchange (a pair `duplicates` lists, justified): the SDK's session interface asks for them.
     */
    McpAsyncServerExchange client() {
        McpLoggableSession session = new McpLoggableSession() {
            @Override
            @SuppressWarnings("unchecked")
            public <T> Mono<T> sendRequest(String method, Object params, TypeRef<T> type) {
                asked.add(((McpSchema.ElicitRequest) params).message());
                return Mono.just((T) new McpSchema.ElicitResult(McpSchema.ElicitResult.Action.DECLINE, null, null));
            }

            @Override
            public Mono<Void> sendNotification(String method, Object params) {
                return Mono.empty();
            }

            @Override
            public Mono<Void> closeGracefully() {
                return Mono.empty();
            }

            @Override
            public void close() {
            }

            @Override
            public void setMinLoggingLevel(McpSchema.LoggingLevel level) {
            }

            @Override
            public boolean isNotificationForLevelAllowed(McpSchema.LoggingLevel level) {
                return false;
            }
        };
        McpSchema.ClientCapabilities caps = McpSchema.ClientCapabilities.builder().elicitation().build();
        return new McpAsyncServerExchange("s", session, caps, null, McpTransportContext.EMPTY);
    }

    Mono<McpSchema.CallToolResult> call(Map<String, Object> args) {
        McpSchema.CallToolRequest request = new McpSchema.CallToolRequest("create-routine", args);
        return chain.call(tools.get("create-routine"), contexts.of(client(), request), args);
    }

    @Test
    void aWebhookAfterLongHarmlessTextIsShownWholeAndNothingIsHidden() {
        String url = "https://hooks.attacker.example/collect?routine=nightly&token=" + "x".repeat(80);
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("collection", "demo");
        args.put("task", "judge");
        args.put("name", "nightly");
        args.put("init_params_overrides", Map.of("note", "Summarise the day's news politely. ".repeat(18) + "\u202Eevil"));
        args.put("cadence", Map.of("type", "daily", "hour_utc", 3));
        args.put("secret_params", Map.of("PROVIDER_KEY", "sk-verySecretValue0042"));
        args.put("webhook_url", url);
        args.put("webhook_secret", "whsec-anotherSecret0042");
        sandbox.requests().clear();

        McpSchema.CallToolResult r = call(args).block(Duration.ofSeconds(30));

        assertThat(r.isError()).isTrue();
        assertThat(((McpSchema.TextContent) r.content().get(0)).text()).contains("did not approve");
        assertThat(sandbox.requests().matching("POST", ".*")).isEmpty();
        assertThat(asked).hasSize(1);
        String prompt = asked.get(0);
        assertThat(prompt).contains("create-routine").contains("'demo'").contains(url).contains("nightly").contains("judge")
                .contains("hour_utc").contains("PROVIDER_KEY").contains("webhook_secret")
                .doesNotContain("sk-verySecretValue0042").doesNotContain("whsec-anotherSecret0042")
                .contains("characters"); // the long note is summarised with its size
        assertThat(prompt.indexOf(url)).as("the URL comes before the free text").isLessThan(prompt.indexOf("init_params_overrides"));
        assertThat(prompt.codePoints().filter(c -> Character.getType(c) == Character.FORMAT).count()).isZero();
    }
}
