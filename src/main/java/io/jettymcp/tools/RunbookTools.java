package io.jettymcp.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jettymcp.api.ApiErrors;
import io.jettymcp.api.ApiRequest;
import io.jettymcp.api.ApiResponse;
import io.jettymcp.api.JettyApiException;
import io.jettymcp.guard.ArgumentValidator;
import io.jettymcp.guard.ToolError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

/**
 * run-runbook: launches a RUNBOOK.md through chat-completions runbook mode (jetty-api.md §2.9) and
 * returns within seconds. Everything checkable is checked first (frontmatter, model slug, required
 * secrets against the collection's env names, file paths); then a streamed request is read only
 * until {@code jetty_metadata} arrives — also from a 500 that carries it — and dropped. If it does
 * not arrive within a short bound the request is closed and the newest trajectory of the task is
 * reported, saying plainly that the run may have started. Never retried: a repeat is a second run.
 */
public final class RunbookTools {

    private static final Logger log = LoggerFactory.getLogger(RunbookTools.class);
    static final String CHAT_PATH = "/v1/chat/completions";
    static final String USER_MESSAGE = "Execute the runbook.";
    static final List<String> PROVIDERS = List.of("anthropic", "openrouter", "openai", "google", "bedrock");
    static final List<String> AGENTS = List.of("claude-code", "opencode", "codex", "gemini-cli");
    private static final Duration MAX_START_WAIT = Duration.ofSeconds(10);
    private static final long MAX_RUNBOOK_BYTES = 1024 * 1024;
    private static final int LARGE_RUNBOOK_CHARS = 40_000;

    private final ToolContext ctx;
    private final ApiErrors errors;
    private final LocalFiles files;

    public RunbookTools(ToolContext ctx) {
        // no upload size limit here: a runbook has its own, smaller one (MAX_RUNBOOK_BYTES)
        this(ctx, new LocalFiles(ctx.settings().filesRoots(), Long.MAX_VALUE, Path.of(""), LocalFiles.userHome()));
    }

    RunbookTools(ToolContext ctx, LocalFiles files) {
        this.ctx = ctx;
        this.errors = new ApiErrors(ctx.mapper(), ctx.settings().baseUrl());
        this.files = files;
    }

    /** The launch plan: what will be sent, derived from the arguments and the frontmatter. */
    record Plan(String collection, String task, String model, String provider, String agent, String snapshot,
                Map<String, String> variables, List<String> files, List<String> secrets, List<String> warnings) {
    }

    /** Everything checkable without Jetty (source, frontmatter, model, variables, file paths), before any request. */
    public void precheck(ObjectNode args) {
        String c = args.hasNonNull("collection") ? args.get("collection").asText() : ctx.settings().pinnedCollection();
        ToolCall local = new ToolCall(null, args, c, null, ToolCall.Progress.NONE);
        plan(local, Runbook.parse(source(local), ctx.mapper()));
    }

    public Mono<JsonNode> run(ToolCall call) {
        return Mono.defer(() -> {
            Runbook rb = Runbook.parse(source(call), ctx.mapper());
            Plan plan = plan(call, rb);
            String c = call.collection();
            return Mono.when(plan.files().stream().map(f -> call.tenant().scope().resolve(f.split("/", 2)[0])).toList())
                    .then(EnvTools.read(call.api(), ctx.redactor(), c))
                    .flatMap(env -> {
                        List<String> missing = plan.secrets().stream().filter(s -> !Boolean.TRUE.equals(env.get(s))).toList();
                        if (!missing.isEmpty()) {
                            return Mono.error(new ToolError("The runbook needs secrets that collection '" + c
                                    + "' does not have: " + missing + ". Set them with set-env-vars (values are never "
                                    + "shown back), then run it again. Nothing was started."));
                        }
                        return trialKeys(call, env).flatMap(trial -> newest(call, plan)
                                .flatMap(before -> start(call, rb, plan, trial, before)));
                    });
        });
    }

    // ---- before the request ------------------------------------------------------------------

    private String source(ToolCall call) {
        boolean path = call.has("runbook_path");
        boolean inline = call.has("runbook");
        if (path == inline) {
            throw ToolError.argument(path ? "runbook" : "runbook_path", path
                    ? "give either runbook_path or runbook, not both"
                    : "is required: give runbook_path (a local RUNBOOK.md) or runbook (its text)");
        }
        String text = inline ? call.str("runbook") : read(call.str("runbook_path"));
        if (text.isBlank()) {
            throw ToolError.argument(inline ? "runbook" : "runbook_path", "the runbook is empty");
        }
        return text;
    }

