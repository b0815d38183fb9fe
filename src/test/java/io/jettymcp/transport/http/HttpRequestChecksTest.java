package io.jettymcp.transport.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jettymcp.e2e.support.RawHttp;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How the front door reads a request's head: one Host only, a declared oversized body refused unread, and an
 * error for a request it cannot serve echoing that request's id when the id could be read.
 */
class HttpRequestChecksTest {

    static McpHttpServer server;

    @BeforeAll
    static void start() {
        ObjectMapper mapper = new ObjectMapper();
        McpJsonMapper mcpMapper = new JacksonMcpJsonMapper(mapper);
        McpMount mount = TestMount.of(mcpMapper);
        server = McpHttpServer.start(HttpOptions.loopback(0), mount, mapper, mcpMapper, null);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static final String INIT = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
            + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}";

    /** Sends {@code head} (and {@code body}, if any) on a fresh connection and returns the status line of the answer. */
    static String statusLine(String head, String body) throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(20_000); // only so a server that waits for a body it will never get fails instead of hanging
            OutputStream out = s.getOutputStream();
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            if (body != null) {
                out.write(body.getBytes(StandardCharsets.UTF_8));
            }
            out.flush();
            InputStream in = s.getInputStream();
            StringBuilder line = new StringBuilder();
            for (int c; (c = in.read()) >= 0 && c != '\n'; ) {
                line.append((char) c);
            }
            return line.toString().trim();
        }
    }

    @Test
    void aRequestWithTwoHostHeadersIsRefused() throws Exception {
        int port = server.port();
        String twoHosts = "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nHost: evil.example\r\n"
                + "Accept: application/json, text/event-stream\r\nContent-Type: application/json\r\n"
                + "Connection: close\r\nContent-Length: " + INIT.length() + "\r\n\r\n";
        assertThat(statusLine(twoHosts, INIT)).startsWith("HTTP/1.1 400");
        // the same request with one Host is served
        assertThat(statusLine(twoHosts.replace("Host: evil.example\r\n", ""), INIT)).startsWith("HTTP/1.1 200");
    }

    @Test
    void aDeclaredBodyOverTheLimitIsRefusedBeforeItIsSent() throws Exception {
        // headers only: the body never comes, so an answer proves it was not waited for
        String head = "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:" + server.port() + "\r\n"
                + "Accept: application/json, text/event-stream\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + (HttpOptions.DEFAULT_MAX_BODY + 1L) + "\r\n\r\n";
        assertThat(statusLine(head, null)).startsWith("HTTP/1.1 413");
        assertThat(statusLine(head.replace("POST /mcp", "POST /message?sessionId=nope"), null)).startsWith("HTTP/1.1 413");
    }

    static final String DISCOVER = "{\"jsonrpc\":\"2.0\",\"id\":\"probe-1\",\"method\":\"server/discover\","
            + "\"params\":{\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\"}}}";

    @Test
    void anErrorForAnUnsupportedRequestEchoesItsIdWhenItCanBeRead() throws Exception {
        int port = server.port();
        // a server/discover probe without a session: refused, with the probe's id
        RawHttp.Response noSession = RawHttp.send(port, "POST", "/mcp", Map.of(), DISCOVER);
        assertThat(noSession.status()).isEqualTo(400);
        assertThat(noSession.body()).contains("\"id\":\"probe-1\"");
        // the same probe with a protocol version this era does not speak
        RawHttp.Response badVersion = RawHttp.send(port, "POST", "/mcp", Map.of("MCP-Protocol-Version", "2026-07-28"), DISCOVER);
        assertThat(badVersion.status()).isEqualTo(400);
        assertThat(badVersion.body()).contains("Unsupported MCP-Protocol-Version").contains("\"id\":\"probe-1\"");
        RawHttp.Response legacy = RawHttp.send(port, "POST", "/message?sessionId=nope", Map.of(), DISCOVER);
        assertThat(legacy.status()).isEqualTo(404);
        assertThat(legacy.body()).contains("\"id\":\"probe-1\"");
        // an id that cannot be read stays null
        RawHttp.Response unreadable = RawHttp.send(port, "POST", "/mcp", Map.of("MCP-Protocol-Version", "2026-07-28"), "{nope");
        assertThat(unreadable.status()).isEqualTo(400);
        assertThat(unreadable.body()).contains("\"id\":null");
    }
}
