package io.jettymcp.cli;

import io.jettymcp.api.JettyApi;
import io.jettymcp.api.RetryPolicy;
import io.jettymcp.config.ConfigException;
import io.jettymcp.config.Settings;
import io.jettymcp.config.Token;
import io.jettymcp.guard.Secrets;
import io.jettymcp.sandbox.SandboxServer;
import io.jettymcp.server.JettyMcpServer;
import io.jettymcp.server.Version;
import io.jettymcp.transport.http.HttpOptions;
import io.jettymcp.transport.http.McpHttpServer;
import io.jettymcp.transport.http.PerRequestKeys;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** {@code --http [HOST:]PORT}: the HTTP transports, with their options. */
final class HttpMode {

    static final String TOKEN_ENV = "JETTY_MCP_HTTP_TOKEN";
    static final Duration DEFAULT_DELAY_STATELESS = Duration.ofSeconds(5);
    static final Duration DEFAULT_DRAIN = Duration.ofSeconds(30);

    private HttpMode() {
    }

    static void addOptions(CommandSpec spec) {
        spec.addOption(Main.opt("--http", String.class, "[HOST:]PORT",
                "Serve MCP over HTTP instead of stdio: Streamable HTTP at /mcp, legacy SSE at /sse (host default 127.0.0.1)."));
        spec.addOption(Main.opt("--allowed-origins", String.class, "LIST",
                "Comma list of browser Origins allowed besides loopback ones (e.g. https://app.example.com)."));
        spec.addOption(Main.opt("--allowed-hosts", String.class, "LIST",
                "Comma list of Host header values allowed besides loopback names (deployments behind a proxy)."));
        spec.addOption(Main.opt("--http-token-file", Path.class, "FILE",
                "Bearer token clients must send (or env " + TOKEN_ENV + "); required off loopback."));
        spec.addOption(Main.opt("--http-idle-timeout", long.class, "SECONDS", "End sessions idle this long (default 1800)."));
        spec.addOption(Main.opt("--http-max-body", int.class, "BYTES", "Largest request body (default 4194304)."));
        spec.addOption(Main.opt("--max-concurrent-calls", int.class, "N", "Tool calls running at once; more wait (default 64)."));
        spec.addOption(Main.opt("--max-calls-per-tenant", int.class, "N",
                "Tool calls one Jetty key (or, without --per-request-key, one session) runs at once (default: half of --max-concurrent-calls)."));
        spec.addOption(Main.opt("--max-sessions", int.class, "N",
                "Live sessions (Streamable HTTP and legacy SSE together); past it the unused, then the longest idle end (default 1000)."));
        spec.addOption(Main.opt("--max-sessions-per-key", int.class, "N",
                "Live sessions of one X-Jetty-Api-Key, or of the bearer token when there is one (default 100)."));
        spec.addOption(Main.flag("--stateless", "HTTP without sessions, for replicas behind a load balancer (no progress, no elicitation)."));
        spec.addOption(Main.opt("--shutdown-delay", long.class, "SECONDS",
                "On SIGTERM, how long /healthz says 503 while everything is served as before, so balancers stop sending "
                        + "(default " + DEFAULT_DELAY_STATELESS.toSeconds() + " with --stateless, else 0; a second signal ends it)."));
        spec.addOption(Main.opt("--drain-timeout", long.class, "SECONDS",
                "After the shutdown delay, how long running calls may take to finish; then waits answer 'still running' "
                        + "(default " + DEFAULT_DRAIN.toSeconds() + ")."));
        spec.addOption(Main.flag("--per-request-key", "Each HTTP client sends its own Jetty key in the X-Jetty-Api-Key header."));
        spec.addOption(Main.opt("--protocol-era", String.class, "ERA",
                "modern (default: 2026-07-28 beside 2025-11-25 and older, chosen per connection on stdio and per request "
                        + "on /mcp) or legacy (up to 2025-11-25 only; server/discover is then not answered)."));
    }

