package io.jettymcp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jettymcp.config.ConfigException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code jetty-mcp config CLIENT}: each client's snippet in that client's format, the launcher's path, no key. */
class ClientConfigTest {

    private static final ObjectMapper M = new ObjectMapper();
    private static final String REAL_KEY = "mlc_realKeyFromTheEnvironment0042";

    @TempDir
    Path repo;
    Path jar;
    Path launcher;
    final Path java = Path.of("/opt/jdk/bin/java");

    @BeforeEach
    void repositoryLayout() throws IOException {
        jar = Files.createDirectories(repo.resolve("target")).resolve("jetty-mcp.jar");
        Files.writeString(jar, "jar");
        launcher = Files.writeString(repo.resolve("jetty-mcp"), "#!/bin/sh\n");
    }

    /** out, err, exit code; the environment holds a real-looking key, which must not appear anywhere. */
    private String[] run(String client) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = ClientConfig.run(client, jar, java, false, Map.of("JETTY_API_TOKEN", REAL_KEY, "HOME", "/home/ada"),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).isZero();
        return new String[]{out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
    }

    @ParameterizedTest
    @ValueSource(strings = {"claude-desktop", "claude-code", "cursor", "windsurf", "gemini"})
    void mcpServersClientsGetTheLauncherByAbsolutePath(String client) throws IOException {
        String[] r = run(client);
        JsonNode server = M.readTree(r[0]).path("mcpServers").path("jetty");
        assertThat(server.path("command").asText()).isEqualTo(launcher.toString()).startsWith("/");
        assertThat(server.path("args")).isEmpty();
        assertThat(server.path("env").path("JETTY_API_TOKEN").asText())
                .isEqualTo(client.equals("claude-code") ? "${JETTY_API_TOKEN}" : ClientConfig.KEY_PLACEHOLDER);
        assertThat(r[0] + r[1]).doesNotContain(REAL_KEY);
        assertThat(r[1]).isNotBlank().doesNotContain("mcpServers\"", "\"command\""); // the snippet alone on stdout
    }

    @Test
    void vscodeAsksForTheKeyThroughAnInput() throws IOException {
        String[] r = run("vscode");
        JsonNode root = M.readTree(r[0]);
        JsonNode server = root.path("servers").path("jetty");
        assertThat(server.path("type").asText()).isEqualTo("stdio");
        assertThat(server.path("command").asText()).isEqualTo(launcher.toString());
        assertThat(server.path("env").path("JETTY_API_TOKEN").asText()).isEqualTo("${input:jetty-api-key}");
        JsonNode input = root.path("inputs").path(0);
        assertThat(input.path("id").asText()).isEqualTo("jetty-api-key");
        assertThat(input.path("password").asBoolean()).isTrue();
        assertThat(r[0] + r[1]).doesNotContain(REAL_KEY);
    }

    @Test
    void codexGetsTomlThatATomlParserReads() throws Exception {
        // a path that needs escaping in TOML (quote, backslash) must survive
        Path odd = Files.createDirectories(repo.resolve("we\"ird\\dir"));
        jar = Files.writeString(odd.resolve("jetty-mcp.jar"), "jar");
        String[] r = run("codex");
        assertThat(r[0]).startsWith("[mcp_servers.jetty]\n").doesNotContain(REAL_KEY);
        assertThat(r[1]).contains("/home/ada/.codex/config.toml");
        JsonNode parsed = toml(r[0]);
        JsonNode server = parsed.path("mcp_servers").path("jetty");
        assertThat(server.path("command").asText()).isEqualTo(java.toString());
        assertThat(server.path("args")).extracting(JsonNode::asText).endsWith("-jar", jar.toString())
                .contains("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");
        assertThat(server.path("env").path("JETTY_API_TOKEN").asText()).isEqualTo(ClientConfig.KEY_PLACEHOLDER);
    }

