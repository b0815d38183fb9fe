package io.jettymcp.sandbox;

import static io.jettymcp.sandbox.Http.form;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.handler.codec.http.multipart.HttpPostRequestEncoder.EncoderMode;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.netty.http.client.HttpClient;

/**
 * FastAPI's multipart rules (jetty-api.md §7 E1): a part named like a {@code List[UploadFile]} field must
 * itself be a file. Reactor Netty's default (RFC 1738) encoder wraps repeated file parts in one nested
 * {@code multipart/mixed} part, which FastAPI reads as a string and answers with a 422.
 */
class MultipartTest extends SandboxTestBase {

    static final String EXPECTED_MSG = "Value error, Expected UploadFile, received: <class 'str'>";

    @Test
    void theNestedEncodingOfRepeatedFilesIsA422LikeFastApis() {
        for (String path : List.of("/api/v1/run/demo/text-echo", "/api/v1/sandbox/upload")) {
            Http.Resp r = nettyForm(path, EncoderMode.RFC1738);
            assertThat(r.status()).as(path + ": " + r.text()).isEqualTo(422);
            JsonNode d = r.json().get("detail");
            assertThat(d).hasSize(1);
            assertThat(d.get(0).get("type").asText()).isEqualTo("value_error");
            assertThat(d.get(0).get("loc").toString()).isEqualTo("[\"body\",\"files\",0]");
            assertThat(d.get(0).get("msg").asText()).isEqualTo(EXPECTED_MSG);
            // FastAPI echoes the string it got: the whole nested part, both files inside it
            assertThat(d.get(0).get("input").asText()).contains("filename=\"a.txt\"").contains("first file").contains("second file");
            assertThat(d.get(0).get("ctx").toString()).isEqualTo("{\"error\":{}}");
        }
        assertThat(http.get("/api/v1/db/trajectories/demo/text-echo", DEMO).json().get("trajectories"))
                .as("a rejected form starts no run").isEmpty();
    }

    @Test
    void eachFileInItsOwnTopLevelPartIsAccepted() {
        Http.Resp run = nettyForm("/api/v1/run/demo/text-echo", EncoderMode.HTML5);
        assertThat(run.status()).as(run.text()).isEqualTo(200);
        Http.Resp up = nettyForm("/api/v1/sandbox/upload", EncoderMode.HTML5);
        assertThat(up.status()).as(up.text()).isEqualTo(200);
        assertThat(up.json().get("count").asInt()).isEqualTo(2);
        assertThat(http.get("/api/v1/file/" + up.json().at("/file_paths/1").asText(), DEMO).text()).isEqualTo("second file");
    }

    @Test
    void aTextPartWhereAFileIsExpectedIsA422AtItsIndex() {
        Http.Resp r = http.multipart("/api/v1/sandbox/upload", DEMO, form(
                "files#1", new Http.Upload("a.txt", "text/plain", "a".getBytes(StandardCharsets.UTF_8)),
                "files#2", "just text"));
        assertThat(r.status()).isEqualTo(422);
        assertThat(r.json().at("/detail/0/loc").toString()).isEqualTo("[\"body\",\"files\",1]");
        assertThat(r.json().at("/detail/0/input").asText()).isEqualTo("just text");

        Http.Resp single = http.multipart("/api/v1/files", DEMO, form("file", "not a file"));
        assertThat(single.status()).isEqualTo(422);
        assertThat(single.json().at("/detail/0/loc").toString()).isEqualTo("[\"body\",\"file\"]");
        assertThat(single.json().at("/detail/0/msg").asText()).isEqualTo(EXPECTED_MSG);
    }

    /** Two files under one name and init_params, encoded by Reactor Netty's own form encoder in {@code mode}. */
    private Http.Resp nettyForm(String path, EncoderMode mode) {
        return HttpClient.create().baseUrl(sandbox.baseUrl())
                .headers(h -> h.set("User-Agent", Http.UA).set("Authorization", "Bearer " + DEMO))
                .post().uri(path)
                .sendForm((req, f) -> f.multipart(true).encoding(mode)
                        .attr("init_params", "{}")
                        .file("files", "a.txt", stream("first file"), "text/plain")
                        .file("files", "b.txt", stream("second file"), "text/plain"))
                .responseSingle((res, body) -> body.asString(StandardCharsets.UTF_8).defaultIfEmpty("")
                        .map(text -> new Http.Resp(res.status().code(), java.util.Map.of(),
                                text.getBytes(StandardCharsets.UTF_8))))
                .block(java.time.Duration.ofSeconds(20));
    }

    private static ByteArrayInputStream stream(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }
}