    /** Reads a local runbook, resolved and checked exactly like the local files of upload-file and run-task. */
    String read(String given) {
        LocalFiles.Checked f = files.check("runbook_path", given);
        if (f.size() > MAX_RUNBOOK_BYTES) {
            throw ToolError.argument("runbook_path", "is larger than 1 MB; a runbook that large makes agents "
                    + "chat instead of work. Shorten it.");
        }
        try {
            return Files.readString(f.real(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw ToolError.argument("runbook_path", "cannot be read (" + e.getClass().getSimpleName() + ")");
        }
    }

    Plan plan(ToolCall call, Runbook rb) {
        List<String> warnings = new ArrayList<>();
        if (call.has("model") && call.str("model").isBlank()) {
            checkModel("", null, warnings); // an explicitly empty model is refused, not replaced
        }
        String model = first(call.str("model"), rb.field("model"));
        String provider = first(call.str("model_provider"), rb.field("model_provider"));
        String agent = first(call.str("agent"), rb.field("agent"), "claude-code");
        String snapshot = first(call.str("snapshot"), rb.field("snapshot"));
        if (provider != null && !PROVIDERS.contains(provider)) {
            throw ToolError.argument("model_provider", "the runbook's frontmatter says '" + provider + "'; Jetty knows "
                    + PROVIDERS + ". Pass model_provider to override it.");
        }
        if (!AGENTS.contains(agent)) {
            throw ToolError.argument("agent", "the runbook's frontmatter says '" + agent + "'; Jetty knows " + AGENTS
                    + ". Pass agent to override it.");
        }
        checkModel(model, provider, warnings);
        if (snapshot != null && !snapshot.matches("[A-Za-z0-9._-]{1,64}")) {
            throw ToolError.argument("snapshot", "the frontmatter's snapshot '" + snapshot + "' is not a snapshot name "
                    + "(e.g. python312-uv, prism-playwright)");
        }
        Map<String, String> vars = new LinkedHashMap<>(rb.defaults());
        JsonNode given = call.node("template_variables");
        if (given != null) {
            given.properties().forEach(e -> {
                JsonNode v = e.getValue();
                if (v.isContainerNode()) {
                    throw ToolError.argument("template_variables." + e.getKey(), "must be a string, number or boolean "
                            + "(it replaces {{" + e.getKey() + "}} in the text)");
                }
                if (!v.isNull()) {
                    vars.put(e.getKey(), v.asText());
                }
            });
        }
        List<String> missingVars = rb.required().stream().filter(v -> !vars.containsKey(v)).toList();
        if (!missingVars.isEmpty()) {
            throw ToolError.argument("template_variables", "the runbook declares required parameters without a "
                    + "default: " + missingVars + ". Give their values in template_variables (never in the text).");
        }
        List<String> unfilled = rb.placeholders().stream()
                .filter(v -> !vars.containsKey(v) && !v.equals("results_dir")).toList();
        if (!unfilled.isEmpty()) {
            warnings.add("Placeholders without a value (Jetty leaves them as written): " + unfilled
                    + ". Pass them in template_variables if the runbook needs them.");
        }
        if (rb.text().length() > LARGE_RUNBOOK_CHARS) {
            warnings.add("The runbook is " + rb.text().length() + " characters; very large prompts make some agents "
                    + "chat instead of working.");
        }
        List<String> files = new ArrayList<>();
        JsonNode fp = call.node("file_paths");
        if (fp != null) {
            for (int i = 0; i < fp.size(); i++) {
                String f = fp.get(i).asText();
                if (!f.contains("/")) {
                    throw ToolError.argument("file_paths[" + i + "]", "'" + f + "' is not a storage path. Give the "
                            + "paths upload-file returns (like <collection>/_sandbox_uploads/<id>/input.csv); "
                            + "a file-… id in file_paths is silently dropped by Jetty.");
                }
                ArgumentValidator.checkStoragePath("file_paths[" + i + "]", f);
                String owner = f.split("/", 2)[0];
                if (call.collection() != null && !owner.equals(call.collection())) {
                    throw ToolError.argument("file_paths[" + i + "]", "belongs to collection '" + owner + "', but the "
                            + "runbook runs in '" + call.collection() + "'; Jetty silently drops files of another "
                            + "collection. Upload the file to '" + call.collection() + "' with upload-file.");
                }
                files.add(f);
            }
        }
        return new Plan(call.collection(), call.str("task"), model, provider, agent, snapshot, vars, files,
                rb.secrets(), warnings);
    }

    /** The model checks of the troubleshooting guide: no empty model, provider-qualified slugs for OpenRouter. */
    static void checkModel(String model, String provider, List<String> warnings) {
        if (model == null || model.isBlank()) {
            throw ToolError.argument("model", "is empty: neither the arguments nor the runbook's frontmatter name a "
                    + "model, and an empty model makes the run no-op in seconds. Give one, e.g. "
                    + "model='anthropic/claude-sonnet-4.6' with model_provider='openrouter', or 'claude-sonnet-4-6' with "
                    + "model_provider='anthropic'.");
        }
        if (!model.matches("[A-Za-z0-9._:/@+-]{1,200}")) {
            throw ToolError.argument("model", "'" + model + "' is not a model slug (letters, digits and . _ : / @ + -)");
        }
        boolean qualified = model.contains("/");
        if ("openrouter".equals(provider) && !qualified) {
            String hint = model.startsWith("claude") ? "anthropic/" + dotted(model)
                    : model.startsWith("gpt") || model.startsWith("o1") || model.startsWith("o3") ? "openai/" + model
                    : model.startsWith("gemini") ? "google/" + model : "<provider>/" + model;
            throw ToolError.argument("model", "'" + model + "' is a bare slug, but OpenRouter needs a provider-qualified "
                    + "one such as '" + hint + "'; with a bare slug the agent exits in seconds and writes nothing. Use "
                    + "that, or set model_provider to the model's own provider (e.g. anthropic).");
        }
        if (provider == null && !qualified) {
            throw ToolError.argument("model_provider", "is not set and '" + model + "' is a bare slug: Jetty would "
                    + "pick OpenRouter when the collection has its key, where a bare slug resolves to nothing. Set "
                    + "model_provider (e.g. anthropic for '" + model + "'), or use a provider-qualified slug with "
                    + "model_provider='openrouter'.");
        }
        if (qualified && provider != null && !provider.equals("openrouter") && !provider.equals("bedrock")) {
            warnings.add("model '" + model + "' is provider-qualified but model_provider is '" + provider
                    + "'; that provider usually expects its own bare id (e.g. claude-sonnet-4-6).");
        }
    }

    /** claude-sonnet-4-6 → claude-sonnet-4.6 (OpenRouter's dot-versioned ids). */
    static String dotted(String model) {
        return model.replaceFirst("-(\\d+)-(\\d+)$", "-$1.$2");
    }

    /**
     * use_trial_keys to send: as given (false included, so Jetty does not apply trial keys on its own);
     * by default true only when the trial is active and the collection has no provider key, and
     * otherwise nothing, as run-task does.
     */
    private Mono<Optional<Boolean>> trialKeys(ToolCall call, Map<String, Boolean> env) {
        if (call.has("use_trial_keys")) {
            return Mono.just(Optional.of(call.bool("use_trial_keys", false)));
        }
        if (EnvTools.anyProviderKey(env)) {
            return Mono.just(Optional.empty());
        }
        return call.api().json(ApiRequest.get("/api/v1/trial/" + ApiRequest.segment(call.collection())))
                .map(t -> EnvTools.trialActive(t) && t.path("runs_remaining").asInt(1) > 0
                        ? Optional.of(true) : Optional.<Boolean>empty())
                .onErrorResume(e -> Mono.just(Optional.empty()));
    }

    /**
     * The task's newest trajectory at one moment: {@code id} null when it has none. {@code known} is false
     * when the look-up failed, so "no trajectory" and "could not tell" are never confused.
     */
    record Newest(boolean known, String id) {
        static final Newest UNKNOWN = new Newest(false, null);
    }

    /** The task's newest trajectory, to recognise a new run later. */
    private Mono<Newest> newest(ToolCall call, Plan plan) {
        ApiRequest req = ApiRequest.get("/api/v1/db/trajectories/" + ApiRequest.segment(plan.collection()) + "/"
                + ApiRequest.segment(plan.task())).withQuery("limit", 1).withQuery("page", 1);
        return call.api().json(req).map(list -> {
            JsonNode rows = list.isArray() ? list : list.path("trajectories");
            String id = rows.path(0).path("trajectory_id").asText("");
            return new Newest(true, id.isEmpty() ? null : id);
        }).onErrorResume(e -> Mono.just(Newest.UNKNOWN));
    }

    // ---- the request ---------------------------------------------------------------------------

    ObjectNode body(String text, Plan plan, Optional<Boolean> trial) {
        ObjectNode b = ctx.mapper().createObjectNode();
        b.put("model", plan.model());
        ArrayNode messages = b.putArray("messages");
        messages.addObject().put("role", "system").put("content", text);
        messages.addObject().put("role", "user").put("content", USER_MESSAGE); // never the variables: see jetty block
        b.put("stream", true);
        ObjectNode j = b.putObject("jetty");
        j.put("runbook", true);
        j.put("collection", plan.collection());
        j.put("task", plan.task());
        j.put("agent", plan.agent());
        if (plan.provider() != null) {
            j.put("model_provider", plan.provider());
        }
        if (plan.snapshot() != null) {
            j.put("snapshot", plan.snapshot());
        }
        if (!plan.variables().isEmpty()) {
            ObjectNode v = j.putObject("template_variables");
            plan.variables().forEach(v::put);
        }
        if (!plan.files().isEmpty()) {
            plan.files().forEach(j.putArray("file_paths")::add);
        }
        trial.ifPresent(v -> j.put("use_trial_keys", v));
        return b;
    }

    private Mono<JsonNode> start(ToolCall call, Runbook rb, Plan plan, Optional<Boolean> trial, Newest before) {
        ApiRequest req = ApiRequest.json("POST", CHAT_PATH, body(rb.text(), plan, trial));
        Duration bound = startBound();
        return call.api().readUntil(req, "text/event-stream, application/json", t -> metadata(t) != null)
                .timeout(bound)
                .flatMap(res -> {
                    JsonNode meta = metadata(res.text());
                    if (meta != null) {
                        return Mono.just(started(plan, trial, meta, res));
                    }
                    if (res.status() >= 400 && res.status() < 500) {
                        return Mono.error(errors.map(req, res));
                    }
                    String why = res.ok() ? "Jetty answered without jetty_metadata"
                            : errors.map(req, res).getMessage();
                    return unconfirmed(call, plan, trial, before, why);
                })
                .onErrorResume(e -> !(e instanceof ToolError) && !(e instanceof JettyApiException x && x.status() >= 400
                        && x.status() < 500), e -> {
                    String why = e instanceof TimeoutException
                            ? "Jetty did not confirm the start within " + bound.toSeconds() + " s (the request was closed)"
                            : e.getMessage();
                    log.info("run-runbook start unconfirmed for {}/{}: {}", plan.collection(), plan.task(),
                            ctx.redactor().redact(String.valueOf(why)));
                    return unconfirmed(call, plan, trial, before, why);
                });
    }

    /** Short: never hold the connection near Cloudflare's ~100 s limit, nor past the configured timeout. */
    private Duration startBound() {
        Duration configured = ctx.settings().responseTimeout();
        return configured.compareTo(MAX_START_WAIT) < 0 ? configured : MAX_START_WAIT;
    }

    /** {@code jetty_metadata} with a trajectory or workflow id, from a JSON body or any SSE data line; else null. */
    JsonNode metadata(String text) {
        if (text == null || !text.contains("jetty_metadata")) {
            return null;
        }
        JsonNode whole = tryJson(text.strip());
        JsonNode found = whole == null ? null : find(whole, 0);
        if (found != null) {
            return found;
        }
        for (String line : text.split("\\r?\\n")) {
            String l = line.strip();
            if (l.startsWith("data:")) {
                JsonNode n = tryJson(l.substring(5).strip());
                found = n == null ? null : find(n, 0);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    private static JsonNode find(JsonNode n, int depth) {
        if (n == null || depth > 4 || !n.isContainerNode()) {
            return null;
        }
        JsonNode m = n.get("jetty_metadata");
        if (m != null && m.isObject() && (m.hasNonNull("trajectory_id") || m.hasNonNull("workflow_id"))) {
            return m;
        }
        for (JsonNode c : n) {
            JsonNode f = find(c, depth + 1);
            if (f != null) {
                return f;
            }
        }
        return null;
    }

    private JsonNode tryJson(String s) {
        if (!s.startsWith("{")) {
            return null;
        }
        try {
            return ctx.mapper().readTree(s);
        } catch (IOException e) {
            return null;
        }
    }

    private ObjectNode started(Plan plan, Optional<Boolean> trial, JsonNode meta, ApiResponse res) {
        ObjectNode o = summary(plan, trial);
        o.put("started", true);
        if (!TrajectoryIds.describe(o, meta, plan.collection(), plan.task())) {
            o.put("started", "unconfirmed");
            o.set("jetty_metadata", meta);
            o.put("note", "Jetty reported a start but no usable trajectory id. Do not run it again: find the run with "
                    + "list-trajectories for task '" + plan.task() + "'.");
            return o;
        }
        ctx.recentRuns().record(plan.collection(), plan.task(), o.path("trajectory_id").asText());
        if (!res.ok()) {
            o.put("note", "Jetty answered HTTP " + res.status() + " but reported the run it started (a known quirk of "
                    + "runbook mode): treat it as started and do not run it again.");
        }
        o.put("next", "Follow it with wait-for-trajectory(task='" + plan.task() + "', trajectory_id). Runbook runs "
                + "often take minutes.");
        return o;
    }

    private Mono<JsonNode> unconfirmed(ToolCall call, Plan plan, Optional<Boolean> trial, Newest before, String why) {
        return newest(call, plan).map(now -> {
            ObjectNode o = summary(plan, trial);
            o.put("started", "unconfirmed");
            o.put("note", why + ". The run may have started" + unconfirmedDetail(o, plan, before, now)
                    + "Do not run the runbook again.");
            return (JsonNode) o;
        });
    }

    /**
     * What the newest trajectory after the request says, adding its id to {@code o}. A run counts as new only
     * when it differs from one seen before the request: if that look-up failed, the newest may be an old run.
     */
    private static String unconfirmedDetail(ObjectNode o, Plan plan, Newest before, Newest now) {
        String task = plan.task();
        String id = now.id();
        if (!now.known()) {
            return ", but the task's trajectories could not be listed to look for it. Check list-trajectories for "
                    + "task '" + task + "' in a minute. ";
        }
        if (id == null || (before.known() && id.equals(before.id()))) {
            return ", but no new trajectory is listed yet. Check list-trajectories for task '" + task
                    + "' in a minute. ";
        }
        if (!before.known()) {
            o.put("newest_trajectory_id", id);
            return ", but it cannot be told whether the task's newest trajectory " + id + " is this run or an earlier "
                    + "one: listing the trajectories before the request failed. Check with get-trajectory(task='" + task
                    + "', trajectory_id='" + id + "') that it was created just now and carries this runbook's "
                    + "instruction in init_params, or check list-trajectories for task '" + task + "' in a minute. ";
        }
        o.put("trajectory_id", id);
        o.put("link", TrajectoryIds.link(plan.collection(), task, id));
        return ": trajectory " + id + " is the task's newest and appeared after the request. Follow it with "
                + "wait-for-trajectory, or check list-trajectories for task '" + task + "' in a minute. ";
    }

    private ObjectNode summary(Plan plan, Optional<Boolean> trial) {
        ObjectNode o = ctx.mapper().createObjectNode();
        o.put("collection", plan.collection());
        o.put("task", plan.task());
        o.put("agent", plan.agent());
        o.put("model", plan.model());
        if (plan.provider() != null) {
            o.put("model_provider", plan.provider());
        }
        if (plan.snapshot() != null) {
            o.put("snapshot", plan.snapshot());
        }
        if (!plan.variables().isEmpty()) {
            plan.variables().keySet().forEach(o.putArray("template_variables")::add);
        }
        if (!plan.files().isEmpty()) {
            o.put("files", plan.files().size());
        }
        if (!plan.secrets().isEmpty()) {
            plan.secrets().forEach(o.putArray("secrets_checked")::add);
        }
        o.put("use_trial_keys", trial.orElse(false));
        if (!plan.warnings().isEmpty()) {
            plan.warnings().forEach(o.putArray("warnings")::add);
        }
        return o;
    }

    private static String first(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v.strip();
            }
        }
        return null;
    }
}
