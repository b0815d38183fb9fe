package io.jettymcp.tool;

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
import io.jettymcp.guard.Sanitizer;
import io.jettymcp.guard.Tenant;
import io.jettymcp.guard.TenantSecrets;
import io.jettymcp.guard.ToolError;
import io.jettymcp.redact.Redactor;
import io.jettymcp.shape.Projection;
import io.jettymcp.shape.SizeCap;
import io.jettymcp.spec.ToolSpec;
import io.modelcontextprotocol.server.McpAsyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.context.Context;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The path every tool call takes, in order, with no way around it: validate arguments → enforce
 * collection scope (resolving every collection the call touches) → policy → register the caller's
 * secret arguments → handler, with the environments' secrets learned in parallel → shape output →
 * sanitize and redact. Nothing is sent to Jetty before the policy step but whoami, which tells the
 * key's collection. Any failure becomes an {@code isError} result that says what to do, and is redacted
 * like everything else: with the calling tenant's {@link TenantSecrets} only.
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
        // errors are redacted with the caller's set once the caller is known, with the server's before
        java.util.concurrent.atomic.AtomicReference<TenantSecrets> who = new java.util.concurrent.atomic.AtomicReference<>();
        return Mono.defer(() -> {
                    ObjectNode args = arguments(request);
                    validator.validate(tool.effectiveInput(), args);
                    refuseLocalFiles(spec, args);
                    tool.handler().precheck(args); // rules beyond the schema, still before any request
                    Tenant tenant = tenants.apply(exchange);
                    who.set(tenant.secrets());
                    if (spec.auth() && !tenant.api().token().present()) {
                        throw new ToolError(JettyApi.NO_TOKEN);
                    }
                    Object progressToken = request.meta() == null ? null : request.meta().get("progressToken");
                    // the call's share of the answer memory budget: held from its first answer until it is shaped
                    AnswerBudget.Share share = tenant.api().answerBudget().share();
                    return resolve(spec, args, tenant).flatMap(r -> {
                        if (r.collection() != null) {
                            args.put("collection", r.collection());
                        }
                        // the call's client shortens upstream text in its errors with the caller's own set
                        Tenant redacting = new Tenant(tenant.api().withRedactor(tenant.secrets().redactor()), tenant.scope(),
                                tenant.secrets());
                        ToolCall call = new ToolCall(spec, args, r.collection(), redacting,
                                progress(exchange, progressToken, tenant.secrets()));
                        return policy.check(spec, withoutSecrets(tool.effectiveInput(), args), r.reach(), exchange)
                                // only now, with every check passed: a refused call registers nothing
                                .then(Mono.fromRunnable(() -> tenant.secrets().registerAll(secretArguments(tool.effectiveInput(), args))))
                                .then(Mono.defer(() -> checked(tool, call, owners(spec, args, r.collection()))));
                    })
                            .contextWrite(Context.of(AnswerBudget.Share.class, share))
                            .doFinally(sig -> share.close());
                })
                .onErrorResume(e -> Mono.just(failure(spec, e, who.get())))
                .doOnNext(r -> log.debug("tool {} {} in {} ms", spec.name(), Boolean.TRUE.equals(r.isError()) ? "failed" : "ok",
                        (System.nanoTime() - t0) / 1_000_000));
    }

    /**
     * Runs the handler and, in parallel, reads the environment of every collection whose free text the answer
     * may hold (a read that started no earlier than the handler's first request); then reads those the answer
     * itself names. Their values are registered before anything is shown; a collection whose read failed has
     * its free text withheld (see {@link FreeText}).
     */
    private Mono<McpSchema.CallToolResult> checked(BoundTool tool, ToolCall call, Set<String> owners) {
        ToolSpec spec = tool.spec();
        Tenant tenant = call.tenant();
        if (!spec.auth() || spec.toolset().equals("environment")) {
            // the environment tools read (and register) the values themselves and answer with names only
            return tool.handler().handle(call)
                    .publishOn(Schedulers.boundedElastic()) // shaping: never on a Reactor Netty I/O thread
                    .map(p -> success(spec, call.args(), p, tenant.secrets(), null, Map.of()));
        }
        long since = System.nanoTime();
        // zip subscribes in order: the handler's request goes first, the environment reads right after it
        return Mono.zip(Mono.defer(() -> tool.handler().handle(call)).materialize(), reads(tenant, owners, since))
                .flatMap(t -> {
                    Map<String, EnvSecrets.Read> got = new LinkedHashMap<>(t.getT2());
                    Set<String> more = new LinkedHashSet<>();
                    if (t.getT1().hasValue()) {
                        more.addAll(FreeText.named(t.getT1().get()));
                        more.removeAll(got.keySet());
                    }
                    // shaping costs CPU in the answer's size: never on a Reactor Netty I/O thread, which serves
                    // every other call's network traffic
                    return reads(tenant, more, since).publishOn(Schedulers.boundedElastic()).map(m -> {
                        got.putAll(m);
                        Map<String, String> failed = new LinkedHashMap<>();
                        got.forEach((c, r) -> {
                            if (r.ok()) {
                                tenant.secrets().registerAll(r.values());
                            } else {
                                failed.put(c, r.failure());
                            }
                        });
                        String owner = owners.isEmpty() ? null : owners.iterator().next();
                        if (t.getT1().isOnError()) {
                            Throwable e = t.getT1().getThrowable();
                            // an error answer's detail is the collection's free text; our own reports (drift) are not
                            // (a key refused the collection itself, 401/403/404, is told so: nothing of it was read)
                            if (e instanceof JettyApiException j && j.status() >= 300 && owner != null && failed.containsKey(owner)
                                    && !Set.of(401, 403, 404).contains(j.status())) {
                                throw new ToolError("Jetty answered HTTP " + j.status() + "; its details are "
                                        + FreeText.marker(owner, failed.get(owner)) + ".");
                            }
                            throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
                        }
                        return success(spec, call.args(), t.getT1().get(), tenant.secrets(), owner, failed);
                    });
                });
    }

    private Mono<Map<String, EnvSecrets.Read>> reads(Tenant tenant, Set<String> collections, long since) {
        return Flux.fromIterable(collections)
                .flatMap(c -> envSecrets.read(tenant.api(), c, since).map(r -> Map.entry(c, r)))
                .collectMap(Map.Entry::getKey, Map.Entry::getValue);
    }

    /** The collections a call's free text belongs to before its answer is seen: its collection, its storage paths'. */
    private static Set<String> owners(ToolSpec spec, ObjectNode args, String collection) {
        Set<String> out = new LinkedHashSet<>();
        if (collection != null) {
            out.add(collection);
        }
        for (Map.Entry<String, JsonNode> p : spec.input().path("properties").properties()) {
            if ("storage-path".equals(p.getValue().path("x-kind").asText()) && args.hasNonNull(p.getKey())) {
                out.add(args.get(p.getKey()).asText().split("/", 2)[0]);
            }
        }
        return out;
    }

    /** Every value of the secret arguments ({@code x-kind} secret, secret-map), as sent to Jetty. */
    static List<String> secretArguments(ObjectNode schema, ObjectNode args) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, JsonNode> p : schema.path("properties").properties()) {
            String kind = p.getValue().path("x-kind").asText("");
            JsonNode v = args.get(p.getKey());
            if (v == null || v.isNull() || !(kind.equals("secret") || kind.equals("secret-map"))) {
                continue;
            }
            if (v.isObject()) {
                v.forEach(x -> out.add(x.isNull() ? null : x.isTextual() ? x.asText() : x.toString()));
            } else {
                out.add(v.isTextual() ? v.asText() : v.toString());
            }
        }
        return out;
    }

    /** The arguments as the policy (and an approval prompt) sees them: secret values replaced by a marker. */
    private ObjectNode withoutSecrets(ObjectNode schema, ObjectNode args) {
        ObjectNode copy = args.deepCopy();
        for (Map.Entry<String, JsonNode> p : schema.path("properties").properties()) {
            String kind = p.getValue().path("x-kind").asText("");
            JsonNode v = copy.get(p.getKey());
            if (v == null || v.isNull()) {
                continue;
            }
            if (kind.equals("secret")) {
                copy.put(p.getKey(), "(secret)");
            } else if (kind.equals("secret-map") && v.isObject()) {
                ((ObjectNode) v).properties().forEach(e -> e.setValue(TextNode.valueOf("(secret)")));
            }
        }
        return copy;
    }

    /** Progress to the client, when it gave a token; every message redacted and cleaned like a result. */
    private ToolCall.Progress progress(McpAsyncServerExchange exchange, Object token, TenantSecrets secrets) {
        if (token == null || exchange == null) {
            return ToolCall.Progress.NONE;
        }
        return (progress, total, message) -> exchange.progressNotification(new McpSchema.ProgressNotification(token,
                        progress, total, message == null ? null : secrets.redact(Sanitizer.clean(message)), null))
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

    /**
     * The call's collection argument (given, pinned or the key's own), and every collection the call touches
     * for the policy: storage paths are checked in scope and name theirs; tools whose collection is implicit
     * are resolved here too, so the policy decides on them before any request.
     */
    private record Resolved(String collection, Policy.Reach reach) {
    }

    private Mono<Resolved> resolve(ToolSpec spec, ObjectNode args, Tenant tenant) {
        Mono<Void> paths = Mono.empty();
        String pathCollection = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = spec.input().path("properties").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> p = it.next();
            if ("storage-path".equals(p.getValue().path("x-kind").asText()) && args.hasNonNull(p.getKey())) {
                String first = args.get(p.getKey()).asText().split("/", 2)[0];
                paths = paths.then(tenant.scope().resolve(first).then());
                pathCollection = first;
            }
        }
        if (spec.takesCollection()) {
            String given = args.hasNonNull("collection") ? args.get("collection").asText() : ctx.settings().pinnedCollection();
            boolean savedTask = spec.name().equals("validate-workflow") && args.hasNonNull("task");
            if (given != null || needsCollection(spec) || savedTask) {
                return paths.then(tenant.scope().resolve(given)).map(c -> new Resolved(c, Policy.Reach.of(c)));
            }
        }
        if (pathCollection != null) {
            return paths.then(Mono.just(new Resolved(null, Policy.Reach.of(pathCollection))));
        }
        return paths.then(switch (spec.name()) {
            // an optional filter, or no prefix: the call may read each collection in scope
            case "search-tasks" -> eachInScope(tenant, "collection");
            case "list-files" -> eachInScope(tenant, "prefix");
            case "upload-file" -> keysOwn(tenant);
            case "create-collection" -> Mono.just(Policy.Reach.of(args.path("name").asText()));
            default -> Mono.just(Policy.Reach.NONE); // validate-workflow of a document, whoami, list-collections, templates
        }).map(reach -> new Resolved(null, reach));
    }

    private static Mono<Policy.Reach> eachInScope(Tenant tenant, String narrowBy) {
        return tenant.scope().allowed().map(a -> a.names() != null ? Policy.Reach.each(a.names(), narrowBy)
                : Policy.Reach.unknown(a.key() != null && a.key().known() ? "the token may read any collection"
                : "this server cannot tell the key's collection: " + a.key().reason(), narrowBy));
    }

    /** Uploads land in the key's own collection (Jetty takes it from the key): it must be in scope like any other. */
    private static Mono<Policy.Reach> keysOwn(Tenant tenant) {
        return tenant.scope().key().flatMap(k -> k.known() && k.scope() != null
                ? tenant.scope().resolve(k.scope()).map(Policy.Reach::of)
                : Mono.just(Policy.Reach.unknown(k.known() ? "the token has no collection of its own"
                : "this server cannot tell the key's collection: " + k.reason(), null)));
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

    /**
     * Redacted value by value (keys included), never as serialised text: a value one tenant registered can
     * then only ever replace a whole string of its own answers, and JSON stays JSON. The text is written from
     * the cleaned tree (cut to size), so it holds no string that was not redacted.
     */
    private McpSchema.CallToolResult success(ToolSpec spec, ObjectNode args, JsonNode payload, TenantSecrets secrets,
                                             String owner, Map<String, String> failed) {
        String fullArg = spec.output().fullArg();
        boolean full = fullArg != null && args.path(fullArg).asBoolean(false);
        JsonNode projected = projection.apply(spec.output(), payload, full);
        if (!failed.isEmpty()) {
            projected = FreeText.withhold(projected, owner, failed);
            if (projected instanceof ObjectNode o) {
                o.put("withheld", "Free text from collection(s) " + failed.keySet() + " is withheld: their environment "
                        + "(the secret values to hide) could not be read (" + String.join(", ", new LinkedHashSet<>(failed.values()))
                        + "). Read tools show it once that read succeeds.");
            }
        }
        JsonNode shaped = clean(projected, secrets);
        int budget = ctx.settings().outputCapBytes();
        boolean structured = spec.outputSchema() != null && shaped.isObject();
        // the cap only cuts what is already redacted and adds its own notes (made of cleaned keys)
        JsonNode fitted = cap.fit(shaped, structured ? budget / 2 : budget, spec.output().more());
        String text = cap.write(fitted);
        McpSchema.CallToolResult.Builder b = McpSchema.CallToolResult.builder().addTextContent(text).isError(false);
        if (structured) {
            b.structuredContent(mapper.convertValue(fitted, Map.class));
        }
        return b.build();
    }

    /** @param secrets the caller's set, or null when the call failed before its tenant was known */
    private McpSchema.CallToolResult failure(ToolSpec spec, Throwable e, TenantSecrets secrets) {
        java.util.function.UnaryOperator<String> redact = secrets != null ? secrets::redact : redactor::redact;
        String message;
        if (e instanceof ToolError || e instanceof JettyApiException) {
            message = e.getMessage();
        } else {
            message = "Internal error in " + spec.name() + " (" + e.getClass().getSimpleName() + (e.getMessage() == null
                    ? "" : ": " + e.getMessage()) + "). The server is still running; try again, and report it if it repeats.";
            log.warn("tool {} failed: {}", spec.name(), redact.apply(String.valueOf(e)));
        }
        String text = redact.apply(Sanitizer.clean(message));
        return McpSchema.CallToolResult.builder().addTextContent(text).isError(true).build();
    }

    /**
     * Sanitizes, then redacts, every string (and key) in a tree; returns a new tree. In that order:
     * a secret split by an invisible character is whole again once cleaned, and only then found.
     */
    JsonNode clean(JsonNode n, TenantSecrets secrets) {
        if (n.isTextual()) {
            return TextNode.valueOf(secrets.redact(Sanitizer.clean(n.asText())));
        }
        if (n.isObject()) {
            ObjectNode o = mapper.createObjectNode();
            n.fields().forEachRemaining(e -> o.set(secrets.redact(Sanitizer.clean(e.getKey())), clean(e.getValue(), secrets)));
            return o;
        }
        if (n.isArray()) {
            ArrayNode a = mapper.createArrayNode();
            n.forEach(c -> a.add(clean(c, secrets)));
            return a;
        }
        return n;
    }
}
