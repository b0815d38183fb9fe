package io.jettymcp.catalog.runs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jettymcp.api.ApiRequest;
import io.jettymcp.api.JettyApiException;
import io.jettymcp.api.Routes;
import io.jettymcp.catalog.environment.EnvTools;
import io.jettymcp.catalog.files.LocalFiles;
import io.jettymcp.catalog.trajectories.TrajectoryIds;
import io.jettymcp.catalog.trajectories.TrajectoryView;
import io.jettymcp.catalog.trajectories.TrajectoryWaiter;
import io.jettymcp.guard.ToolError;
import io.jettymcp.tool.ToolCall;
import io.jettymcp.tool.ToolContext;
import reactor.core.publisher.Mono;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * run-task: one multipart POST to {@code /api/v1/run/{c}/{t}}, never retried (a retry is a second
 * run), then optionally a wait. Every local check (files, arguments) happens before the POST; after
 * it, nothing may turn a started run into an error: a failed wait is reported beside the run's ids.
 */
public final class RunTools {

    static final int TRIAL_WARNING_AT = 2;

    private final ToolContext ctx;
    private final LocalFiles files;
    private final TrajectoryWaiter waiter;
    private final Duration lookupTimeout;

    public RunTools(ToolContext ctx, TrajectoryWaiter waiter) {
        this(ctx, waiter, TrialKeys.LOOKUP_TIMEOUT);
    }

    /** @param lookupTimeout longest wait for each use_trial_keys look-up: the run never waits long on them */
    public RunTools(ToolContext ctx, TrajectoryWaiter waiter, Duration lookupTimeout) {
        this.lookupTimeout = lookupTimeout;
        this.ctx = ctx;
        this.files = new LocalFiles(ctx.settings().filesRoots(), ctx.settings().maxUploadBytes(), Path.of(""),
                LocalFiles.userHome());
        this.waiter = waiter;
    }

    /**
     * Before any request (and before an approval prompt): local files are checked, so a refused file means
     * nothing was sent and nobody was asked. Secret values are registered by the guard chain once every check passed.
     */
    public void precheck(ObjectNode args) {
        JsonNode given = args.get("files");
        if (given != null && given.isArray()) {
            files.checkAll("files", ToolCall.texts(given));
        }
    }

    public Mono<JsonNode> run(ToolCall call) {
        String c = call.collection();
        String task = call.str("task");
        // checked again here: the files may have changed since the precheck
        List<LocalFiles.Checked> local = call.has("files") ? files.checkAll("files", ToolCall.texts(call.node("files"))) : List.of();
        Map<String, String> form = new LinkedHashMap<>();
        form.put("init_params", write(call.has("init_params") ? call.node("init_params") : ctx.mapper().createObjectNode()));
        if (call.has("secret_params")) {
            ObjectNode secrets = ctx.mapper().createObjectNode();
            call.node("secret_params").properties().forEach(e -> {
                secrets.put(e.getKey(), secretText(e.getValue())); // registered by the guard chain
            });
            form.put("secret_params", write(secrets));
        }
        for (String f : List.of("webhook_url", "webhook_secret", "subscription_credential")) {
            if (call.has(f)) {
                form.put(f, call.str(f));
            }
        }
        Duration wait = Duration.ofSeconds(call.integer("wait_seconds") == null ? 0 : call.integer("wait_seconds"));

        // opened once, before the look-ups: what is sent is what was checked, however the path changes (F6)
        return Mono.using(() -> files.openAll("files", local), opened -> trialKeys(call, c).flatMap(tk -> {
            if (tk.value() != null) {
                form.put("use_trial_keys", tk.value());
            }
            List<ApiRequest.FilePart> parts = new ArrayList<>();
            opened.forEach(f -> parts.add(new ApiRequest.FilePart("files", f.name(), f::stream)));
            String path = Routes.RUN.path(c, task);
            return call.api().json(ApiRequest.multipart(path, form, parts))
                    // a file that changed while its part was built stopped the request before any of it was sent
                    .onErrorMap(e -> opened.stream().anyMatch(LocalFiles.Opened::changed),
                            e -> opened.stream().filter(LocalFiles.Opened::changed).findFirst().orElseThrow().changedError("files"))
                    .onErrorMap(JettyApiException.class, e -> e.outcomeUnknown() || e.status() / 100 == 2 ? unknownOutcome(e)
                            : e.status() == 404 ? noSuchTask(c, task) : e)
                    .flatMap(answer -> started(call, c, task, answer, tk, local, wait)
                            // past the POST the run exists: an unexpected failure here must not invite a second run
                            .onErrorMap(e -> !(e instanceof ToolError || e instanceof JettyApiException), e -> new ToolError(
                                    "The run was started, but reading Jetty's answer failed (" + e.getClass().getSimpleName()
                                            + "). Find it with list-trajectories; do not run the task again.")));
        }), opened -> opened.forEach(LocalFiles.Opened::close));
    }

