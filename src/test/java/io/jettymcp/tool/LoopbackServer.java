package io.jettymcp.tool;

import io.jettymcp.config.Settings;
import io.jettymcp.config.Token;
import io.jettymcp.e2e.support.HttpServerProcess;
import io.jettymcp.guard.Secrets;
import io.jettymcp.sandbox.SandboxSeeds;
import io.jettymcp.sandbox.SandboxServer;
import io.jettymcp.server.JettyMcpServer;
import io.jettymcp.transport.http.HttpOptions;
import io.jettymcp.transport.http.McpHttpServer;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;

/**
 * The whole server ({@link JettyMcpServer}: registry, chain, resources, prompts, completion) on a loopback HTTP
 * listener in this process, driven by the SDK's own client: for what sits above a tool call (elicitation,
 * resources, prompts) without starting the packaged jar. The demo key; close to stop the listener.
 */
public final class LoopbackServer implements AutoCloseable {

    private final McpHttpServer http;

    private LoopbackServer(McpHttpServer http) {
        this.http = http;
    }

    /** @param policy a {@code --policy} file, or null */
    public static LoopbackServer start(SandboxServer sandbox, Path policy) {
        Settings settings = Settings.builder().baseUrl(sandbox.baseUrl()).token(new Token(SandboxSeeds.DEMO_TOKEN, "test"))
                .downloadDir(Path.of("target/dl")).sandbox(true).build();
        return new LoopbackServer(McpHttpServer.start(HttpOptions.loopback(0),
                new JettyMcpServer(settings, new Secrets(), policy, null), null));
    }

    /** An initialized client; with {@code elicitation} it declares elicitation and answers with it. */
    public McpSyncClient client(Function<McpSchema.ElicitFormRequest, McpSchema.ElicitResult> elicitation) {
        return HttpServerProcess.streamable("http://127.0.0.1:" + http.port(), Map.of(), elicitation);
    }

    @Override
    public void close() {
        http.close();
    }
}
