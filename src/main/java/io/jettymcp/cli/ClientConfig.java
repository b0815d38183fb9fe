package io.jettymcp.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jettymcp.config.ConfigException;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code jetty-mcp config CLIENT}: the ready-to-paste MCP server entry for one client, with this machine's
 * absolute paths. The snippet goes to stdout alone (so it can be piped or parsed); where to paste it goes to
 * stderr. The key is always a placeholder: the environment's token is never read here.
 */
final class ClientConfig {

    static final List<String> CLIENTS = List.of("claude-desktop", "claude-code", "cursor", "vscode", "windsurf", "codex", "gemini");

    static final String KEY_PLACEHOLDER = "mlc_your_key";

    /**
     * The launcher's stdio JVM flags (see ./jetty-mcp), for a start without it: no class cache, the rest the same.
     * Stated again in src/mcpb/manifest.json's Windows command; StdioFlagsTest keeps all three equal.
     */
    static final List<String> STDIO_JVM_FLAGS = List.of("-XX:+ExitOnOutOfMemoryError", "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC", "-Xss512k", "-Xms16m", "-Xmx128m", "-XX:-UsePerfData", "-Xlog:disable",
            "-Xlog:all=warning:stderr");

    private static final ObjectMapper JSON = new ObjectMapper();

    private ClientConfig() {
    }

    /** How a client starts the server on this machine. */
    record Launch(String command, List<String> args, Map<String, String> env) {

        /**
         * The {@code jetty-mcp} launcher when it can start this jar (the repository's layout, launcher beside
         * {@code target/}, or the launcher in the jar's own folder, told the jar by JETTY_MCP_JAR); otherwise
         * {@code java} with the launcher's stdio flags. On Windows always java: the launcher is a sh script.
         */
        static Launch find(Path jar, Path java, boolean windows) {
            Path abs = jar.toAbsolutePath().normalize();
            Path folder = abs.getParent();
            if (!windows && folder != null) {
                Path parent = folder.getParent();
                if (folder.getFileName().toString().equals("target") && parent != null && abs.getFileName().toString().equals("jetty-mcp.jar")
                        && Files.isRegularFile(parent.resolve("jetty-mcp"))) {
                    return new Launch(parent.resolve("jetty-mcp").toString(), List.of(), Map.of());
                }
                if (Files.isRegularFile(folder.resolve("jetty-mcp"))) {
                    return new Launch(folder.resolve("jetty-mcp").toString(), List.of(), Map.of("JETTY_MCP_JAR", abs.toString()));
                }
            }
            List<String> args = new java.util.ArrayList<>(STDIO_JVM_FLAGS);
            args.add("-jar");
            args.add(abs.toString());
            return new Launch(java.toAbsolutePath().toString(), List.copyOf(args), Map.of());
        }
    }

    /** The text to paste and a line saying where. */
    record Snippet(String text, String where) {
    }

    /** Prints CLIENT's snippet on {@code out} and where it goes on {@code err}. {@code env} is read for HOME only. */
    static int run(String client, Path jar, Path java, boolean windows, Map<String, String> env, PrintStream out, PrintStream err) {
        Path home = Path.of(env.getOrDefault("HOME", System.getProperty("user.home")));
        Snippet s = snippet(client, Launch.find(jar, java, windows), home);
        out.println(s.text());
        out.flush();
        err.println(s.where());
        Path bundle = jar.toAbsolutePath().resolveSibling("jetty-mcp.mcpb");
        if (client.equals("claude-desktop") && Files.isRegularFile(bundle)) {
            err.println("Or install the bundle instead (it asks for the key and keeps it in the OS keychain): open " + bundle
                    + " (double-click, or Claude Desktop → Settings → Extensions → Install Extension).");
        }
        return 0;
    }

