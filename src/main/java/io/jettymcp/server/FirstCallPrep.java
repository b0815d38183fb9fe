package io.jettymcp.server;

import io.jettymcp.api.JettyApi;
import io.jettymcp.guard.CollectionScope;
import io.jettymcp.tool.BoundTool;
import io.jettymcp.tool.chain.Rehearsal;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpSchema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Does, once the client has initialized a stdio session, what the session's first tool call would otherwise do on
 * the time of the person waiting for it, while the client lists tools and the model thinks:
 * <ul>
 * <li>asks whoami through the session's own client and scope cache, as the first call would (so that call finds
 *     the answer cached, and finds the connection pool, TLS and JSON readers ready); only with a key, and only when
 *     no JETTY_COLLECTIONS makes whoami unnecessary: then the client is only built and warmed, sending nothing;</li>
 * <li>walks the call path once on made-up input that sends nothing ({@link Rehearsal}), and the MCP side of a
 *     tools/call, so their classes are loaded and interpreted.</li>
 * </ul>
 * It reads no environment (secret values): those are learned by the calls that need them. Never before
 * initialization: the stdio transport calls {@link #start} once the client has sent {@code notifications/initialized}
 * and had the answer to its next request (tools/list), so the preparation does not slow the answers a client waits
 * for at start; never more than once. When those answers went out before the server was built, the network part
 * starts then ({@link #startNetwork}), beside the build.
 */
final class FirstCallPrep {

    private static final Logger log = LoggerFactory.getLogger(FirstCallPrep.class);
    /** the tool a first call most often is; any bound tool when it is not listed */
    static final String LIKELY_FIRST = "list-collections";

    private final JettyApi api;
    private final CollectionScope scope;
    private final boolean scopeAsksWhoami;
    private final Rehearsal rehearsal;
    private final List<BoundTool> tools;
    private final McpJsonMapper mcpMapper;
    private final AtomicBoolean started = new AtomicBoolean();

    /**
     * @param scopeAsksWhoami whether {@code scope} asks whoami (no JETTY_COLLECTIONS)
     */
    FirstCallPrep(JettyApi api, CollectionScope scope, boolean scopeAsksWhoami, Rehearsal rehearsal,
                  List<BoundTool> tools, McpJsonMapper mcpMapper) {
        this.api = api;
        this.scope = scope;
        this.scopeAsksWhoami = scopeAsksWhoami;
        this.rehearsal = rehearsal;
        this.tools = tools;
        this.mcpMapper = mcpMapper;
    }

    /** Starts the preparation on a thread of its own (the first time only) and returns at once. */
    void start() {
        if (!started.compareAndSet(false, true)) {
            return;
        }
        Thread t = new Thread(() -> run().onErrorResume(e -> {
            // preparation only: a failure here changes nothing for the calls, which do the same work themselves
            log.debug("first-call preparation: {}", e.toString());
            return Mono.empty();
        }).block(), "first-call-prep");
        t.setDaemon(true);
        t.start();
    }

    /** The network part first (it waits on Jetty), the local walk while Jetty answers. */
    Mono<Void> run() {
        // subscribed in order: the request goes out, then the walk runs on this thread while Jetty answers
        return Mono.when(network(api, scope, scopeAsksWhoami), walk());
    }

    /**
     * Starts the network part alone on a thread of its own, for a session whose opening was answered before the
     * server was built ({@code OpeningAnswers}): it then overlaps the build. {@link #run} later finds whoami's
     * answer cached or in flight (one request either way).
     */
    static void startNetwork(JettyApi api, CollectionScope scope, boolean scopeAsksWhoami) {
        Thread t = new Thread(() -> network(api, scope, scopeAsksWhoami).onErrorResume(e -> {
            log.debug("first-call preparation (network): {}", e.toString());
            return Mono.empty();
        }).block(), "first-call-net");
        t.setDaemon(true);
        t.start();
    }

    /** whoami with a key and no JETTY_COLLECTIONS; only a warmed client with JETTY_COLLECTIONS; nothing without a key. */
    private static Mono<Void> network(JettyApi api, CollectionScope scope, boolean scopeAsksWhoami) {
        if (!api.token().present()) {
            return Mono.empty(); // nothing is sent without a key; the first call will say how to set one
        }
        if (scopeAsksWhoami) {
            return scope.key().then(); // cached for the window the first call looks it up in
        }
        return api.warmUp();
    }

    private Mono<Void> walk() {
        BoundTool tool = tools.stream().filter(t -> t.spec().name().equals(LIKELY_FIRST)).findFirst()
                .orElse(tools.isEmpty() ? null : tools.get(0));
        if (tool == null) {
            return Mono.empty();
        }
        return Mono.defer(() -> {
            // the MCP side: a tools/call's params read as the server reads them
            mcpMapper.convertValue(Map.of("name", tool.spec().name(), "arguments", Map.of()),
                    new TypeRef<McpSchema.CallToolRequest>() { });
            return rehearsal.walk(tool);
        }).flatMap(results -> Mono.fromCallable(() -> {
            for (McpSchema.CallToolResult r : results) {
                mcpMapper.writeValueAsString(r); // and its answers written as the transport writes them
            }
            return results;
        })).then();
    }
}
