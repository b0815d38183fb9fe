package io.jettymcp.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jettymcp.catalog.files.FileTools;
import io.jettymcp.catalog.runs.RunTools;
import io.jettymcp.catalog.trajectories.TrajectoryWaiter;
import io.jettymcp.config.Settings;
import io.jettymcp.config.Token;
import io.jettymcp.guard.CollectionScope;
import io.jettymcp.guard.Tenant;
import io.jettymcp.sandbox.SandboxOptions;
import io.jettymcp.sandbox.SandboxSeeds;
import io.jettymcp.sandbox.SandboxServer;
import io.jettymcp.tool.ToolCall;
import io.jettymcp.tool.ToolContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.netty.http.client.HttpClient;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The multipart contract against the real parser (jetty-api.md §7 E1): the server's own run-task and
 * upload-file requests, through JettyApi, into a FastAPI app with the signatures the Jetty SDK documents
 * ({@code src/test/resources/contract/fastapi_app.py}), served by Debian's uvicorn on a loopback port.
 *
 * <p>Needs Debian's {@value #PACKAGES}; without them it skips, unless {@code JETTY_MCP_REQUIRE_FASTAPI=1}
 * (set by {@code .ci/run}), which makes it fail instead.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MultipartContractTest {

    static final String PACKAGES = "python3-fastapi python3-multipart uvicorn";
    /** Debian's interpreter, which those packages install for: a pyenv or venv python3 on PATH would not see them. */
    static final Path PYTHON = Path.of("/usr/bin/python3");
    static final String FASTAPI_MSG = "Expected UploadFile, received: <class 'str'>";
    static final ObjectMapper M = new ObjectMapper();

    Path tmp;
    String skipped;
    Process app;
    Path appLog;
    String base;

    @BeforeAll
    void startApp(@TempDir Path dir) throws Exception {
        tmp = dir;
        String missing = missingPackages();
        if (missing != null) {
            skipped = "MultipartContractTest needs Debian's " + PACKAGES + " (apt-get install -y " + PACKAGES + "): "
                    + missing;
            if ("1".equals(System.getenv("JETTY_MCP_REQUIRE_FASTAPI"))) {
                fail(skipped + " — required here because JETTY_MCP_REQUIRE_FASTAPI=1");
            }
            System.err.println("SKIPPED: " + skipped);
            return;
        }
        appLog = tmp.resolve("uvicorn.log");
        Path appDir = Path.of(MultipartContractTest.class.getResource("/contract/fastapi_app.py").toURI()).getParent();
        // a free port can be taken between our probe and uvicorn's bind: try a few
        for (int attempt = 0; attempt < 3 && base == null; attempt++) {
            int port = freePort();
            app = new ProcessBuilder(PYTHON.toString(), "-m", "uvicorn", "fastapi_app:app", "--app-dir", appDir.toString(),
                    "--host", "127.0.0.1", "--port", String.valueOf(port), "--log-level", "warning")
                    .redirectErrorStream(true).redirectOutput(appLog.toFile()).start();
            if (ready("http://127.0.0.1:" + port)) {
                base = "http://127.0.0.1:" + port;
            } else {
                stop();
            }
        }
        if (base == null) {
            fail("uvicorn did not start the FastAPI contract app: " + Files.readString(appLog));
        }
    }

    /** Each test reports the skip and its reason, which Maven shows (a skip in @BeforeAll shows as zero tests run). */
    @BeforeEach
    void packagesPresent() {
        Assumptions.assumeTrue(skipped == null, skipped);
    }

    @AfterAll
    void stop() throws InterruptedException {
        if (app != null) {
            app.destroy();
            if (!app.waitFor(5, TimeUnit.SECONDS)) {
                app.destroyForcibly();
            }
        }
    }

    @ParameterizedTest(name = "{0} file(s)")
    @ValueSource(ints = {1, 3})
    void runTaskFilesArriveAsUploadFilesIntact(int n) throws Exception {
        List<Path> files = files(n);
        ObjectNode args = M.createObjectNode().put("task", "triage").put("webhook_url", "https://example.com/hook");
        args.putObject("init_params").put("ticket", "Password reset email never arrives");
        args.putObject("secret_params").put("TEMP_KEY", "s3cret-value");
        files.forEach(f -> args.withArray("files").add(f.toString()));

        JsonNode out = new RunTools(context(), new io.jettymcp.catalog.trajectories.TrajectoryWaiter(new io.jettymcp.catalog.trajectories.TrajectoryReader(context()))).run(call(args)).block(Duration.ofSeconds(30));

        assertThat(out.path("workflow_id").asText()).isEqualTo("contract-triage--0123abcd");
        JsonNode got = received("run");
        assertFilesIntact(got, files);
        assertThat(texts(got)).as("every other field a non-empty top-level text part")
                .contains("init_params", "secret_params", "webhook_url").doesNotContain("files");
        assertThat(M.readTree(got.path("init_params").asText()).path("ticket").asText())
                .isEqualTo("Password reset email never arrives");
        assertThat(got.path("webhook_url").asText()).isEqualTo("https://example.com/hook");
        assertThat(got.path("has_secret_params").asBoolean()).isTrue();
    }

    @ParameterizedTest(name = "{0} file(s)")
    @ValueSource(ints = {1, 3})
    void uploadFilePathsArriveAsUploadFilesIntact(int n) throws Exception {
        List<Path> files = files(n);
        ObjectNode args = M.createObjectNode();
        files.forEach(f -> args.withArray("paths").add(f.toString()));

        JsonNode out = new FileTools(context()).upload(call(args)).block(Duration.ofSeconds(30));

        assertThat(out.path("count").asInt()).isEqualTo(n);
        JsonNode got = received("upload");
        assertFilesIntact(got, files);
        assertThat(texts(got)).isEmpty();
    }

    /** The control: Reactor Netty's default encoding is what FastAPI rejects, and the sandbox rejects it alike. */
    @Test
    void theOldNestedEncodingIsA422FromFastApiAndFromTheSandbox() throws Exception {
        try (SandboxServer sandbox = SandboxServer.start(SandboxOptions.defaults())) {
            for (String path : List.of("/api/v1/run/demo/text-echo", "/api/v1/sandbox/upload")) {
                Answer real = nestedForm(base, path);
                assertThat(real.status()).as(path + ": " + real.body()).isEqualTo(422);
                JsonNode r = real.body().path("detail").get(0);
                assertThat(r.path("loc").toString()).isEqualTo("[\"body\",\"files\",0]");
                assertThat(r.path("msg").asText()).contains(FASTAPI_MSG);

                Answer sim = nestedForm(sandbox.baseUrl(), path);
                assertThat(sim.status()).as(path).isEqualTo(422);
                JsonNode s = sim.body().path("detail").get(0);
                assertThat(s.path("loc")).isEqualTo(r.path("loc"));
                assertThat(s.path("type")).isEqualTo(r.path("type"));
                // pydantic v2 (production, the sandbox) prefixes "Value error, "; Debian's FastAPI uses pydantic v1
                assertThat(s.path("msg").asText()).endsWith(FASTAPI_MSG);
            }
        }
    }

    private static void assertFilesIntact(JsonNode got, List<Path> files) throws Exception {
        List<String> fileParts = new ArrayList<>();
        got.path("parts").forEach(p -> {
            if (p.get(1).asText().equals("file")) {
                fileParts.add(p.get(0).asText());
            }
        });
        assertThat(fileParts).as("one top-level UploadFile part per file").hasSize(files.size()).containsOnly("files");
        assertThat(got.path("files")).hasSize(files.size());
        for (int i = 0; i < files.size(); i++) {
            JsonNode f = got.path("files").get(i);
            assertThat(f.path("filename").asText()).isEqualTo(files.get(i).getFileName().toString());
            assertThat(f.path("size").asLong()).isEqualTo(Files.size(files.get(i)));
            assertThat(f.path("sha256").asText()).as(files.get(i).toString()).isEqualTo(sha256(files.get(i)));
        }
    }

    private static List<String> texts(JsonNode got) {
        List<String> out = new ArrayList<>();
        got.path("parts").forEach(p -> {
            if (p.get(1).asText().equals("text")) {
                out.add(p.get(0).asText());
            }
        });
        return out;
    }

    /** Text; binary holding CRLFs and a would-be boundary; 200 kB, past Netty's and python-multipart's memory limits. */
    private List<Path> files(int n) throws IOException {
        Path dir = Files.createTempDirectory(tmp, "files");
        byte[] tricky = new byte[256 + 24];
        for (int i = 0; i < 256; i++) {
            tricky[i] = (byte) i;
        }
        System.arraycopy("\r\n--boundary--\r\n\r\n\r\n".getBytes(StandardCharsets.US_ASCII), 0, tricky, 256, 20);
        byte[] large = new byte[200_000];
        new java.util.Random(7).nextBytes(large);
        List<Path> all = List.of(Files.writeString(dir.resolve("ticket.txt"), "Password reset email never arrives\n"),
                Files.write(dir.resolve("blob.bin"), tricky), Files.write(dir.resolve("big.csv"), large));
        return all.subList(0, n);
    }

    private ToolContext context() {
        Settings s = Settings.builder().baseUrl(base).token(new Token("contract-token", "test"))
                .responseTimeout(Duration.ofSeconds(20)).filesRoots(List.of(tmp), true).downloadDir(tmp.resolve("dl"))
                .maxUploadBytes(8L * 1024 * 1024).build();
        return new ToolContext(s, M, "test");
    }

    private ToolCall call(ObjectNode args) {
        JettyApi api = JettyApi.create(base, new Token("contract-token", "test"), Duration.ofSeconds(2),
                Duration.ofSeconds(20), RetryPolicy.NONE, M, "test");
        args.put("collection", "contract");
        return new ToolCall(null, args, "contract", new Tenant(api, new CollectionScope(Set.of(), api)),
                ToolCall.Progress.NONE);
    }

    private JsonNode received(String what) throws Exception {
        HttpResponse<byte[]> r = http11().send(HttpRequest.newBuilder(
                URI.create(base + "/__received/" + what)).build(), HttpResponse.BodyHandlers.ofByteArray());
        return M.readTree(r.body());
    }

    record Answer(int status, JsonNode body) {
    }

    /** Two files under one name, by Reactor Netty's default (RFC 1738) form encoder: one nested multipart/mixed part. */
    private static Answer nestedForm(String baseUrl, String path) {
        return HttpClient.create().baseUrl(baseUrl)
                .headers(h -> h.set("User-Agent", "jetty-mcp-contract-test")
                        .set("Authorization", "Bearer " + SandboxSeeds.DEMO_TOKEN))
                .post().uri(path)
                .sendForm((req, f) -> f.multipart(true)
                        .attr("init_params", "{}")
                        .file("files", "a.txt", new ByteArrayInputStream("first".getBytes(StandardCharsets.UTF_8)), "text/plain")
                        .file("files", "b.txt", new ByteArrayInputStream("second".getBytes(StandardCharsets.UTF_8)), "text/plain"))
                .responseSingle((res, body) -> body.asByteArray().defaultIfEmpty(new byte[0]).map(b -> {
                    try {
                        return new Answer(res.status().code(), M.readTree(b));
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }))
                .block(Duration.ofSeconds(20));
    }

    /** Null when the packages are there; otherwise what is missing. */
    private static String missingPackages() throws InterruptedException {
        if (!Files.isExecutable(PYTHON)) {
            return PYTHON + " is not installed";
        }
        try {
            Process p = new ProcessBuilder(PYTHON.toString(), "-c", "import fastapi, multipart, uvicorn")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return PYTHON + " did not answer";
            }
            return p.exitValue() == 0 ? null : out.substring(out.lastIndexOf('\n') + 1);
        } catch (IOException e) {
            return e.getMessage();
        }
    }

    /** Polls /health until it answers, the process ends, or 30 s pass: a start-up wait, not an assertion. */
    private boolean ready(String url) throws InterruptedException {
        java.net.http.HttpClient c = http11();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (app.isAlive() && System.nanoTime() < deadline) {
            try {
                if (c.send(HttpRequest.newBuilder(URI.create(url + "/health")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return true;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        return false;
    }

    /** uvicorn does not take the JDK client's default h2c upgrade. */
    private static java.net.http.HttpClient http11() {
        return java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static String sha256(Path f) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
    }
}
