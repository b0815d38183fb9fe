package io.jettymcp.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jettymcp.e2e.support.SandboxTest;
import io.jettymcp.e2e.support.ServerProcess;
import io.jettymcp.sandbox.SandboxSeeds;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Claude Desktop bundle ({@code target/jetty-mcp.mcpb}, built by {@code mvn package -Pmcpb}) unpacked and
 * started exactly as its {@code manifest.json} says, with {@code ${__dirname}} and {@code ${user_config.*}}
 * substituted as Claude Desktop substitutes them (defaults first, then the user's values; an optional setting
 * with neither stays literal). Skips without the bundle, unless {@code JETTY_MCP_REQUIRE_MCPB=1} (.ci/run).
 */
class BundleE2ETest extends SandboxTest {

    private static final ObjectMapper M = new ObjectMapper();

    private Path dir;
    private JsonNode manifest;
    private String skipped;

    @BeforeAll
    void unpack() throws IOException {
        Path mcpb = ServerProcess.jar().resolveSibling("jetty-mcp.mcpb");
        if (!Files.isRegularFile(mcpb)) {
            skipped = "BundleE2ETest needs " + mcpb + ": build it with 'mvn package -Pmcpb' (needs npm)";
            if ("1".equals(System.getenv("JETTY_MCP_REQUIRE_MCPB"))) {
                fail(skipped + " — required here because JETTY_MCP_REQUIRE_MCPB=1");
            }
            System.err.println("SKIPPED: " + skipped);
            return;
        }
        dir = tempDir("bundle");
        // zipfs with POSIX attributes: the launcher must arrive executable, as Claude Desktop unpacks it
        try (FileSystem zip = FileSystems.newFileSystem(mcpb, Map.of("enablePosixFileAttributes", "true"));
             Stream<Path> entries = Files.walk(zip.getPath("/"))) {
            for (Path e : (Iterable<Path>) entries.filter(Files::isRegularFile)::iterator) {
                Path to = dir.resolve(e.toString().substring(1)).normalize();
                assertThat(to).startsWithRaw(dir); // no entry may land outside the bundle
                Files.createDirectories(to.getParent());
                Files.copy(e, to);
                Files.setPosixFilePermissions(to, Files.getPosixFilePermissions(e));
            }
        }
        manifest = M.readTree(dir.resolve("manifest.json").toFile());
    }

    @BeforeEach
    void needsTheBundle() {
        assumeTrue(skipped == null, skipped);
    }

    @Test
    void manifestAsksForTheKeyAsASecretAndPassesEverySettingAsTheEnvTheServerReads() {
        JsonNode server = manifest.path("server");
        assertThat(server.path("type").asText()).isEqualTo("binary");
        assertThat(dir.resolve(server.path("entry_point").asText())).isExecutable();
        JsonNode key = manifest.path("user_config").path("api_key");
        assertThat(key.path("type").asText()).isEqualTo("string");
        assertThat(key.path("sensitive").asBoolean()).isTrue();
        assertThat(key.path("required").asBoolean()).isTrue();
        assertThat(M.convertValue(server.path("mcp_config").path("env"), Map.class)).containsAllEntriesOf(Map.of(
                "JETTY_API_TOKEN", "${user_config.api_key}",
                "JETTY_COLLECTIONS", "${user_config.collections}",
                "JETTY_READ_ONLY", "${user_config.read_only}"));
        assertThat(manifest.path("compatibility").path("platforms")).extracting(JsonNode::asText)
                .containsExactlyInAnyOrder("darwin", "linux", "win32");
    }

    @Test
    void macOsAndLinuxStartTheBundledLauncherWithTheUsersKey() {
        Launch linux = launch("linux", Map.of("api_key", SandboxSeeds.DEMO_TOKEN));
        assertThat(linux).isEqualTo(launch("darwin", Map.of("api_key", SandboxSeeds.DEMO_TOKEN)));
        assertThat(linux.command()).isEqualTo(dir.resolve("jetty-mcp").toString());
        List<McpSchema.Tool> tools = assertListsToolsAndAnswers(linux, List.of("run-task", "create-task"), List.of());
        assertThat(tools).filteredOn(t -> t.name().equals("list-tasks")).singleElement()
                .satisfies(t -> assertThat(M.valueToTree(t.inputSchema()).path("properties").has("collection")).isTrue());
    }