    @Test
    void withoutTheLauncherItIsJavaWithTheLaunchersStdioFlags() throws IOException {
        Files.delete(launcher);
        JsonNode server = M.readTree(run("cursor")[0]).path("mcpServers").path("jetty");
        assertThat(server.path("command").asText()).isEqualTo(java.toString());
        List<String> args = M.convertValue(server.path("args"), M.getTypeFactory().constructCollectionType(List.class, String.class));
        assertThat(args).containsSubsequence(ClientConfig.STDIO_JVM_FLAGS).endsWith("-jar", jar.toString());
    }

    @Test
    void aLauncherBesideTheJarIsToldWhichJar() throws IOException {
        Path dir = Files.createDirectories(repo.resolve("opt"));
        jar = Files.writeString(dir.resolve("jetty-mcp.jar"), "jar");
        Files.writeString(dir.resolve("jetty-mcp"), "#!/bin/sh\n");
        JsonNode server = M.readTree(run("gemini")[0]).path("mcpServers").path("jetty");
        assertThat(server.path("command").asText()).isEqualTo(dir.resolve("jetty-mcp").toString());
        assertThat(server.path("env").path("JETTY_MCP_JAR").asText()).isEqualTo(jar.toString());
    }

    @Test
    void windowsAlwaysUsesJava() {
        ClientConfig.Launch l = ClientConfig.Launch.find(jar, java, true);
        assertThat(l.command()).isEqualTo(java.toString());
        assertThat(l.args()).endsWith("-jar", jar.toString());
    }

    @Test
    void anUnknownClientIsRefusedNamingTheClients() {
        assertThatThrownBy(() -> run("claude"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("Unknown client 'claude'")
                .hasMessageContaining(String.join(", ", ClientConfig.CLIENTS));
    }

    @Test
    void helpListsTheConfigCommandAndItsClients() {
        String help = new CommandLine(Main.rootSpec()).getUsageMessage();
        assertThat(help).contains("config");
        String sub = new CommandLine(Main.rootSpec()).getSubcommands().get("config").getUsageMessage().replaceAll("\\s+", " ");
        ClientConfig.CLIENTS.forEach(c -> assertThat(sub).contains(c));
    }

    @Test
    void everyClientSnippetInTheReadmeStartsTheLauncher() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        String clients = readme.substring(readme.indexOf("### Claude Desktop"), readme.indexOf("## Configuration"));
        List<String> snippets = Pattern.compile("```(?:json|toml|sh)\\n(.*?)```", Pattern.DOTALL)
                .matcher(clients).results().map(m -> m.group(1)).filter(b -> !b.startsWith("mvn ")).toList();
        assertThat(snippets).hasSize(6); // Claude Desktop, Claude Code (2), Cursor/Windsurf/Gemini, VS Code, Codex
        assertThat(snippets).allSatisfy(b -> assertThat(b).contains("/path/to/jetty-mcp-repo/jetty-mcp")
                .doesNotContain("java -jar").doesNotContain("\"java\""));
        assertThat(readme).contains("target/jetty-mcp.mcpb", "Settings → Extensions →\nInstall Extension", "jetty-mcp config CLIENT");
    }

    /** TOML parsed by a real parser: Python's tomllib (3.11+), answering JSON. */
    private static JsonNode toml(String text) throws Exception {
        Path python = Path.of("/usr/bin/python3");
        assumeTrue(Files.isExecutable(python), "needs /usr/bin/python3 (3.11+, tomllib) to parse TOML");
        Process p = new ProcessBuilder(python.toString(), "-c",
                "import sys, json, tomllib; print(json.dumps(tomllib.loads(sys.stdin.read())))").start();
        p.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assumeTrue(!err.contains("No module named 'tomllib'"), "needs Python 3.11+ (tomllib) to parse TOML");
        assertThat(p.exitValue()).as("tomllib: " + err + "\n" + text).isZero();
        return M.readTree(out);
    }
}