    /** A 404 to the run POST is definitive: nothing started. */
    private static ToolError noSuchTask(String c, String task) {
        return new ToolError("Jetty answered 404 to the run request for " + c + "/" + task + ": that collection or task "
                + "does not exist, so no run was started. list-collections and list-tasks show the names.");
    }

    /** 5xx, network failures and a 2xx whose body could not be read: the run may be going. */
    private static ToolError unknownOutcome(Throwable e) {
        return ToolError.outcomeUnknown("The run request failed: " + e.getMessage(), "The run may or may not have started",
                "check list-trajectories before running again (a repeated run-task is a second run)");
    }

    private Mono<JsonNode> started(ToolCall call, String c, String task, JsonNode answer, TrialKeys tk,
                                   List<LocalFiles.Checked> local, Duration wait) {
        String workflowId = answer.path("workflow_id").asText(null);
        if (workflowId == null || workflowId.isBlank()) {
            throw new ToolError("Jetty accepted the run but its answer has no workflow_id (message: "
                    + answer.path("message").asText("none") + "). Check list-trajectories for the new run before running again.");
        }
        String id;
        try {
            id = TrajectoryIds.trajectoryId(workflowId);
        } catch (ToolError e) {
            // an id from Jetty's answer reaches a path only after the caller's checks (F15): nothing is read with it
            ObjectNode o = ctx.mapper().createObjectNode();
            o.put("workflow_id", workflowId);
            o.put("collection", c);
            o.put("task", task);
            o.put("next", "The run was started, but Jetty's answer names it with an id this server cannot read; find "
                    + "it with list-trajectories. Do not run the task again.");
            return Mono.just(o);
        }
        ctx.recentRuns().record(c, task, id); // its row may lag: readers wait longer for it (§7 E4)
        ObjectNode o = ctx.mapper().createObjectNode();
        o.put("trajectory_id", id);
        o.put("workflow_id", workflowId);
        o.put("link", TrajectoryIds.link(c, task, id));
        o.put("collection", c);
        o.put("task", task);
        if (answer.hasNonNull("message")) {
            o.put("message", answer.get("message").asText());
        }
        if (!local.isEmpty()) {
            local.forEach(f -> o.withArray("files_sent").add(f.name()));
        }
        o.put("trial_keys", tk.why());
        JsonNode trial = answer.path("trial");
        if (trial.isObject()) {
            o.set("trial", trial);
            if (trial.path("runs_remaining").isNumber() && trial.get("runs_remaining").asInt() <= TRIAL_WARNING_AT) {
                int left = trial.get("runs_remaining").asInt();
                o.put("warning", "Only " + left + " free trial run" + (left == 1 ? "" : "s") + " left on collection '" + c
                        + "'. Add a provider key (e.g. OPENROUTER_API_KEY) to the collection's environment to keep running after the trial.");
            }
        }
        if (wait.isZero()) {
            o.put("next", "The run is asynchronous: follow it with wait-for-trajectory (trajectory_id " + id
                    + "); read results with get-trajectory.");
            return Mono.just(o);
        }
        String trajectoryId = id;
        return waiter.await(call, c, task, id, wait)
                .map(out -> {
                    if (out.trajectory() != null) {
                        o.put("done", out.done());
                        o.set("trajectory", view(call).compact(out.trajectory(), c, task));
                    }
                    if (out.outputsNote() != null) {
                        o.put("outputs_note", out.outputsNote());
                    }
                    o.put("waited_seconds", out.waitedSeconds());
                    if (out.notVisible() != null) {
                        o.put("done", false);
                        o.put("visible", false);
                        o.put("next", out.notVisible());
                        return (JsonNode) o;
                    }
                    if (!out.done()) {
                        o.put("next", "Still running after " + out.waitedSeconds() + " s: call wait-for-trajectory with "
                                + "trajectory_id " + trajectoryId + " to keep waiting. Do not run the task again.");
                    }
                    if (out.lastError() != null) {
                        o.put("wait_error", out.lastError());
                    }
                    return (JsonNode) o;
                })
                // the run started: a failed wait must not read as a failed run
                .onErrorResume(e -> e instanceof JettyApiException || e instanceof ToolError, e -> {
                    o.put("wait_error", e.getMessage());
                    o.put("next", "The run started, but waiting for it failed; follow it with wait-for-trajectory "
                            + "(trajectory_id " + trajectoryId + "). Do not run the task again.");
                    return Mono.just(o);
                });
    }

