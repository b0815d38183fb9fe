package io.jettymcp.cli;

import io.jettymcp.config.ConfigException;
import io.jettymcp.config.Settings;
import io.jettymcp.config.SettingsLoader;
import io.jettymcp.config.Token;
import io.jettymcp.guard.RedactingOutputStream;
import io.jettymcp.guard.Secrets;
import io.jettymcp.sandbox.SandboxOptions;
import io.jettymcp.sandbox.SandboxSeeds;
import io.jettymcp.sandbox.SandboxServer;
import io.jettymcp.server.JettyMcpServer;
import io.jettymcp.server.Version;
import io.jettymcp.spec.SpecException;
import io.jettymcp.spec.Toolset;
import io.jettymcp.transport.JsonRpcLines;
import io.jettymcp.transport.StdinLines;
import io.jettymcp.transport.StdioTransport;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Entry point. {@code jetty-mcp} serves MCP on stdio; {@code jetty-mcp sandbox --port N} runs the
 * Jetty simulator alone; {@code jetty-mcp tools} prints the tool table; {@code jetty-mcp doctor} and
 * {@code jetty-mcp check} check a setup against the real Jetty.
 *
 * <p>stdout belongs to the protocol: it is captured first thing and {@code System.out} is pointed at
 * stderr, so no library can corrupt the stream with a stray print. The CLI is declared with picocli's
 * programmatic API (no annotation scanning on the start-up path).
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        PrintStream protocolOut = System.out;
        System.setOut(System.err);
        int code = run(args, protocolOut);
        if (code >= 0) {
            System.exit(code);
        }
    }

    /** @return the exit code, or -1 when a server was started and keeps running */
    static int run(String[] args, PrintStream protocolOut) {
        if (args.length == 0) {
            return serve(CliOptions.NONE, protocolOut); // the common launch: nothing to parse
        }
        if (args.length == 1 && args[0].equals(Train.FLAG)) {
            return Train.run(); // hidden: the launcher's class-cache training session
        }
        CommandSpec root = rootSpec();
        CommandLine cl = new CommandLine(root);
        ParseResult pr;
        try {
            pr = cl.parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            System.err.println("jetty-mcp: " + e.getMessage());
            System.err.println("Run 'java -jar jetty-mcp.jar --help' for the options.");
            return 2;
        }
        if (pr.isUsageHelpRequested() || (pr.subcommand() != null && pr.subcommand().isUsageHelpRequested())) {
            (pr.subcommand() != null ? pr.subcommand().commandSpec().commandLine() : cl).usage(protocolOut);
            protocolOut.flush();
            return 0;
        }
        if (pr.isVersionHelpRequested()) {
            protocolOut.println("jetty-mcp " + Version.get());
            protocolOut.flush();
            return 0;
        }
        try {
            if (pr.subcommand() != null && pr.subcommand().commandSpec().name().equals("sandbox")) {
                return runSandbox(pr.subcommand());
            }
            if (pr.subcommand() != null && pr.subcommand().commandSpec().name().equals("doctor")) {
                Settings settings = new SettingsLoader(System.getenv()).load(new SettingsLoader.Flags(
                        pr.subcommand().matchedOptionValue("--token-file", null), null, null, null, false, List.<Path>of(),
                        null, false));
                int code = Doctor.run(settings, protocolOut);
                protocolOut.flush();
                return code;
            }
            if (pr.subcommand() != null && pr.subcommand().commandSpec().name().equals("check")) {
                ParseResult sub = pr.subcommand();
                Settings settings = new SettingsLoader(System.getenv()).load(new SettingsLoader.Flags(
                        sub.matchedOptionValue("--token-file", null), null, null, null, false, List.<Path>of(), null, false));
                int code = Check.run(settings, protocolOut, Check.Options.of(sub.hasMatchedOption("--write-probe"),
                        sub.matchedOptionValue("--openapi", null)));
                protocolOut.flush();
                return code;
            }
            if (pr.subcommand() != null && pr.subcommand().commandSpec().name().equals("config")) {
                return ClientConfig.run(pr.subcommand().matchedPositionalValue(0, ""), ownJar(),
                        Path.of(System.getProperty("java.home"), "bin", "java"),
                        System.getProperty("os.name", "").startsWith("Windows"), System.getenv(), protocolOut, System.err);
            }
            if (pr.subcommand() != null && pr.subcommand().commandSpec().name().equals("tools")) {
                return Tools.print(pr.subcommand(), System.err, protocolOut);
            }
            return serve(CliOptions.of(pr), protocolOut);
        } catch (ConfigException | SpecException e) {
            System.err.println("jetty-mcp: " + e.getMessage());
            return 2;
        }
    }

    static int serve(CliOptions pr, PrintStream protocolOut) {
        Secrets secrets = new Secrets();
        // every stderr line (our logs, libraries', stack traces) passes every tenant's redaction set on its way
        // out; System.out already points at stderr, so it follows
        RedactingOutputStream redacting = new RedactingOutputStream(new java.io.FileOutputStream(java.io.FileDescriptor.err),
                secrets::redactAll);
        PrintStream err = new PrintStream(redacting, true, java.nio.charset.StandardCharsets.UTF_8);
        System.setErr(err);
        System.setOut(err);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                redacting.drain(); // a last line without its end is still written, redacted
            } catch (java.io.IOException e) {
                // stderr is gone: nothing to tell anyone
            }
        }, "stderr-drain"));
        if (!pr.hasMatchedOption("--http")) {
            HttpMode.refuseWithoutHttp(pr);
        }
        SettingsLoader loader = new SettingsLoader(System.getenv());
        boolean sandbox = pr.hasMatchedOption("--sandbox");
        Settings settings = loader.load(new SettingsLoader.Flags(
                pr.matchedOptionValue("--token-file", null),
                pr.matchedOptionValue("--toolsets", null),
                pr.matchedOptionValue("--tools", null),
                pr.matchedOptionValue("--exclude-tools", null),
                pr.hasMatchedOption("--read-only"),
                pr.matchedOptionValue("--files-root", List.<Path>of()),
                pr.matchedOptionValue("--download-dir", null),
                sandbox));
        boolean modern = HttpMode.modernEra(pr.matchedOptionValue("--protocol-era", HttpMode.DEFAULT_ERA));
        Path policy = pr.matchedOptionValue("--policy", null);
        StdinLines stdin = null;
        if (!pr.hasMatchedOption("--http")) {
            // stdin is read from now on: the opening requests may be answered from an earlier launch's answers
            // while the sandbox and the server are built on this thread (the era setting is part of their key)
            stdin = new StdinLines(System.in, protocolOut, Opening.answers(ownJar(), settings, modern, policy, System.getenv()));
            stdin.start();
        }
        SandboxServer sim = null;
        if (!sandbox && pr.hasMatchedOption("--sandbox-profile")) {
            throw new ConfigException("--sandbox-profile applies to the embedded sandbox only: add --sandbox, or drop it.");
        }
        if (sandbox) {
            sim = SandboxServer.start(SandboxOptions.defaults());
            applyProfile(sim, pr.matchedOptionValue("--sandbox-profile", null));
            settings = settings.withBaseUrlAndToken(sim.baseUrl(), new Token(SandboxSeeds.DEMO_TOKEN, "sandbox"));
            System.err.println("jetty-mcp: running on the embedded SANDBOX at " + sim.baseUrl() + " with fake data "
                    + "(collection 'demo'); no Jetty key is needed or used. Drop --sandbox to use your Jetty account.");
        } else if (!settings.token().present() && !pr.hasMatchedOption("--per-request-key")) {
            System.err.println("jetty-mcp: no Jetty API token found (JETTY_API_TOKEN, --token-file or "
                    + "~/.config/jetty/token); tools that need one will say how to set it.");
        }
        if (pr.hasMatchedOption("--http")) {
            return HttpMode.serve(pr, settings, secrets, System.getenv(), sim);
        }
        JettyMcpServer server = new JettyMcpServer(settings, secrets, policy, null, stdin.opening().openedEarly());
        CountDownLatch ended = new CountDownLatch(1);
        java.util.function.Supplier<io.modelcontextprotocol.modern.server.McpRequestManager> modernLane =
                modern ? () -> server.startModern(HttpMode.approvalKey(System.getenv(), secrets)) : null;
        StdioTransport transport = new StdioTransport(server.mcpMapper(), new JsonRpcLines(server.mapper(), server.mcpMapper()),
                stdin, ended::countDown, server::prepareFirstCall, modernLane);
        server.start(transport);
        try {
            ended.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (sim != null) {
            sim.close();
        }
        return 0;
    }

    private static int runSandbox(ParseResult pr) {
        int port = pr.matchedOptionValue("--port", 8765);
        SandboxServer sim = SandboxServer.start(new SandboxOptions(port, 42, 1.0));
        applyProfile(sim, pr.matchedOptionValue("--profile", null));
        System.err.println("Jetty sandbox simulator listening on " + sim.baseUrl() + " (loopback only, fake data).");
        System.err.println("  Point a client at it: JETTY_API_URL=" + sim.baseUrl());
        System.err.println("  Keys: demo  " + SandboxSeeds.DEMO_TOKEN);
        System.err.println("        acme  " + SandboxSeeds.ACME_TOKEN);
        System.err.println("        user  " + SandboxSeeds.USER_TOKEN + " (no collection scope)");
        System.err.println("  Admin: " + sim.baseUrl() + "/__sim/requests, /__sim/faults, /__sim/reset. Ctrl-C stops it.");
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            sim.close();
            stopped.countDown();
        }));
        try {
            stopped.await(); // Netty's threads are daemons: keep the JVM alive until Ctrl-C
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /** {@code production}: every evidence switch on (jetty-api.md §7). */
    private static void applyProfile(SandboxServer sim, String profile) {
        if (profile != null && !profile.equals("production")) {
            throw new ConfigException("Unknown sandbox profile '" + profile + "': the one profile is 'production'.");
        }
        if (profile != null) {
            sim.switches().production();
            System.err.println("jetty-mcp: sandbox profile 'production': it answers as production is known to (jetty-api.md §7).");
        }
    }

    static CommandSpec rootSpec() {
        CommandSpec spec = helpAndVersion(CommandSpec.create().name("jetty-mcp").version("jetty-mcp " + Version.get()));
        spec.usageMessage().description(
                "MCP server for the Jetty AI-workflow platform (jetty.io). Serves MCP on stdio by default.",
                "Token: --token-file, JETTY_API_TOKEN, or ~/.config/jetty/token. API: JETTY_API_URL.",
                "Scope: JETTY_COLLECTIONS (comma list). Timeouts: JETTY_TIMEOUT_SECONDS, JETTY_CONNECT_TIMEOUT_SECONDS.");
        spec.addOption(flag("--sandbox", "Serve against an embedded Jetty simulator with fake data (no key needed)."));
        spec.addOption(OptionSpec.builder("--sandbox-profile").paramLabel("NAME").type(String.class)
                .description("With --sandbox: 'production' makes the simulator answer as production is known to.").build());
        spec.addOption(opt("--token-file", Path.class, "FILE", "Read the Jetty API token from FILE."));
        List<String> toolsets = new ArrayList<>();
        toolsets.add("Comma list of toolsets to expose (env JETTY_TOOLSETS; default: default):");
        toolsets.add("  " + Toolset.DEFAULT + ": every tool but " + String.join(", ", Toolset.OUTSIDE_DEFAULT)
                + " (add one's toolset, e.g. default,files, or use all)");
        toolsets.add("  " + Toolset.EVERY + ": every tool");
        Toolset.ALL.forEach(t -> toolsets.add("  " + t.name() + ": " + t.description()));
        spec.addOption(OptionSpec.builder("--toolsets").paramLabel("LIST").type(String.class)
                .description(toolsets.toArray(String[]::new)).build());
        spec.addOption(opt("--tools", String.class, "LIST", "Comma list of tools to expose (overrides --toolsets)."));
        spec.addOption(opt("--exclude-tools", String.class, "LIST", "Comma list of tools to hide."));
        spec.addOption(flag("--read-only", "Expose read-only tools only; write tools are not listed at all."));
        spec.addOption(OptionSpec.builder("--files-root").paramLabel("DIR").type(List.class).auxiliaryTypes(Path.class)
                .description("Directory local files may be read from (repeatable; default: working directory and $HOME).").build());
        spec.addOption(opt("--download-dir", Path.class, "DIR", "Where download-file writes (default $HOME/jetty-downloads)."));
        spec.addOption(opt("--policy", Path.class, "FILE", "JSON policy: allow, approval_required or deny per tool and collection."));

        HttpMode.addOptions(spec);

        CommandSpec sandbox = helpAndVersion(CommandSpec.create().name("sandbox"));
        sandbox.usageMessage().description("Run the Jetty simulator alone on loopback, for any client or server.");
        sandbox.addOption(opt("--port", int.class, "N", "Port to listen on (default 8765; 0 picks a free one)."));
        sandbox.addOption(OptionSpec.builder("--profile").paramLabel("NAME").type(String.class)
                .description("'production': answer as production is known to (jetty-api.md §7).").build());
        spec.addSubcommand("sandbox", sandbox);

        CommandSpec doctor = helpAndVersion(CommandSpec.create().name("doctor"));
        doctor.usageMessage().description("Check the configuration, the token and the connection to Jetty, and say what to fix.");
        doctor.addOption(opt("--token-file", Path.class, "FILE", "Read the Jetty API token from FILE."));
        spec.addSubcommand("doctor", doctor);

        CommandSpec check = helpAndVersion(CommandSpec.create().name("check"));
        check.usageMessage().description("Doctor, then every Jetty route the tools call: diffs GET /openapi.json, probes "
                        + "each GET read-only and checks the fields the tools read. Exit 1 for a missing route or field.",
                "Attach its output to a bug report. Nothing is written without --write-probe.");
        check.addOption(opt("--token-file", Path.class, "FILE", "Read the Jetty API token from FILE."));
        check.addOption(flag("--write-probe", "Also create a scratch task, upload two files, run it once (one trial run "
                + "when on a trial), read it back and delete it."));
        check.addOption(opt("--openapi", Path.class, "FILE", "Diff against this OpenAPI document instead of GET /openapi.json."));
        spec.addSubcommand("check", check);

        CommandSpec config = helpAndVersion(CommandSpec.create().name("config"));
        config.usageMessage().description("Print the ready-to-paste MCP entry for CLIENT with this machine's paths (the "
                + "jetty-mcp launcher, else java -jar) and a placeholder for the key; where to paste it goes to stderr.",
                "Clients: " + String.join(", ", ClientConfig.CLIENTS) + ".");
        config.addPositional(CommandLine.Model.PositionalParamSpec.builder().paramLabel("CLIENT").type(String.class)
                .arity("1").description("One of: " + String.join(", ", ClientConfig.CLIENTS) + ".").build());
        spec.addSubcommand("config", config);

        CommandSpec tools = helpAndVersion(CommandSpec.create().name("tools"));
        tools.usageMessage().description("Print the tool catalog as a Markdown table on stdout.");
        spec.addSubcommand("tools", tools);
        return spec;
    }

    /** The jar this class runs from (target/classes when run from the build tree). */
    private static Path ownJar() {
        try {
            return Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * -h/--help and -V/--version declared directly: picocli's mixinStandardHelpOptions builds them from an
     * annotated class by reflection, which cost ~80 ms of every stdio launch.
     */
    private static CommandSpec helpAndVersion(CommandSpec spec) {
        spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true).description("Show this help and exit.").build());
        spec.addOption(OptionSpec.builder("-V", "--version").versionHelp(true).description("Print the version and exit.").build());
        return spec;
    }

    static OptionSpec flag(String name, String description) {
        return OptionSpec.builder(name).type(boolean.class).arity("0").description(description).build();
    }

    static OptionSpec opt(String name, Class<?> type, String label, String description) {
        return OptionSpec.builder(name).type(type).paramLabel(label).description(description).build();
    }
}
