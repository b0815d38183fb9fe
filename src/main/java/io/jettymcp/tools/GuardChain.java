package io.jettymcp.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.jettymcp.api.AnswerBudget;
import io.jettymcp.api.JettyApi;
import io.jettymcp.api.JettyApiException;
import io.jettymcp.guard.ArgumentValidator;
import io.jettymcp.guard.EnvSecrets;
import io.jettymcp.guard.Policy;
import io.jettymcp.guard.Redactor;
import io.jettymcp.guard.Sanitizer;
import io.jettymcp.guard.ToolError;
import io.jettymcp.shape.Projection;
import io.jettymcp.shape.SizeCap;
import io.jettymcp.spec.ToolSpec;
import io.modelcontextprotocol.server.McpAsyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.context.Context;

import java.util.Iterator;
import java.util.Map;
import java.util.function.Function;

/**
 * The path every tool call takes, in order, with no way around it: validate arguments → enforce
 * collection scope → policy → handler → shape output → sanitize and redact. Any failure becomes an
 * {@code isError} result that says what to do, and is redacted like everything else.
 */
public final class GuardChain {

    private static final Logger log = LoggerFactory.getLogger(GuardChain.class);

    private final ToolContext ctx;
    private final ArgumentValidator validator;
    private final Policy policy;
    private final Function<McpAsyncServerExchange, Tenant> tenants;
    private final Projection projection;
    private final SizeCap cap;
    private final ObjectMapper mapper;
    private final Redactor redactor;
    private final EnvSecrets envSecrets;

    public GuardChain(ToolContext ctx, ArgumentValidator validator, Policy policy,
                      Function<McpAsyncServerExchange, Tenant> tenants, EnvSecrets envSecrets) {
        this.envSecrets = envSecrets;
        this.ctx = ctx;
        this.validator = validator;
        this.policy = policy;
        this.tenants = tenants;
        this.mapper = ctx.mapper();
        this.redactor = ctx.redactor();
        this.projection = new Projection(mapper);
        this.cap = new SizeCap(mapper);
    }

    public Mono<McpSchema.CallToolResult> call(BoundTool tool, McpAsyncServerExchange exchange,
                                               McpSchema.CallToolRequest request) {
        ToolSpec spec = tool.spec();
        long t0 = System.nanoTime();
        return Mono.defer(() -> {
                    ObjectNode args = arguments(request);
                    validator.validate(tool.effectiveInput(), args);
                    refuseLocalFiles(spec, args);
                    tool.handler().precheck(args); // rules beyond the schema, still before any request
                    Tenant tenant = tenants.apply(exchange);
                    if (spec.auth() && !tenant.api().token().present()) {
                        throw new ToolError(JettyApi.NO_TOKEN);
                    }
                    Object progressToken = request.meta() == null ? null : request.meta().get("progressToken");
                    Mono<String> collection = scope(spec, args, tenant);
                    // the call's share of the answer memory budget: held from its first answer until it is shaped
                    AnswerBudget.Share share = tenant.api().answerBudget().share();
                    return collection.map(java.util.Optional::of).defaultIfEmpty(java.util.Optional.empty())
                            .flatMap(c -> {
                                c.ifPresent(v -> args.put("collection", v));
                                ToolCall call = new ToolCall(spec, args, c.orElse(null), tenant, progress(exchange, progressToken));
                                Mono<Void> learn = !spec.auth() ? Mono.empty() : c.isPresent()
                                        ? envSecrets.learn(tenant.api(), c.get())
                                        : envSecrets.learnVisible(tenant.api(), tenant.scope());
                                return learn.then(policy.check(spec, args, exchange))
                                        .then(Mono.defer(() -> tool.handler().handle(call)))
                                        // shaping costs CPU in the answer's size: never on a Reactor Netty I/O thread,
                                        // which serves every other call's network traffic
                                        .publishOn(Schedulers.boundedElastic())
                                        .map(payload -> success(spec, args, payload));
                            })
                            .contextWrite(Context.of(AnswerBudget.Share.class, share))
                            .doFinally(sig -> share.close());
                })
                .onErrorResume(e -> Mono.just(failure(spec, e)))
                .doOnNext(r -> log.debug("tool {} {} in {} ms", spec.name(), Boolean.TRUE.equals(r.isError()) ? "failed" : "ok",
                        (System.nanoTime() - t0) / 1_000_000));
    }

    /** Progress to the client, when it gave a token; every message redacted and cleaned like a result. */
    private ToolCall.Progress progress(McpAsyncServerExchange exchange, Object token) {
        if (token == null || exchange == null) {
            return ToolCall.Progress.NONE;
        }
        return (progress, total, message) -> exchange.progressNotification(new McpSchema.ProgressNotification(token,
                        progress, total, message == null ? null : redactor.redact(Sanitizer.clean(message)), null))
                .onErrorResume(e -> Mono.empty());
    }

