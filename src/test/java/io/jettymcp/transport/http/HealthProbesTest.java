package io.jettymcp.transport.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Health where balancers live: the probes exactly as HAProxy ({@code option httpchk GET /healthz}: HTTP/1.0, no Host)
 * and a Kubernetes kubelet (HTTP/1.1 with the pod's IP as Host) send them reach {@code /healthz} and {@code /livez}
 * past the Host, Origin and bearer checks, which stay in force on every other path.
 */
class HealthProbesTest {

    static final ObjectMapper M = new ObjectMapper();
    static McpHttpServer server;

    @BeforeAll
    static void start() {
        McpJsonMapper mcpMapper = new JacksonMcpJsonMapper(M);
        HttpOptions options = new HttpOptions(HttpOptions.DEFAULT_HOST, 0, List.of(), List.of(), "probe-test-token",
                HttpOptions.DEFAULT_MAX_BODY, HttpOptions.DEFAULT_IDLE, 4, false, false, Duration.ofSeconds(5));
        server = McpHttpServer.start(options, TestMount.of(mcpMapper), M, mcpMapper, null);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** The whole raw answer to {@code request}, sent alone on a fresh connection. */
    static String exchange(String request) throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            s.shutdownOutput(); // as HAProxy and the kubelet do after one request: the answer ends the connection
            InputStream in = s.getInputStream();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toString(StandardCharsets.ISO_8859_1);
        }
    }

    /** The status code of a raw answer (HTTP/1.0 requests are answered in HTTP/1.0). */
    static int status(String answer) {
        assertThat(answer).matches("(?s)HTTP/1\\.[01] \\d{3} .*");
        return Integer.parseInt(answer.substring(9, 12));
    }

    static JsonNode body(String answer) throws Exception {
        return M.readTree(answer.substring(answer.indexOf("\r\n\r\n") + 4));
    }

    static final String HAPROXY = "GET /healthz HTTP/1.0\r\n\r\n"; // option httpchk GET /healthz, as HAProxy 2.6 sends it

    static String kubelet(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: 10.42.0.17:8080\r\nUser-Agent: kube-probe/1.30\r\nAccept: */*\r\n"
                + "Connection: close\r\n\r\n";
    }

    @Test
    void haproxysCheckGetsReadinessWithoutHostOrToken() throws Exception {
        String answer = exchange(HAPROXY);
        assertThat(status(answer)).isEqualTo(200);
        JsonNode b = body(answer);
        assertThat(b.path("status").asText()).isEqualTo("ok");
        assertThat(b.path("running").isInt()).isTrue();
        // a status and counts only: nothing about the configuration, the hosts or the token
        b.fieldNames().forEachRemaining(f -> assertThat(f).isIn("status", "running", "sessions"));
    }

    @Test
    void kubernetesProbesWithAnUnknownHostGetReadinessAndLiveness() throws Exception {
        assertThat(status(exchange(kubelet("/healthz")))).isEqualTo(200);
        String live = exchange(kubelet("/livez"));
        assertThat(status(live)).isEqualTo(200);
        assertThat(body(live).path("status").asText()).isEqualTo("ok");
        assertThat(status(exchange("GET /livez HTTP/1.0\r\n\r\n"))).isEqualTo(200);
        // a page's Origin does not matter either: the answer is a status and counts, with no CORS header to read it
        String fromPage = exchange("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: https://evil.example\r\n"
                + "Connection: close\r\n\r\n");
        assertThat(status(fromPage)).isEqualTo(200);
        assertThat(fromPage.toLowerCase(java.util.Locale.ROOT)).doesNotContain("access-control-allow-origin");
    }

    @Test
    void everyOtherPathKeepsTheHostAndTokenChecks() throws Exception {
        assertThat(status(exchange(kubelet("/mcp")))).isEqualTo(403);
        assertThat(status(exchange("GET /mcp HTTP/1.0\r\n\r\n"))).isEqualTo(400);
        assertThat(status(exchange("GET /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"))).isEqualTo(401);
        assertThat(status(exchange("GET /healthz/../mcp HTTP/1.1\r\nHost: 10.42.0.17\r\nConnection: close\r\n\r\n"))).isNotEqualTo(200);
    }
}