    /** HTTP-only options on a stdio server are a mistake worth stopping for, not something to ignore. */
    static void refuseWithoutHttp(CliOptions pr) {
        for (String o : List.of("--allowed-origins", "--allowed-hosts", "--http-token-file", "--http-idle-timeout",
                "--http-max-body", "--max-concurrent-calls", "--max-calls-per-tenant", "--max-sessions", "--max-sessions-per-key", "--stateless", "--per-request-key", "--shutdown-delay", "--drain-timeout")) {
            if (pr.hasMatchedOption(o)) {
                throw new ConfigException(o + " applies to the HTTP transport only: add --http [HOST:]PORT, or drop it.");
            }
        }
    }

    /** Both eras unless told otherwise: a client pinned to 2026-07-28 finds it, and every other one is served as before. */
    static final String DEFAULT_ERA = "modern";

    /** @return whether {@code --protocol-era} asks for the 2026-07-28 era beside the legacy one */
    static boolean modernEra(String era) {
        return switch (era.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "legacy" -> false;
            case "modern" -> true;
            default -> throw new ConfigException("--protocol-era is legacy or modern, not '" + era + "'.");
        };
    }

    /** Env var with the key that signs 2026-07-28 approval states; replicas behind one load balancer share it. */
    static final String APPROVAL_KEY_ENV = "JETTY_MCP_APPROVAL_KEY";

    /** The configured approval-state key (a server secret: never shown), else one of this process only. */
    static byte[] approvalKey(Map<String, String> env, Secrets secrets) {
        String configured = env.get(APPROVAL_KEY_ENV);
        if (configured == null || configured.isBlank()) {
            return io.jettymcp.guard.ApprovalStates.randomKey();
        }
        secrets.registerServer(configured.strip());
        try {
            return io.jettymcp.guard.ApprovalStates.key(configured);
        } catch (io.jettymcp.guard.ApprovalStates.ConfigKeyTooShort e) {
            throw new ConfigException(APPROVAL_KEY_ENV + ": " + e.getMessage());
        }
    }

