package io.jettymcp.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** Tiny HTTP client for the sandbox tests; always sends an explicit User-Agent. */
final class Http {

    static final String UA = "jetty-mcp-sandbox-test/1.0";
    static final ObjectMapper M = new ObjectMapper();

    record Resp(int status, Map<String, java.util.List<String>> headers, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        JsonNode json() {
            try {
                return M.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (" + status + "): " + text(), e);
            }
        }

        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }

        String detail() {
            return json().path("detail").asText();
        }
    }

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final String base;

    Http(SandboxServer s) {
        this.base = s.baseUrl();
    }

    Resp get(String path, String token) {
        return send(req(path, token).GET());
    }

    Resp delete(String path, String token) {
        return send(req(path, token).DELETE());
    }

    Resp json(String method, String path, String token, String body) {
        return send(req(path, token).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body)));
    }

    Resp post(String path, String token, String body) {
        return json("POST", path, token, body);
    }

    /** multipart/form-data; values are String (text field) or Upload (file part). Keys ending in "#n" repeat a name. */
    Resp multipart(String path, String token, Map<String, Object> fields) {
        String boundary = "----sandboxBoundary7MA4YWxkTrZu0gW";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Map.Entry<String, Object> e : fields.entrySet()) {
            String name = e.getKey().contains("#") ? e.getKey().substring(0, e.getKey().indexOf('#')) : e.getKey();
            out.writeBytes(("--" + boundary + "\r\n").getBytes(StandardCharsets.UTF_8));
            if (e.getValue() instanceof Upload u) {
                out.writeBytes(("Content-Disposition: form-data; name=\"" + name + "\"; filename=\"" + u.filename()
                        + "\"\r\nContent-Type: " + u.contentType() + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
                out.writeBytes(u.data());
            } else {
                out.writeBytes(("Content-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + e.getValue())
                        .getBytes(StandardCharsets.UTF_8));
            }
            out.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return send(req(path, token).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(out.toByteArray())));
    }

    record Upload(String filename, String contentType, byte[] data) {
    }

    static Map<String, Object> form(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    HttpRequest.Builder req(String path, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20))
                .header("User-Agent", UA);
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    Resp send(HttpRequest.Builder b) {
        try {
            HttpResponse<byte[]> r = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Resp(r.statusCode(), r.headers().map(), r.body());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpResponse<byte[]> raw(HttpRequest r) throws IOException, InterruptedException {
        return client.send(r, HttpResponse.BodyHandlers.ofByteArray());
    }
}
