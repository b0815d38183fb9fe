package io.jettymcp.e2e.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The packaged server ({@code target/jetty-mcp.jar}) as a stdio subprocess, driven by the MCP Java
 * SDK client: what a real MCP client does. One per test class (JVM start-up is the expensive part).
 * Every stderr line is kept so tests can assert that nothing secret was logged.
 */
public final class ServerProcess implements AutoCloseable {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final McpSyncClient client;
    private final List<String> stderr = Collections.synchronizedList(new ArrayList<>());
    private final Path home;

    private ServerProcess(Map<String, String> env, List<String> args, Path home, Duration timeout,
                          java.util.function.Function<McpSchema.ElicitFormRequest, McpSchema.ElicitResult> elicitation,
                          java.util.function.Consumer<McpSchema.ProgressNotification> progress) {
        this.home = home;
        List<String> cmd = new ArrayList<>(jvmArgs());
        cmd.add("-jar");
        cmd.add(jar().toString());
        cmd.addAll(args);
        Map<String, String> fullEnv = new HashMap<>();
        fullEnv.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        fullEnv.put("HOME", home.toString());
        fullEnv.putAll(env);
        ServerParameters params = ServerParameters.builder(javaBin()).args(cmd).env(fullEnv).build();
        StdioClientTransport transport = new StdioClientTransport(params, new JacksonMcpJsonMapper(MAPPER));
        transport.setStdErrorHandler(stderr::add);
        McpClient.SyncSpec spec = McpClient.sync(transport).requestTimeout(timeout).initializationTimeout(Duration.ofSeconds(30));
        if (elicitation != null) {
            spec.capabilities(McpSchema.ClientCapabilities.builder().elicitation().build()).elicitation(elicitation);
        }
        if (progress != null) {
            spec.progressConsumer(progress);
        }
        this.client = spec.build();
        client.initialize();
    }

    public static Builder builder() {
        return new Builder();
    }

    public McpSyncClient client() {
        return client;
    }

    public Path home() {
        return home;
    }

    public List<McpSchema.Tool> tools() {
        return client.listTools().tools();
    }

    public McpSchema.CallToolResult call(String tool, Map<String, Object> args) {
        return client.callTool(new McpSchema.CallToolRequest(tool, args));
    }

    /** Calls a tool with {@code _meta.progressToken}, so the server may send notifications/progress. */
    public McpSchema.CallToolResult callWithProgress(String tool, Map<String, Object> args, Object progressToken) {
        return client.callTool(McpSchema.CallToolRequest.builder().name(tool).arguments(args).progressToken(progressToken).build());
    }

    /** Calls a tool that must succeed and returns its text parsed as JSON. */
    public JsonNode ok(String tool, Map<String, Object> args) {
        McpSchema.CallToolResult r = call(tool, args);
        if (Boolean.TRUE.equals(r.isError())) {
            throw new AssertionError(tool + " failed: " + text(r));
        }
        return json(r);
    }

    /** Calls a tool that must fail and returns its error text. */
    public String error(String tool, Map<String, Object> args) {
        McpSchema.CallToolResult r = call(tool, args);
        if (!Boolean.TRUE.equals(r.isError())) {
            throw new AssertionError(tool + " was expected to fail but returned: " + text(r));
        }
        return text(r);
    }

    /** Tool arguments in the order given: name, value, name, value, … */
    public static Map<String, Object> args(Object... kv) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    public static String text(McpSchema.CallToolResult r) {
        StringBuilder sb = new StringBuilder();
        for (McpSchema.Content c : r.content()) {
            if (c instanceof McpSchema.TextContent t) {
                sb.append(t.text());
            }
        }
        return sb.toString();
    }

    public static JsonNode json(McpSchema.CallToolResult r) {
        try {
            return MAPPER.readTree(text(r));
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + text(r), e);
        }
    }

    public List<String> stderr() {
        synchronized (stderr) {
            return List.copyOf(stderr);
        }
    }

    @Override
    public void close() {
        try {
            client.closeGracefully();
        } catch (RuntimeException e) {
            client.close();
        }
    }

    /** The packaged jar the e2e tests start. */
    public static Path jar() {
        Path p = Path.of(System.getProperty("jetty.mcp.jar", "target/jetty-mcp.jar"));
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException(p + " is missing: e2e tests run after 'mvn package' (use 'mvn verify').");
        }
        return p.toAbsolutePath();
    }

    public static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** The heap the {@code jetty-mcp} launcher gives a stdio server: for tests of what fits in it. */
    public static final List<String> LAUNCHER_HEAP = List.of("-Xms16m", "-Xmx128m");

    /** Short-lived stdio servers start fastest with C1 only and the serial collector. */
    static List<String> jvmArgs() {
        return List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss512k");
    }

    public static final class Builder {
        // every tool, so each e2e test can call the one it is about; tests of the lean default set JETTY_TOOLSETS to ""
        private final Map<String, String> env = new HashMap<>(Map.of("JETTY_TOOLSETS", "all"));
        private final List<String> args = new ArrayList<>();
        private Path home;
        private Duration timeout = Duration.ofSeconds(60);
        private java.util.function.Consumer<McpSchema.ProgressNotification> progress;
        private java.util.function.Function<McpSchema.ElicitFormRequest, McpSchema.ElicitResult> elicitation;

        /** Declares elicitation support and answers every request with this function. */
        public Builder elicitation(java.util.function.Function<McpSchema.ElicitFormRequest, McpSchema.ElicitResult> handler) {
            this.elicitation = handler;
            return this;
        }

        public Builder sandbox(String baseUrl, String token) {
            env.put("JETTY_API_URL", baseUrl);
            if (token != null) {
                env.put("JETTY_API_TOKEN", token);
            }
            return this;
        }

        public Builder env(String key, String value) {
            env.put(key, value);
            return this;
        }

        public Builder args(String... a) {
            args.addAll(List.of(a));
            return this;
        }

        public Builder home(Path h) {
            this.home = h;
            return this;
        }

        public Builder timeout(Duration d) {
            this.timeout = d;
            return this;
        }

        /** Receives every notifications/progress the server sends. */
        public Builder progress(java.util.function.Consumer<McpSchema.ProgressNotification> consumer) {
            this.progress = consumer;
            return this;
        }

        public ServerProcess start() {
            try {
                Path h = home != null ? home : Files.createTempDirectory("jetty-mcp-home");
                return new ServerProcess(env, args, h, timeout, elicitation, progress);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