    static int serve(CliOptions pr, Settings settings, Secrets secrets, Map<String, String> env, SandboxServer sim) {
        HttpOptions.HostPort listen;
        try {
            listen = HttpOptions.parseListen(pr.matchedOptionValue("--http", ""));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
        String token = httpToken(pr.matchedOptionValue("--http-token-file", null), env);
        if (token != null) {
            secrets.registerServer(token);
        }
        HttpOptions options = new HttpOptions(listen.host(), listen.port(),
                csv(pr.matchedOptionValue("--allowed-origins", null)), csv(pr.matchedOptionValue("--allowed-hosts", null)),
                token, pr.matchedOptionValue("--http-max-body", HttpOptions.DEFAULT_MAX_BODY),
                Duration.ofSeconds(pr.matchedOptionValue("--http-idle-timeout", HttpOptions.DEFAULT_IDLE.toSeconds())),
                pr.matchedOptionValue("--max-concurrent-calls", HttpOptions.DEFAULT_MAX_CALLS),
                pr.hasMatchedOption("--stateless"), pr.hasMatchedOption("--per-request-key"), drainTimeout(pr),
                pr.matchedOptionValue("--max-calls-per-tenant", 0),
                pr.matchedOptionValue("--max-sessions", HttpOptions.DEFAULT_MAX_SESSIONS),
                pr.matchedOptionValue("--max-sessions-per-key", HttpOptions.DEFAULT_MAX_SESSIONS_PER_KEY));
        if (options.maxBodyBytes() < 1024 || options.maxConcurrentCalls() < 1 || options.sessionIdle().isNegative()
                || options.sessionIdle().isZero()
                || (pr.hasMatchedOption("--max-calls-per-tenant") && options.maxCallsPerTenant() < 1)
                || options.maxSessions() < 1 || options.maxSessionsPerKey() < 1) {
            throw new ConfigException("--http-max-body must be at least 1024, --max-concurrent-calls, --max-calls-per-tenant, "
                    + "--max-sessions, --max-sessions-per-key and --http-idle-timeout at least 1.");
        }
        Settings http = settings.overHttp(true);
        PerRequestKeys keys = null;
        if (options.perRequestKey()) {
            JettyApi template = JettyApi.create(http.baseUrl(), Token.NONE, http.connectTimeout(), http.responseTimeout(),
                    RetryPolicy.DEFAULT, new com.fasterxml.jackson.databind.ObjectMapper(), Version.get());
            keys = new PerRequestKeys(template, http.collections(), secrets);
        }
        JettyMcpServer server = new JettyMcpServer(http, secrets, pr.matchedOptionValue("--policy", null), keys);
        McpHttpServer httpServer;
        try {
            httpServer = McpHttpServer.start(options, server, keys,
                    modernEra(pr.matchedOptionValue("--protocol-era", DEFAULT_ERA)) ? approvalKey(env, secrets) : null);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        } catch (RuntimeException e) {
            throw new ConfigException("Cannot listen on " + listen.host() + ":" + listen.port() + ": " + e.getMessage());
        }
        String base = "http://" + (listen.host().contains(":") ? "[" + listen.host() + "]" : listen.host()) + ":" + httpServer.port();
        System.err.println("jetty-mcp: listening on " + base + "/mcp" + (options.stateless() ? " (stateless)" : " (legacy SSE at "
                + base + "/sse)") + (token != null ? ", bearer token required" : "") + (options.perRequestKey()
                ? ", per-request Jetty keys (" + PerRequestKeys.HEADER + ")" : ""));
        Duration delay = shutdownDelay(pr);
        // SIGTERM and SIGINT start the drain (a second one ends the delay); its end lets main return and exit
        for (String name : List.of("TERM", "INT")) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> httpServer.signal(delay));
            } catch (IllegalArgumentException e) {
                // the signal is ignored in this process (started with it masked): the shutdown hook below still runs
            }
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            httpServer.close(); // other ways out (System.exit elsewhere, SIGHUP): finishes a drain or does one at once
            if (sim != null) {
                sim.close();
            }
        }, "jetty-mcp-shutdown"));
        httpServer.awaitClosed();
        return 0;
    }

    /** {@code --shutdown-delay}: by default 5 s with --stateless (replicas behind balancers), 0 otherwise. */
    static Duration shutdownDelay(CliOptions pr) {
        Duration dflt = pr.hasMatchedOption("--stateless") ? DEFAULT_DELAY_STATELESS : Duration.ZERO;
        long s = pr.matchedOptionValue("--shutdown-delay", dflt.toSeconds());
        if (s < 0) {
            throw new ConfigException("--shutdown-delay must be 0 or more seconds.");
        }
        return Duration.ofSeconds(s);
    }

    /** {@code --drain-timeout}: 30 s by default. */
    static Duration drainTimeout(CliOptions pr) {
        long s = pr.matchedOptionValue("--drain-timeout", DEFAULT_DRAIN.toSeconds());
        if (s < 1) {
            throw new ConfigException("--drain-timeout must be at least 1 second.");
        }
        return Duration.ofSeconds(s);
    }

    /** {@code --http-token-file} beats {@value #TOKEN_ENV}; never a plain command-line value, which {@code ps} shows. */
    static String httpToken(Path file, Map<String, String> env) {
        if (file != null) {
            try {
                String v = Files.readString(file, StandardCharsets.UTF_8).trim();
                if (v.isEmpty()) {
                    throw new ConfigException("--http-token-file " + file + " is empty.");
                }
                return v;
            } catch (IOException e) {
                throw new ConfigException("--http-token-file " + file + " cannot be read: " + e.getMessage());
            }
        }
        String v = env.get(TOKEN_ENV);
        return v == null || v.isBlank() ? null : v.trim();
    }

    private static List<String> csv(String s) {
        return s == null ? List.of() : Arrays.stream(s.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
    }
}