    @Test
    void windowsRunsTheSameJarThroughJavaWithReadOnlyAndOneCollection() {
        Launch windows = launch("win32", Map.of("api_key", SandboxSeeds.DEMO_TOKEN, "read_only", true, "collections", "demo"));
        assertThat(windows.command()).isEqualTo("java");
        assertThat(windows.args()).contains("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar",
                dir.resolve("target/jetty-mcp.jar").toString());
        // Windows finds java.exe on PATH; here, this JDK's java
        Launch here = new Launch(Path.of(System.getProperty("java.home"), "bin", "java").toString(), windows.args(), windows.env());
        List<McpSchema.Tool> tools = assertListsToolsAndAnswers(here, List.of(), List.of("run-task", "create-task"));
        // one collection in JETTY_COLLECTIONS: the server fills `collection` in, so no tool asks for it
        assertThat(tools).filteredOn(t -> t.name().equals("list-tasks")).singleElement()
                .satisfies(t -> assertThat(M.valueToTree(t.inputSchema()).path("properties").has("collection")).isFalse());
    }

    /** Starts the server as the launch says, lists its tools and calls list-collections with the user's key. */
    private List<McpSchema.Tool> assertListsToolsAndAnswers(Launch launch, List<String> listed, List<String> hidden) {
        Map<String, String> env = new HashMap<>();
        String javaHome = System.getProperty("java.home");
        env.put("PATH", javaHome + "/bin:" + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        env.put("JAVA_HOME", javaHome);
        env.put("HOME", tempDir("home").toString());
        env.put("JETTY_API_URL", sandbox.baseUrl()); // the sandbox instead of Jetty: read from the inherited environment
        env.putAll(launch.env());
        List<String> stderr = Collections.synchronizedList(new ArrayList<>());
        StdioClientTransport transport = new StdioClientTransport(
                ServerParameters.builder(launch.command()).args(launch.args()).env(env).build(), new JacksonMcpJsonMapper(M));
        transport.setStdErrorHandler(stderr::add);
        McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(60))
                .initializationTimeout(Duration.ofSeconds(60)).build();
        try {
            client.initialize();
            List<McpSchema.Tool> listing = client.listTools().tools();
            List<String> tools = listing.stream().map(McpSchema.Tool::name).toList();
            assertThat(tools).contains("list-collections", "whoami").containsAll(listed);
            hidden.forEach(h -> assertThat(tools).doesNotContain(h));
            McpSchema.CallToolResult r = client.callTool(new McpSchema.CallToolRequest("list-collections", Map.of()));
            assertThat(r.isError()).as(ServerProcess.text(r)).isNotEqualTo(Boolean.TRUE);
            assertThat(ServerProcess.text(r)).contains("demo");
            assertThat(String.join("\n", stderr)).doesNotContain(SandboxSeeds.DEMO_TOKEN);
            return listing;
        } finally {
            client.closeGracefully();
        }
    }

    record Launch(String command, List<String> args, Map<String, String> env) {
    }

    /**
     * The command line Claude Desktop builds from mcp_config on {@code platform}: the platform's override replaces
     * command, args or env as a whole; then variables are substituted.
     */
    private Launch launch(String platform, Map<String, Object> userValues) {
        JsonNode config = manifest.path("server").path("mcp_config");
        JsonNode override = config.path("platform_overrides").path(platform);
        JsonNode command = override.has("command") ? override.get("command") : config.get("command");
        JsonNode args = override.has("args") ? override.get("args") : config.path("args");
        JsonNode env = override.has("env") ? override.get("env") : config.path("env");

        Map<String, String> vars = new LinkedHashMap<>();
        vars.put("__dirname", dir.toString());
        vars.put("pathSeparator", "/");
        vars.put("/", "/");
        Map<String, Object> merged = new LinkedHashMap<>();
        manifest.path("user_config").fields().forEachRemaining(e -> {
            if (e.getValue().has("default")) {
                merged.put(e.getKey(), M.convertValue(e.getValue().get("default"), Object.class));
            }
        });
        merged.putAll(userValues);
        merged.forEach((k, v) -> vars.put("user_config." + k, String.valueOf(v))); // booleans become "true"/"false"

        List<String> argList = new ArrayList<>();
        args.forEach(a -> argList.add(substitute(a.asText(), vars)));
        Map<String, String> envMap = new LinkedHashMap<>();
        env.fields().forEachRemaining(e -> envMap.put(e.getKey(), substitute(e.getValue().asText(), vars)));
        Launch launch = new Launch(substitute(command.asText(), vars), argList, envMap);
        // anything left would reach the server literally, e.g. an optional setting without a default
        assertThat(launch.toString()).as("unsubstituted variables in " + launch).doesNotContain("${");
        return launch;
    }

    private static String substitute(String value, Map<String, String> vars) {
        String out = value;
        for (Map.Entry<String, String> v : vars.entrySet()) {
            out = out.replace("${" + v.getKey() + "}", v.getValue());
        }
        return out;
    }
}