    private ObjectNode arguments(McpSchema.CallToolRequest request) {
        Map<String, Object> raw = request.arguments();
        JsonNode n = raw == null ? mapper.createObjectNode() : mapper.valueToTree(raw);
        if (!n.isObject()) {
            throw ToolError.argument("arguments", "must be a JSON object");
        }
        return (ObjectNode) n;
    }

    /** Over HTTP a local path would name the server's disk, not the caller's: refused unless --files-root was given. */
    private void refuseLocalFiles(ToolSpec spec, ObjectNode args) {
        if (ctx.settings().localFilesAllowed()) {
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = spec.input().path("properties").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> p = it.next();
            JsonNode schema = p.getValue();
            boolean local = "local-path".equals(schema.path("x-kind").asText())
                    || "local-path".equals(schema.path("items").path("x-kind").asText());
            if (local && args.hasNonNull(p.getKey()) && !(args.get(p.getKey()).isArray() && args.get(p.getKey()).isEmpty())) {
                throw ToolError.argument(p.getKey(), "names a local file, which this server refuses over HTTP: the path "
                        + "would be read on the server's machine, not yours. Pass the content inline where the tool allows "
                        + "it, or start the server with --files-root DIR to allow files under DIR");
            }
        }
    }

    /** Resolves the collection (given, pinned or the key's own) and checks storage paths are in scope. */
    private Mono<String> scope(ToolSpec spec, ObjectNode args, Tenant tenant) {
        Mono<Void> paths = Mono.empty();
        for (Iterator<Map.Entry<String, JsonNode>> it = spec.input().path("properties").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> p = it.next();
            if ("storage-path".equals(p.getValue().path("x-kind").asText()) && args.hasNonNull(p.getKey())) {
                String first = args.get(p.getKey()).asText().split("/", 2)[0];
                paths = paths.then(tenant.scope().resolve(first).then());
            }
        }
        if (!spec.takesCollection()) {
            return paths.then(Mono.<String>empty());
        }
        String given = args.hasNonNull("collection") ? args.get("collection").asText() : ctx.settings().pinnedCollection();
        if (given == null && !needsCollection(spec)) {
            return paths.then(Mono.<String>empty()); // an optional filter, such as search-tasks' collection
        }
        return paths.then(tenant.scope().resolve(given));
    }

    private static boolean needsCollection(ToolSpec spec) {
        for (JsonNode r : spec.input().path("required")) {
            if (r.asText().equals("collection")) {
                return true;
            }
        }
        return false;
    }

    /** The output shaper, for tests that look at its work and thread. */
    SizeCap shaper() {
        return cap;
    }

    private McpSchema.CallToolResult success(ToolSpec spec, ObjectNode args, JsonNode payload) {
        String fullArg = spec.output().fullArg();
        boolean full = fullArg != null && args.path(fullArg).asBoolean(false);
        JsonNode shaped = clean(projection.apply(spec.output(), payload, full));
        int budget = ctx.settings().outputCapBytes();
        boolean structured = spec.outputSchema() != null && shaped.isObject();
        JsonNode fitted = cap.fit(shaped, structured ? budget / 2 : budget, spec.output().more());
        String text = redactor.redact(cap.write(fitted));
        McpSchema.CallToolResult.Builder b = McpSchema.CallToolResult.builder().addTextContent(text).isError(false);
        if (structured) {
            b.structuredContent(mapper.convertValue(fitted, Map.class));
        }
        return b.build();
    }

    private McpSchema.CallToolResult failure(ToolSpec spec, Throwable e) {
        String message;
        if (e instanceof ToolError || e instanceof JettyApiException) {
            message = e.getMessage();
        } else {
            message = "Internal error in " + spec.name() + " (" + e.getClass().getSimpleName() + (e.getMessage() == null
                    ? "" : ": " + e.getMessage()) + "). The server is still running; try again, and report it if it repeats.";
            log.warn("tool {} failed: {}", spec.name(), redactor.redact(String.valueOf(e)));
        }
        String text = redactor.redact(Sanitizer.clean(message));
        return McpSchema.CallToolResult.builder().addTextContent(text).isError(true).build();
    }

    /**
     * Sanitizes, then redacts, every string (and key) in a tree; returns a new tree. In that order:
     * a secret split by an invisible character is whole again once cleaned, and only then found.
     */
    JsonNode clean(JsonNode n) {
        if (n.isTextual()) {
            return TextNode.valueOf(redactor.redact(Sanitizer.clean(n.asText())));
        }
        if (n.isObject()) {
            ObjectNode o = mapper.createObjectNode();
            n.fields().forEachRemaining(e -> o.set(redactor.redact(Sanitizer.clean(e.getKey())), clean(e.getValue())));
            return o;
        }
        if (n.isArray()) {
            ArrayNode a = mapper.createArrayNode();
            n.forEach(c -> a.add(clean(c)));
            return a;
        }
        return n;
    }
}
