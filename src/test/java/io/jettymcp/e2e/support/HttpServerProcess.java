package io.jettymcp.e2e.support;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientSseClientTransport;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged server as an HTTP subprocess ({@code --http 127.0.0.1:0} or as given); the port is
 * read from its start-up line on stderr. Clients are the SDK's own HTTP transports. Every stderr
 * line is kept so tests can assert nothing secret was logged.
 */
public final class HttpServerProcess implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("listening on http://(\\S+?):(\\d+)/mcp");

    private final Process process;
    private final List<String> stderr = Collections.synchronizedList(new ArrayList<>());
    private final int port;
    private final CompletableFuture<Integer> portFuture = new CompletableFuture<>();

    private HttpServerProcess(Map<String, String> env, List<String> jvm, List<String> args, Path home) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ServerProcess.javaBin());
        cmd.addAll(jvm);
        cmd.add("-jar");
        cmd.add(ServerProcess.jar().toString());
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().clear();
        pb.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        pb.environment().put("HOME", home.toString());
        pb.environment().putAll(env);
        pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        this.process = pb.start();
        Thread t = new Thread(this::readErr, "http-server-stderr");
        t.setDaemon(true);
        t.start();
        try {
            this.port = portFuture.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            process.destroyForcibly();
            throw new IllegalStateException("server did not start: " + stderr(), e);
        }
    }

    private void readErr() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                stderr.add(line);
                Matcher m = LISTENING.matcher(line);
                if (m.find()) {
                    portFuture.complete(Integer.parseInt(m.group(2)));
                }
            }
        } catch (IOException ignored) {
            // process ended
        }
        portFuture.completeExceptionally(new IllegalStateException("exited"));
    }

    public static Builder builder() {
        return new Builder();
    }

    public int port() {
        return port;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public Process process() {
        return process;
    }

    public List<String> stderr() {
        synchronized (stderr) {
            return List.copyOf(stderr);
        }
    }

    /** An initialized SDK client over Streamable HTTP; extra headers go on every request. */
    public McpSyncClient streamable(Map<String, String> headers) {
        return streamable(headers, null);
    }

    /** As {@link #streamable(Map)}, declaring elicitation and answering it with {@code elicitation} when given. */
    public McpSyncClient streamable(Map<String, String> headers,
                                    java.util.function.Function<McpSchema.ElicitFormRequest, McpSchema.ElicitResult> elicitation) {
        return streamable(baseUrl(), headers, elicitation);
    }

    /** An initialized SDK client over Streamable HTTP to the server at {@code baseUrl} (in this process or not). */
    public static McpSyncClient streamable(String baseUrl, Map<String, String> headers,
                                           java.util.function.Function<McpSchema.ElicitFormRequest, McpSchema.ElicitResult> elicitation) {
        HttpRequest.Builder rb = HttpRequest.newBuilder();
        headers.forEach(rb::header);
        HttpClientStreamableHttpTransport t = HttpClientStreamableHttpTransport.builder(baseUrl)
                .endpoint("/mcp").requestBuilder(rb).jsonMapper(new JacksonMcpJsonMapper(new ObjectMapper())).build();
        McpClient.SyncSpec spec = McpClient.sync(t).requestTimeout(Duration.ofSeconds(60));
        if (elicitation != null) {
            spec.capabilities(McpSchema.ClientCapabilities.builder().elicitation().build()).elicitation(elicitation);
        }
        McpSyncClient c = spec.build();
        c.initialize();
        return c;
    }

    /** An initialized SDK client over the legacy SSE transport. */
    public McpSyncClient sse(Map<String, String> headers) {
        HttpRequest.Builder rb = HttpRequest.newBuilder();
        headers.forEach(rb::header);
        HttpClientSseClientTransport t = HttpClientSseClientTransport.builder(baseUrl()).sseEndpoint("/sse")
                .requestBuilder(rb).jsonMapper(new JacksonMcpJsonMapper(new ObjectMapper())).build();
        McpSyncClient c = McpClient.sync(t).requestTimeout(Duration.ofSeconds(60)).build();
        c.initialize();
        return c;
    }

    @Override
    public void close() {
        process.destroy(); // SIGTERM: the graceful path
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    public static final class Builder {
        // every tool, as ServerProcess: each e2e test can call the one it is about
        private final Map<String, String> env = new java.util.HashMap<>(Map.of("JETTY_TOOLSETS", "all"));
        private final List<String> args = new ArrayList<>(List.of("--http", "127.0.0.1:0"));
        private final List<String> jvm = new ArrayList<>();

        public Builder sandbox(String baseUrl, String token) {
            env.put("JETTY_API_URL", baseUrl);
            if (token != null) {
                env.put("JETTY_API_TOKEN", token);
            }
            return this;
        }

        public Builder env(String k, String v) {
            env.put(k, v);
            return this;
        }

        /** Replaces the default {@code --http 127.0.0.1:0} listen address. */
        public Builder listen(String hostPort) {
            args.set(1, hostPort);
            return this;
        }

        public Builder args(String... a) {
            args.addAll(List.of(a));
            return this;
        }

        /** JVM options before {@code -jar}, e.g. a heap limit. */
        public Builder jvm(String... options) {
            jvm.addAll(List.of(options));
            return this;
        }

        public HttpServerProcess start() {
            try {
                return new HttpServerProcess(env, jvm, args, Files.createTempDirectory("jetty-mcp-home"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
