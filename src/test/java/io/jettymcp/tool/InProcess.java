package io.jettymcp.tool;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jettymcp.api.JettyApi;
import io.jettymcp.api.RetryPolicy;
import io.jettymcp.catalog.Catalog;
import io.jettymcp.config.Settings;
import io.jettymcp.config.Token;
import io.jettymcp.guard.ArgumentValidator;
import io.jettymcp.guard.CollectionScope;
import io.jettymcp.guard.EnvSecrets;
import io.jettymcp.guard.Policy;
import io.jettymcp.guard.PolicyRules;
import io.jettymcp.guard.Tenant;
import io.jettymcp.guard.TenantSecrets;
import io.jettymcp.redact.Redactor;
import io.jettymcp.sandbox.SandboxOptions;
import io.jettymcp.sandbox.SandboxSeeds;
import io.jettymcp.sandbox.SandboxServer;
import io.jettymcp.spec.SpecLoader;
import io.jettymcp.spec.ToolSpec;
import io.jettymcp.tool.chain.CallContext;
import io.jettymcp.tool.chain.GuardChain;
import io.modelcontextprotocol.server.McpAsyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real registry and guard chain, called in-process against an in-process sandbox: what the server does for a
 * tools/call, minus the transport. Build with {@link #builder()}; close to stop a sandbox it started.
 */
public final class InProcess implements AutoCloseable {

    public static final ObjectMapper M = new ObjectMapper();

    private final SandboxServer sandbox;
    private final boolean ownsSandbox;
    private final ToolContext ctx;
    private final Map<String, BoundTool> tools;
    private final Tenant tenant;
    private final GuardChain chain;
    private final Function<McpAsyncServerExchange, Tenant> tenants;
    /** the server's own secrets (its token): what redacts a failure before the tenant is known */
    private final TenantSecrets serverSecrets = new TenantSecrets();
    /** the tenant of the next call; {@link #call(Tenant, String, Map)} sets it, as a per-request key would */
    private volatile Tenant current;

    private InProcess(Builder b) {
        ownsSandbox = b.sandbox == null;
        sandbox = ownsSandbox ? SandboxServer.start(b.options) : b.sandbox;
        Settings.Builder sb = Settings.builder().baseUrl(sandbox.baseUrl()).collections(b.collections)
                .downloadDir(Path.of("target/dl")).sandbox(true);
        if (b.token != null) {
            sb.token(new Token(b.token, "test"));
        }
        b.settings.accept(sb);
        Settings settings = sb.build();
        ctx = new ToolContext(settings, M, "test");
        List<ToolSpec> specs = new SpecLoader(M).loadPackaged();
        ToolRegistry registry = new ToolRegistry(specs, Catalog.handlers(ctx, specs), new RestHandler(M), M);
        Map<String, BoundTool> bound = new LinkedHashMap<>();
        registry.bind(registry.select(settings, b.listed), b.pinned ? settings.pinnedCollection() : null).forEach(t -> bound.put(t.spec().name(), t));
        tools = Collections.unmodifiableMap(bound);
        if (b.token != null) {
            JettyApi api = JettyApi.create(settings.baseUrl(), settings.token(), settings.connectTimeout(),
                    settings.responseTimeout(), b.retry, M, "test");
            tenant = new Tenant(api, new CollectionScope(b.collections, api));
        } else {
            tenant = null;
        }
        current = tenant;
        tenants = b.tenants != null ? b.tenants : e -> current;
        if (b.token != null) {
            serverSecrets.registerKey(b.token);
        }
        chain = new GuardChain(ctx, new ArgumentValidator(), b.policy, new EnvSecrets());
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Named options for the set-up; its setters share one shape (a pair `duplicates` lists, justified: a builder's). */
    public static final class Builder {
        private SandboxOptions options = SandboxOptions.defaults();
        private SandboxServer sandbox;
        private String token = SandboxSeeds.DEMO_TOKEN;
        private Set<String> collections = Set.of();
        private Policy policy = Policy.ALLOW_ALL;
        private Predicate<String> listed = tool -> true;
        private Consumer<Settings.Builder> settings = s -> { };
        private Redactor redactor;
        private Function<McpAsyncServerExchange, Tenant> tenants;
        private RetryPolicy retry = RetryPolicy.NONE;
        private boolean pinned;

        /** Options of the sandbox this harness starts (and stops on close). */
        public Builder options(SandboxOptions v) {
            options = v;
            return this;
        }

        /** A sandbox shared with other harnesses: used as is, never closed here. */
        public Builder sandbox(SandboxServer v) {
            sandbox = v;
            return this;
        }

        /** The server's Jetty key (demo's by default); null for a server without one, whose calls name a tenant. */
        public Builder token(String v) {
            token = v;
            return this;
        }

        /** JETTY_COLLECTIONS. */
        public Builder collections(Set<String> v) {
            collections = v;
            return this;
        }

        public Builder policy(Policy v) {
            policy = v;
            return this;
        }

        /** A policy file's rules, which also decide which tools are listed. */
        public Builder policy(PolicyRules v) {
            policy = v;
            listed = v::listed;
            return this;
        }

        /** Changes to the settings, applied after the harness's own (sandbox URL, token, collections, target/dl). */
        public Builder settings(Consumer<Settings.Builder> v) {
            settings = v;
            return this;
        }

        /** The server's own redaction set; by default a new one holding the server's token. */
        public Builder redactor(Redactor v) {
            redactor = v;
            return this;
        }

        /** Which tenant a call belongs to; by default the server's token's, or the one {@code call(as, ...)} names. */
        public Builder tenants(Function<McpAsyncServerExchange, Tenant> v) {
            tenants = v;
            return this;
        }

        /** The retries of the server's tenant (none by default; the server's own is {@link RetryPolicy#DEFAULT}). */
        public Builder retry(RetryPolicy v) {
            retry = v;
            return this;
        }

        /** Binds the tools as the server does: pinned to the collection when {@link #collections} names exactly one. */
        public Builder pinned(boolean v) {
            pinned = v;
            return this;
        }

        public InProcess build() {
            if (redactor == null) {
                redactor = new Redactor();
                if (token != null) {
                    redactor.register(token);
                }
            }
            return new InProcess(this);
        }
    }

    public SandboxServer sandbox() {
        return sandbox;
    }

    public Map<String, BoundTool> tools() {
        return tools;
    }

    public GuardChain chain() {
        return chain;
    }

    public ToolContext ctx() {
        return ctx;
    }

    /** The tenant of the server's token (null without one). */
    public Tenant tenant() {
        return tenant;
    }

    /** A tenant calling with {@code key}, as a per-request key makes one. */
    public Tenant tenant(String key, RetryPolicy retry) {
        JettyApi api = JettyApi.create(sandbox.baseUrl(), new Token(key, "t"), Duration.ofSeconds(2), Duration.ofSeconds(10),
                retry, M, "t");
        return new Tenant(api, new CollectionScope(Set.of(), api));
    }

    /** A tools/call through the whole chain, as the server's tenant. */
    public McpSchema.CallToolResult call(String tool, Map<String, Object> args) {
        // in-process, as a client without progress or elicitation: there is no exchange, so the tenant is asked with null
        CallContext context = CallContext.of(() -> tenants.apply(null), serverSecrets);
        return chain.call(tools.get(tool), context, args).block(Duration.ofSeconds(60));
    }

    /** A tools/call made as {@code as}; later calls without a tenant stay with {@code as}. */
    public McpSchema.CallToolResult call(Tenant as, String tool, Map<String, Object> args) {
        current = as;
        return call(tool, args);
    }

    /** The result's text block. */
    public static String text(McpSchema.CallToolResult r) {
        return ((McpSchema.TextContent) r.content().get(0)).text();
    }

    /** The text of a call that must succeed. */
    public String okText(String tool, Map<String, Object> args) {
        McpSchema.CallToolResult r = call(tool, args);
        String text = text(r);
        assertThat(r.isError()).as(tool + ": " + text).isFalse();
        return text;
    }

    /** A call that must succeed, its text read as JSON. */
    public JsonNode ok(String tool, Map<String, Object> args) {
        try {
            return M.readTree(okText(tool, args));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The text of a call that must fail as a tool error. */
    public String error(String tool, Map<String, Object> args) {
        McpSchema.CallToolResult r = call(tool, args);
        String text = text(r);
        assertThat(r.isError()).as(tool + ": " + text).isTrue();
        return text;
    }

    @Override
    public void close() {
        if (ownsSandbox) {
            sandbox.close();
        }
    }
}