    static Snippet snippet(String client, Launch launch, Path home) {
        String replace = " Replace " + KEY_PLACEHOLDER + " with your Jetty API key (jetty.io → Settings → API keys).";
        return switch (client) {
            case "claude-desktop" -> new Snippet(mcpServers(launch, KEY_PLACEHOLDER, false),
                    "Merge the \"jetty\" entry into mcpServers of claude_desktop_config.json (macOS: " + home
                            + "/Library/Application Support/Claude/; Windows: %APPDATA%\\Claude\\), then restart Claude Desktop."
                            + replace);
            case "claude-code" -> new Snippet(mcpServers(launch, "${JETTY_API_TOKEN}", true),
                    "Put it in .mcp.json at your project's root: Claude Code fills ${JETTY_API_TOKEN} in from its environment."
                            + replace + " Or run: " + claudeMcpAdd(launch));
            case "cursor" -> new Snippet(mcpServers(launch, KEY_PLACEHOLDER, false),
                    "Merge it into " + home.resolve(".cursor/mcp.json") + " (or .cursor/mcp.json in a project)." + replace);
            case "windsurf" -> new Snippet(mcpServers(launch, KEY_PLACEHOLDER, false),
                    "Merge it into " + home.resolve(".codeium/windsurf/mcp_config.json") + "." + replace);
            case "gemini" -> new Snippet(mcpServers(launch, KEY_PLACEHOLDER, false),
                    "Merge it into " + home.resolve(".gemini/settings.json") + " (or .gemini/settings.json in a project)." + replace);
            case "vscode" -> new Snippet(vscode(launch),
                    "Put it in .vscode/mcp.json in your workspace: VS Code asks for the key once and stores it securely.");
            case "codex" -> new Snippet(codex(launch),
                    "Append it to " + home.resolve(".codex/config.toml") + "." + replace);
            default -> throw new ConfigException("Unknown client '" + client + "': the clients are " + String.join(", ", CLIENTS) + ".");
        };
    }

    private static String mcpServers(Launch launch, String key, boolean typed) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode server = root.putObject("mcpServers").putObject("jetty");
        if (typed) {
            server.put("type", "stdio");
        }
        fill(server, launch, key);
        return pretty(root);
    }

    private static String vscode(Launch launch) {
        ObjectNode root = JSON.createObjectNode();
        root.putArray("inputs").addObject().put("type", "promptString").put("id", "jetty-api-key")
                .put("description", "Jetty API key (mlc_…)").put("password", true);
        ObjectNode server = root.putObject("servers").putObject("jetty");
        server.put("type", "stdio");
        fill(server, launch, "${input:jetty-api-key}");
        return pretty(root);
    }

    private static void fill(ObjectNode server, Launch launch, String key) {
        server.put("command", launch.command());
        ArrayNode args = server.putArray("args");
        launch.args().forEach(args::add);
        ObjectNode env = server.putObject("env");
        env.put("JETTY_API_TOKEN", key);
        launch.env().forEach(env::put);
    }

    /** Codex's TOML: JSON's string and array syntax is valid TOML for these values (basic strings, string arrays). */
    private static String codex(Launch launch) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("JETTY_API_TOKEN", KEY_PLACEHOLDER);
        env.putAll(launch.env());
        return "[mcp_servers.jetty]\n"
                + "command = " + json(launch.command()) + "\n"
                + "args = " + json(launch.args()) + "\n"
                + "env = { " + env.entrySet().stream().map(e -> e.getKey() + " = " + json(e.getValue()))
                .collect(Collectors.joining(", ")) + " }";
    }

    private static String claudeMcpAdd(Launch launch) {
        StringBuilder sb = new StringBuilder("claude mcp add jetty --env JETTY_API_TOKEN=" + KEY_PLACEHOLDER);
        launch.env().forEach((k, v) -> sb.append(" --env ").append(k).append('=').append(shellQuote(v)));
        sb.append(" -- ").append(shellQuote(launch.command()));
        launch.args().forEach(a -> sb.append(' ').append(shellQuote(a)));
        return sb.toString();
    }

    private static String shellQuote(String s) {
        return s.matches("[A-Za-z0-9_./:=+-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
    }

    private static String pretty(Object value) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