    /** use_trial_keys by {@link TrialKeys}' rule; both look-ups run side by side, each bounded in time. */
    Mono<TrialKeys> trialKeys(ToolCall call, String c) {
        if (call.has("use_trial_keys")) {
            return Mono.just(TrialKeys.explicit(call.bool("use_trial_keys", false)));
        }
        // each look-up absorbs its own failure: zip would otherwise cancel the other request mid-flight
        Mono<JsonNode> trial = TrialKeys.lookupTrial(call, c, lookupTimeout);
        Mono<JsonNode> env = TrialKeys.lookup(call, Routes.ENV_GET.path(c), lookupTimeout);
        // a fresh read: names() registers every value in it, not just the provider keys decide looks at
        return Mono.zip(trial, env).map(t -> TrialKeys.decide(t.getT1(),
                t.getT2().path("environment_variables").isObject() ? EnvTools.names(t.getT2(), call.secrets()) : null));
    }

    private String write(JsonNode n) {
        try {
            return ctx.mapper().writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String secretText(JsonNode v) {
        return v.isTextual() ? v.asText() : v.toString();
    }

    /** wait-for-trajectory: follows a run until it ends or the budget is spent. */
    public Mono<JsonNode> await(ToolCall call) {
        String c = call.collection();
        String task = call.str("task");
        String id = TrajectoryIds.trajectoryId(call.str("trajectory_id"));
        int secs = call.integer("timeout_seconds") == null ? TrajectoryWaiter.DEFAULT_SECONDS : call.integer("timeout_seconds");
        return waiter.await(call, c, task, id, Duration.ofSeconds(secs)).map(out -> {
            ObjectNode o = ctx.mapper().createObjectNode();
            if (out.notVisible() != null) {
                o.put("trajectory_id", id);
                o.put("done", false);
                o.put("visible", false);
                o.put("waited_seconds", out.waitedSeconds());
                o.put("next", out.notVisible());
                return o;
            }
            if (out.trajectory() == null) {
                throw new ToolError("Could not read run " + id + " in " + c + "/" + task + " during " + secs
                        + " s: " + out.lastError() + " The run itself is not affected: call wait-for-trajectory later "
                        + "to keep following it; do not start it again.");
            }
            o.put("done", out.done());
            o.put("waited_seconds", out.waitedSeconds());
            o.setAll(view(call).compact(out.trajectory(), c, task));
            if (out.outputsNote() != null) {
                o.put("outputs_note", out.outputsNote());
            }
            if (!out.done()) {
                String status = out.trajectory().path("status").asText("unknown");
                o.put("next", "Still " + status + " after " + out.waitedSeconds() + " s. Call wait-for-trajectory again with "
                        + "the same arguments to keep waiting (timeout_seconds up to " + TrajectoryWaiter.MAX_SECONDS
                        + "); do not start the run again." + ("pending".equals(status) ? " A run pending for many minutes "
                        + "usually has no real step to run (check the task's steps); cancel it with set-trajectory-status." : ""));
                if (out.lastError() != null) {
                    o.put("last_poll_error", out.lastError());
                }
            }
            return o;
        });
    }

    /** Cuts with the caller's own redaction set, so no head of the caller's secrets is left at a cut. */
    private TrajectoryView view(ToolCall call) {
        return new TrajectoryView(ctx.mapper(), call.api().redactor());
    }
}
