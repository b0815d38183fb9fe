package io.jettymcp.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jettymcp.config.Settings;
import io.jettymcp.config.Token;
import io.jettymcp.e2e.support.RawHttp;
import io.jettymcp.guard.Secrets;
import io.jettymcp.sandbox.SandboxSeeds;
import io.jettymcp.sandbox.SandboxServer;
import io.jettymcp.transport.JsonRpcLines;
import io.jettymcp.transport.StdioTransport;
import io.jettymcp.transport.http.HttpOptions;
import io.jettymcp.transport.http.McpHttpServer;
import io.modelcontextprotocol.server.McpAsyncServer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The whole server in this process on stdio or on (stateless or streamable) HTTP, spoken to in raw JSON-RPC so
 * tests see the exact bytes a client gets. The demo key against the given sandbox.
 */
interface McpWire extends AutoCloseable {

    ObjectMapper M = new ObjectMapper();
    String UI_CAPS = "{\"extensions\":{\"io.modelcontextprotocol/ui\":{\"mimeTypes\":[\"text/html;profile=mcp-app\"]}}}";

    /** One request's raw answer (the JSON-RPC response text). */
    String request(String json) throws Exception;

    default JsonNode call(String json) throws Exception {
        return M.readTree(request(json));
    }

    static JettyMcpServer server(SandboxServer sandbox) {
        Settings settings = Settings.builder().baseUrl(sandbox.baseUrl()).token(new Token(SandboxSeeds.DEMO_TOKEN, "test"))
                .downloadDir(Path.of("target/dl")).sandbox(true).build();
        return new JettyMcpServer(settings, new Secrets(), null, null);
    }

    static String initialize(String capabilities) {
        return "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\","
                + "\"capabilities\":" + capabilities + ",\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}";
    }

    /** stdio, initialized with {@code capabilities}. */
    static McpWire stdio(SandboxServer sandbox, String capabilities) throws Exception {
        JettyMcpServer server = server(sandbox);
        PipedOutputStream toServer = new PipedOutputStream();
        PipedInputStream serverIn = new PipedInputStream(toServer, 1 << 20);
        PipedInputStream fromServer = new PipedInputStream(1 << 20);
        PipedOutputStream serverOut = new PipedOutputStream(fromServer);
        StdioTransport transport = new StdioTransport(server.mcpMapper(), new JsonRpcLines(server.mapper(), server.mcpMapper()),
                serverIn, serverOut, () -> { });
        McpAsyncServer running = server.start(transport);
        BufferedReader lines = new BufferedReader(new InputStreamReader(fromServer, StandardCharsets.UTF_8));
        McpWire wire = new McpWire() {
            @Override
            public synchronized String request(String json) throws Exception {
                toServer.write((json + "\n").getBytes(StandardCharsets.UTF_8));
                toServer.flush();
                String id = M.readTree(json).path("id").toString();
                while (true) {
                    String line = lines.readLine();
                    if (line == null) {
                        throw new IOException("the server closed stdout");
                    }
                    JsonNode n = M.readTree(line);
                    if (n.has("id") && n.path("id").toString().equals(id) && !n.has("method")) {
                        return line;
                    }
                }
            }

            @Override
            public void close() throws IOException {
                toServer.close();
                running.close();
            }
        };
        wire.request(initialize(capabilities));
        toServer.write("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n".getBytes(StandardCharsets.UTF_8));
        toServer.flush();
        return wire;
    }

    /** Stateless HTTP: each request stands alone (capabilities, if any, ride in its own _meta). */
    static McpWire stateless(SandboxServer sandbox) {
        HttpOptions o = HttpOptions.loopback(0);
        HttpOptions options = new HttpOptions(o.host(), 0, o.allowedOrigins(), o.allowedHosts(), null, o.maxBodyBytes(),
                o.sessionIdle(), o.maxConcurrentCalls(), true, false, Duration.ofSeconds(1));
        McpHttpServer http = McpHttpServer.start(options, server(sandbox), null);
        return new McpWire() {
            @Override
            public String request(String json) throws Exception {
                return body(RawHttp.send(http.port(), "POST", "/mcp", headers(null), json));
            }

            @Override
            public void close() {
                http.close();
            }
        };
    }

    /** Streamable HTTP with a session initialized with {@code capabilities}. */
    static McpWire streamable(SandboxServer sandbox, String capabilities) throws Exception {
        McpHttpServer http = McpHttpServer.start(HttpOptions.loopback(0), server(sandbox), null);
        RawHttp.Response init = RawHttp.send(http.port(), "POST", "/mcp", headers(null), initialize(capabilities));
        String session = init.header("mcp-session-id");
        RawHttp.send(http.port(), "POST", "/mcp", headers(session), "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
        return new McpWire() {
            @Override
            public String request(String json) throws Exception {
                return body(RawHttp.send(http.port(), "POST", "/mcp", headers(session), json));
            }

            @Override
            public void close() {
                http.close();
            }
        };
    }

    private static Map<String, String> headers(String session) {
        Map<String, String> h = new HashMap<>();
        h.put("Content-Type", "application/json");
        h.put("Accept", "application/json, text/event-stream");
        h.put("MCP-Protocol-Version", "2025-06-18");
        if (session != null) {
            h.put("Mcp-Session-Id", session);
        }
        return h;
    }

    /** The JSON-RPC response in a plain or an event-stream body. */
    private static String body(RawHttp.Response r) {
        String b = r.body();
        if (!b.startsWith("{")) {
            String last = null;
            for (String line : b.split("\n")) {
                if (line.startsWith("data:")) {
                    String d = line.substring(5).trim();
                    if (d.contains("\"result\"") || d.contains("\"error\"")) {
                        last = d;
                    }
                }
            }
            return last;
        }
        return b;
    }
}
