package io.jettymcp.catalog.runs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jettymcp.api.ApiRequest;
import io.jettymcp.api.ApiResponse;
import io.jettymcp.api.JettyApiException;
import io.jettymcp.api.Routes;
import io.jettymcp.catalog.environment.EnvTools;
import io.jettymcp.catalog.files.LocalFiles;
import io.jettymcp.catalog.trajectories.TrajectoryIds;
import io.jettymcp.guard.ArgumentValidator;
import io.jettymcp.guard.ToolError;
import io.jettymcp.spec.ToolSpec;
import io.jettymcp.tool.ToolCall;
import io.jettymcp.tool.ToolContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * run-runbook: launches a RUNBOOK.md through chat-completions runbook mode (jetty-api.md §2.9, §7 E2) and
 * returns within seconds. Everything checkable is checked first (frontmatter, model slug, required
 * secrets against the collection's env names, file paths); then the start is sent as real clients send
 * it, {@code stream:false} with a short {@code jetty.timeout_hint}: Jetty answers 200 with
 * {@code jetty_metadata.trajectory_id} when the run ended within the hint, else 202 with
 * {@code jetty_metadata.workflow_id} — and sometimes 500 with the metadata although the run started.
 * Any of those carrying an id is a start. Anything else (our own abort after {@link #START_ABORT}, a 5xx
 * without an id, a broken connection) is an unconfirmed start, reported with the task's newest
 * trajectory. Never retried: a repeat is a second run.
 */
public final class RunbookTools {

    private static final Logger log = LoggerFactory.getLogger(RunbookTools.class);
    static final String USER_MESSAGE = "Execute the runbook.";
    /**
     * Seconds Jetty may hold the start before answering 202 (its default, 1200 s, outlives every HTTP
     * timeout on the way). Short, so the tool answers in seconds; a run that ends sooner gets a 200.
     */
    static final int TIMEOUT_HINT_SECONDS = 5;
    /** Our own bound on the start: Jetty may hold the connection for the whole hint, or ignore the hint. */
    static final Duration START_ABORT = Duration.ofSeconds(30);
    private static final long MAX_RUNBOOK_BYTES = 1024 * 1024;
    private static final int LARGE_RUNBOOK_CHARS = 40_000;

    private final ToolContext ctx;
    private final LocalFiles files;
    private final Duration startAbort;
    /** The spec's enums and pattern, which frontmatter values must meet as the arguments do. */
    private final List<String> providers;
    private final List<String> agents;
    private final Pattern snapshotName;

    /** {@code spec}: run-runbook's, which states the providers, agents and snapshot names Jetty knows. */
    public RunbookTools(ToolContext ctx, ToolSpec spec) {
        // no upload size limit here: a runbook has its own, smaller one (MAX_RUNBOOK_BYTES)
        this(ctx, spec, new LocalFiles(ctx.settings().filesRoots(), Long.MAX_VALUE, Path.of(""), LocalFiles.userHome()));
    }

    RunbookTools(ToolContext ctx, ToolSpec spec, LocalFiles files) {
        this(ctx, spec, files, START_ABORT);
    }

    /** {@code startAbort}: {@link #START_ABORT}; tests give a shorter one. */
    RunbookTools(ToolContext ctx, ToolSpec spec, LocalFiles files, Duration startAbort) {
        this.ctx = ctx;
        this.files = files;
        this.startAbort = startAbort;
        this.providers = spec.inputEnum("/properties/model_provider");
        this.agents = spec.inputEnum("/properties/agent");
        this.snapshotName = spec.inputPattern("/properties/snapshot");
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
                    .then(EnvTools.read(call.api(), call.secrets(), c))
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
        try (LocalFiles.Opened opened = files.open("runbook_path", f)) { // the checked file, never a link swapped in (F6)
            return new String(opened.stream().readAllBytes(), StandardCharsets.UTF_8);
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
        if (provider != null && !providers.contains(provider)) {
            throw ToolError.argument("model_provider", "the runbook's frontmatter says '" + provider + "'; Jetty knows "
                    + providers + ". Pass model_provider to override it.");
        }
        if (!agents.contains(agent)) {
            throw ToolError.argument("agent", "the runbook's frontmatter says '" + agent + "'; Jetty knows " + agents
                    + ". Pass agent to override it.");
        }
        checkModel(model, provider, warnings);
        if (snapshot != null && !snapshotName.matcher(snapshot).matches()) {
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
     * use_trial_keys to send, by {@link TrialKeys}' rule (as run-task): as given (false included, so Jetty does not
     * apply trial keys on its own); by default true only when the trial is active with runs left and the collection
     * has no provider key, otherwise nothing. With a provider key the trial is not even looked up.
     */
    private Mono<Optional<Boolean>> trialKeys(ToolCall call, Map<String, Boolean> env) {
        if (call.has("use_trial_keys")) {
            return Mono.just(TrialKeys.explicit(call.bool("use_trial_keys", false)).sent());
        }
        if (EnvTools.anyProviderKey(env)) {
            return Mono.just(Optional.empty());
        }
        return TrialKeys.lookupTrial(call, call.collection(), TrialKeys.LOOKUP_TIMEOUT)
                .map(trial -> TrialKeys.decide(trial, env).sent());
    }

    /**
     * The task's newest trajectory at one moment: {@code id} null when it has none. {@code known} is false
     * when the look-up failed, so "no trajectory" and "could not tell" are never confused.
     */
    record Newest(boolean known, String id, String status, String created) {
        static final Newest UNKNOWN = new Newest(false, null, null, null);

        String describe() {
            return id + " (status " + (status == null ? "unknown" : status) + (created == null ? "" : ", created " + created)
                    + ")";
        }
    }

    /** The task's newest trajectory, to recognise a new run later. */
    private Mono<Newest> newest(ToolCall call, Plan plan) {
        ApiRequest req = ApiRequest.get(Routes.TRAJECTORIES_LIST.path(plan.collection(), plan.task()))
                .withQuery("limit", 1).withQuery("page", 1);
        return call.api().json(req).map(list -> {
            JsonNode rows = list.isArray() ? list : list.path("trajectories");
            JsonNode row = rows.path(0);
            String id = row.path("trajectory_id").asText("");
            return id.isEmpty() ? new Newest(true, null, null, null)
                    : new Newest(true, id, text(row, "status"), text(row, "created"));
        }).onErrorResume(e -> Mono.just(e instanceof JettyApiException x && x.status() == 404
                // a task that does not exist yet (runbook mode creates it on first use) has no runs
                ? new Newest(true, null, null, null) : Newest.UNKNOWN));
    }

    // ---- the request ---------------------------------------------------------------------------

    ObjectNode body(String text, Plan plan, Optional<Boolean> trial, int timeoutHint) {
        ObjectNode b = ctx.mapper().createObjectNode();
        b.put("model", plan.model());
        ArrayNode messages = b.putArray("messages");
        messages.addObject().put("role", "system").put("content", text);
        messages.addObject().put("role", "user").put("content", USER_MESSAGE); // never the variables: see jetty block
        b.put("stream", false); // as every real client: nothing shows the run's id in an early SSE chunk
        ObjectNode j = b.putObject("jetty");
        j.put("runbook", true);
        target(j, plan);
        if (!plan.variables().isEmpty()) {
            ObjectNode v = j.putObject("template_variables");
            plan.variables().forEach(v::put);
        }
        if (!plan.files().isEmpty()) {
            plan.files().forEach(j.putArray("file_paths")::add);
        }
        trial.ifPresent(v -> j.put("use_trial_keys", v));
        j.put("timeout_hint", timeoutHint);
        return b;
    }

    private Mono<JsonNode> start(ToolCall call, Runbook rb, Plan plan, Optional<Boolean> trial, Newest before) {
        Duration bound = startBound();
        int hint = timeoutHint(bound);
        ApiRequest req = ApiRequest.json("POST", Routes.CHAT.path(), body(rb.text(), plan, trial, hint));
        return call.api().exchangeWithin(req, bound)
                .flatMap(res -> answered(call, req, res, plan, trial, before, hint))
                .onErrorResume(e -> !(e instanceof ToolError) && !(e instanceof JettyApiException), e -> {
                    // the request was sent (or may have been): whatever happened, the run may exist
                    String why = e instanceof TimeoutException
                            ? "The start was sent but not confirmed within " + bound.toSeconds() + " s; it may be running"
                            : "The connection to Jetty failed before it answered the start (" + e.getClass().getSimpleName()
                            + "); the run may have started";
                    log.info("run-runbook start unconfirmed for {}/{}: {}", plan.collection(), plan.task(), why);
                    return unconfirmed(call, plan, trial, before, why);
                });
    }

    /** Any answer naming a run is a start, whatever its status (500 with metadata is a known quirk). */
    private Mono<JsonNode> answered(ToolCall call, ApiRequest req, ApiResponse res, Plan plan, Optional<Boolean> trial,
                                    Newest before, int hint) {
        JsonNode body = tryJson(res.text().strip());
        JsonNode ids = ids(body);
        if (ids != null) {
            return Mono.just(started(plan, trial, body, ids, res.status(), hint));
        }
        if (res.status() >= 400 && res.status() < 500) {
            return Mono.error(call.api().error(req, res)); // refused: nothing started
        }
        String why = "Jetty answered HTTP " + res.status() + (res.html() ? " (an error page from its edge)" : "")
                + " without a trajectory id; the run may have started";
        log.info("run-runbook start unconfirmed for {}/{}: HTTP {} without an id", plan.collection(), plan.task(),
                res.status());
        return unconfirmed(call, plan, trial, before, why);
    }

    /** Ours: 30 s, or the configured Jetty timeout (JETTY_TIMEOUT_SECONDS) when that is shorter. */
    private Duration startBound() {
        Duration configured = ctx.settings().responseTimeout();
        return configured.compareTo(startAbort) < 0 ? configured : startAbort;
    }

    /** {@link #TIMEOUT_HINT_SECONDS}, but at most half our bound so that Jetty's 202 arrives before we give up. */
    static int timeoutHint(Duration bound) {
        return (int) Math.max(1, Math.min(TIMEOUT_HINT_SECONDS, bound.toSeconds() / 2));
    }

    /**
     * Where an answer names its run: {@code jetty_metadata} with a {@code trajectory_id} or a
     * {@code workflow_id} ({@code <c>-<t>--<id>}), else the same fields at the top level; null when none
     * gives a usable id.
     */
    static JsonNode ids(JsonNode body) {
        if (body == null || !body.isObject()) {
            return null;
        }
        JsonNode meta = body.get("jetty_metadata");
        if (meta != null && meta.isObject() && idOf(meta) != null) {
            return meta;
        }
        return idOf(body) != null ? body : null;
    }

    private static String idOf(JsonNode n) {
        String id = text(n, "trajectory_id");
        String wf = text(n, "workflow_id");
        if (id == null && wf != null && wf.contains("--")) {
            id = wf.substring(wf.lastIndexOf("--") + 2);
        }
        return id != null && ArgumentValidator.NAME.matcher(id).matches() ? id : null;
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v != null && v.isTextual() && !v.asText().isBlank() ? v.asText() : null;
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

    private ObjectNode started(Plan plan, Optional<Boolean> trial, JsonNode body, JsonNode ids, int http, int hint) {
        ObjectNode o = summary(plan, trial);
        o.put("started", true);
        TrajectoryIds.describe(o, ids, plan.collection(), plan.task());
        String id = o.path("trajectory_id").asText();
        String status = text(ids, "status") != null ? text(ids, "status") : text(body, "status");
        if (status == null && http == 202) {
            status = "running";
        }
        ctx.recentRuns().record(plan.collection(), plan.task(), id);
        if (status != null) {
            o.put("status", status);
        }
        if (http < 200 || http >= 300) {
            o.put("note", "Jetty answered HTTP " + http + " but reported the run it started (a known quirk of "
                    + "runbook mode): treat it as started and do not run it again.");
        }
        boolean ended = status != null ? TERMINAL.contains(status) : http == 200;
        o.put("next", ended
                ? "The run ended within the " + hint + " s Jetty held the start: read its result with get-trajectory(task='"
                + plan.task() + "', trajectory_id='" + id + "')."
                : "Follow it with wait-for-trajectory(task='" + plan.task() + "', trajectory_id='" + id + "'). Runbook "
                + "runs often take minutes.");
        return o;
    }

    private static final List<String> TERMINAL = List.of("completed", "failed", "cancelled");

    private Mono<JsonNode> unconfirmed(ToolCall call, Plan plan, Optional<Boolean> trial, Newest before, String why) {
        return newest(call, plan).map(now -> {
            ObjectNode o = summary(plan, trial);
            o.put("started", "unconfirmed");
            if (now.known() && now.id() != null) {
                ObjectNode n = o.putObject("newest_trajectory");
                n.put("trajectory_id", now.id());
                n.put("status", now.status());
                n.put("created", now.created());
            }
            o.put("note", why + ". " + unconfirmedDetail(o, plan, before, now) + "Do not run the runbook again.");
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
            return "The task's trajectories could not be listed to look for it: check list-trajectories for task '"
                    + task + "' in a minute. ";
        }
        if (id == null || (before.known() && id.equals(before.id()))) {
            return "No new trajectory is listed yet: check list-trajectories for task '" + task + "' in a minute. ";
        }
        if (!before.known()) {
            o.put("newest_trajectory_id", id);
            return "It cannot be told whether the task's newest trajectory " + now.describe() + " is this run or an "
                    + "earlier one: listing the trajectories before the request failed. Check with get-trajectory(task='"
                    + task + "', trajectory_id='" + id + "') that it was created just now and carries this runbook's "
                    + "instruction in init_params, or check list-trajectories for task '" + task + "' in a minute. ";
        }
        o.put("trajectory_id", id);
        o.put("link", TrajectoryIds.link(plan.collection(), task, id));
        return "Trajectory " + now.describe() + " is the task's newest and appeared after the request: follow it with "
                + "wait-for-trajectory(task='" + task + "', trajectory_id='" + id + "'), or check list-trajectories for "
                + "task '" + task + "' in a minute. ";
    }

    private ObjectNode summary(Plan plan, Optional<Boolean> trial) {
        ObjectNode o = ctx.mapper().createObjectNode();
        target(o, plan);
        o.put("model", plan.model());
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

    /** Where and how the run goes: what the request's jetty block and the answer's summary both say. */
    private static void target(ObjectNode o, Plan plan) {
        o.put("collection", plan.collection());
        o.put("task", plan.task());
        o.put("agent", plan.agent());
        if (plan.provider() != null) {
            o.put("model_provider", plan.provider());
        }
        if (plan.snapshot() != null) {
            o.put("snapshot", plan.snapshot());
        }
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
