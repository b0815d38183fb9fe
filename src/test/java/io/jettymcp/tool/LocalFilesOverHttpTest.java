package io.jettymcp.tool;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jettymcp.api.JettyApi;
import io.jettymcp.api.RetryPolicy;
import io.jettymcp.config.Settings;
import io.jettymcp.config.Token;
import io.jettymcp.guard.ArgumentValidator;
import io.jettymcp.guard.CollectionScope;
import io.jettymcp.guard.Policy;
import io.jettymcp.guard.Tenant;
import io.jettymcp.guard.TenantSecrets;
import io.jettymcp.tool.chain.CallContext;
import io.jettymcp.tool.chain.GuardChain;
import io.jettymcp.redact.Redactor;
import io.jettymcp.shape.OutputSpec;
import io.jettymcp.spec.ToolSpec;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Over HTTP a local path names the server's disk: refused before the handler unless --files-root was given. */
class LocalFilesOverHttpTest {

    static final ObjectMapper M = new ObjectMapper();

    private static Settings settings(boolean overHttp, boolean rootsExplicit) {
        return Settings.builder().baseUrl("http://127.0.0.1:1").filesRoots(List.of(Path.of(".")), rootsExplicit)
                .overHttp(overHttp).build();
    }

    private static McpSchema.CallToolResult call(Settings s, Map<String, Object> args, AtomicInteger handled) throws Exception {
        ObjectNode input = (ObjectNode) M.readTree("{\"type\":\"object\",\"properties\":{"
                + "\"file\":{\"type\":\"string\",\"x-kind\":\"local-path\",\"description\":\"a file\"},"
                + "\"files\":{\"type\":\"array\",\"items\":{\"type\":\"string\",\"x-kind\":\"local-path\"},\"description\":\"files\"},"
                + "\"text\":{\"type\":\"string\",\"description\":\"text\"}},\"additionalProperties\":false}");
        ToolSpec spec = new ToolSpec("t", "T", "files", "d", new ToolSpec.Annotations(false, false, false, true), input,
                null, null, "h", OutputSpec.NONE, false, java.util.Map.of());
        ToolHandler h = c -> {
            handled.incrementAndGet();
            return Mono.just(M.createObjectNode().put("ok", true));
        };
        Redactor redactor = new Redactor();
        JettyApi api = JettyApi.create("http://127.0.0.1:1", Token.NONE, Duration.ofSeconds(1), Duration.ofSeconds(1),
                RetryPolicy.NONE, M, "test");
        Tenant tenant = new Tenant(api, new CollectionScope(Set.of(), api));
        GuardChain chain = new GuardChain(new ToolContext(s, M, "test"), new ArgumentValidator(),
                Policy.ALLOW_ALL, new io.jettymcp.guard.EnvSecrets());
        return chain.call(new BoundTool(spec, input, h, null), CallContext.of(() -> tenant, new TenantSecrets()), args).block();
    }

    private static String text(McpSchema.CallToolResult r) {
        return ((McpSchema.TextContent) r.content().get(0)).text();
    }

    @Test
    void localPathsAreRefusedOverHttpWithoutFilesRoot() throws Exception {
        AtomicInteger handled = new AtomicInteger();
        McpSchema.CallToolResult one = call(settings(true, false), Map.of("file", "/etc/passwd"), handled);
        assertThat(one.isError()).isTrue();
        assertThat(text(one)).contains("'file'").contains("--files-root");
        McpSchema.CallToolResult many = call(settings(true, false), Map.of("files", List.of("a.txt")), handled);
        assertThat(many.isError()).isTrue();
        assertThat(text(many)).contains("'files'");
        assertThat(handled).hasValue(0);
        // tools that take no local path are unaffected
        assertThat(call(settings(true, false), Map.of("text", "hi"), handled).isError()).isFalse();
        assertThat(handled).hasValue(1);
    }

    @Test
    void localPathsAreAllowedOnStdioAndWithAnExplicitFilesRoot() throws Exception {
        AtomicInteger handled = new AtomicInteger();
        assertThat(call(settings(false, false), Map.of("file", "a.txt"), handled).isError()).isFalse();
        assertThat(call(settings(true, true), Map.of("file", "a.txt"), handled).isError()).isFalse();
        assertThat(handled).hasValue(2);
        assertThat(settings(true, false).localFilesAllowed()).isFalse();
    }
}
