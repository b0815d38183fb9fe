package io.jettymcp.catalog.trajectories;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jettymcp.api.ApiRequest;
import io.jettymcp.api.JettyApi;
import io.jettymcp.api.Routes;
import io.jettymcp.catalog.tasks.WorkflowValidator;
import io.jettymcp.guard.ArgumentValidator;
import io.jettymcp.guard.ToolError;
import io.jettymcp.redact.Redactor;
import io.jettymcp.tool.ToolCall;
import reactor.core.publisher.Mono;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * diagnose-trajectory: why a run failed or is stuck. Finds the failed step, follows fan-out
 * children (outputs.trajectory_references) to the deepest failure, and names the known Jetty
 * gotchas its error, configuration or status match, with what to do about each.
 */
public final class Diagnosis {

    private static final int MAX_DEPTH = 3;
    private static final int MAX_ERROR = 600;

    private final ObjectMapper mapper;
    private final WorkflowValidator validator;
    private final TrajectoryReader reader;

    public Diagnosis(ObjectMapper mapper, TrajectoryReader reader) {
        this.mapper = mapper;
        this.validator = new WorkflowValidator(mapper);
        this.reader = reader;
    }

    public Mono<JsonNode> diagnose(ToolCall call) {
        String collection = call.collection();
        String task = call.str("task");
        String id = TrajectoryIds.trajectoryId(call.str("trajectory_id"));
        JettyApi api = call.api();
        List<String> skipped = new ArrayList<>();
        return reader.read(call, collection, task, id)
                .flatMap(read -> followChildren(call, collection, read.trajectory(), 0, new ArrayList<>(), skipped)
                        .map(chain -> withSkipped(withNote(report(read.trajectory(), chain, api.redactor()), read.outputsNote()), skipped)))
                .flatMap(report -> api.json(ApiRequest.get(Routes.TEMPLATES_LIST.path()).withoutAuth())
                        .map(templates -> withWorkflowCheck(report, templates))
                        .onErrorResume(e -> Mono.just(report)));
    }

    private static ObjectNode withSkipped(ObjectNode report, List<String> skipped) {
        if (!skipped.isEmpty()) {
            ArrayNode a = report.putArray("skipped_children");
            skipped.forEach(a::add);
        }
        return report;
    }

    private static ObjectNode withNote(ObjectNode report, String outputsNote) {
        if (outputsNote != null) {
            report.put("outputs_note", outputsNote);
        }
        return report;
    }

    /** A child run, read once (it was written long before its parent failed), with its outputs from storage. */
    private Mono<JsonNode> fetch(ToolCall call, String collection, String task, String id) {
        return reader.fetch(call, collection, task, id)
                .flatMap(t -> reader.complete(call, collection, task, id, t))
                .map(TrajectoryReader.Read::trajectory);
    }

    /**
     * Walks failed fan-out steps down to the deepest failed child run. The child's task and id come from
     * Jetty's answer, so they pass the same name checks as a caller's before they reach a path; a child
     * that fails them is skipped with a note in {@code skipped}.
     */
    private Mono<List<JsonNode>> followChildren(ToolCall call, String collection, JsonNode t, int depth, List<JsonNode> chain,
                                                List<String> skipped) {
        if (depth >= MAX_DEPTH) {
            return Mono.just(chain);
        }
        for (JsonNode step : t.path("steps")) {
            for (JsonNode ref : step.path("outputs").path("trajectory_references")) {
                String childId = ref.path("trajectory_id").asText("");
                String name = ref.path("name").asText("");
                String childTask = name.contains("/") ? name.substring(name.indexOf('/') + 1) : name;
                if (childId.isEmpty() || childTask.isEmpty() || "completed".equals(ref.path("status").asText(""))) {
                    continue;
                }
                try {
                    ArgumentValidator.checkName("task", childTask);
                    ArgumentValidator.checkName("trajectory_id", childId);
                } catch (ToolError e) {
                    skipped.add("a child run that Jetty named '" + printable(name) + "' (id '" + printable(childId)
                            + "') was skipped: that is not a valid task name and trajectory id, so it was not read");
                    continue;
                }
                return fetch(call, collection, childTask, childId).flatMap(child -> {
                    if (!"failed".equals(child.path("status").asText())) {
                        return Mono.just(chain);
                    }
                    chain.add(child);
                    return followChildren(call, collection, child, depth + 1, chain, skipped);
                }).onErrorResume(e -> Mono.just(chain));
            }
        }
        return Mono.just(chain);
    }

    private static String printable(String s) {
        String t = s.length() > 80 ? s.substring(0, 80) + "…" : s;
        return t.replaceAll("[^\\x20-\\x7e]", "?");
    }

    /** @param redactor the caller's: errors are cut by it, so no head of the caller's secrets is left at a cut */
    private ObjectNode report(JsonNode top, List<JsonNode> children, Redactor redactor) {
        JsonNode deepest = children.isEmpty() ? top : children.get(children.size() - 1);
        ObjectNode out = mapper.createObjectNode();
        out.put("trajectory_id", top.path("trajectory_id").asText());
        out.set("status", top.path("status"));
        out.put("steps_completed", top.path("completed_steps").size() + " of " + top.path("total_steps").size());
        if (top.hasNonNull("error")) {
            out.put("error", redactor.cut(top.get("error").asText(), MAX_ERROR));
        }
        if (!children.isEmpty()) {
            ArrayNode path = out.putArray("failed_children");
            children.forEach(c -> path.addObject().put("task", c.path("name").asText()).put("trajectory_id",
                    c.path("trajectory_id").asText()).put("error", redactor.cut(c.path("error").asText(""), MAX_ERROR)));
        }
        JsonNode failed = failedStep(deepest);
        if (failed != null) {
            ObjectNode f = out.putObject("failed_step");
            f.put("step", failed.path("key").asText());
            f.put("activity", failed.path("activity").asText());
            f.put("error", redactor.cut(failed.path("error").asText(""), MAX_ERROR));
            f.set("config", failed.path("config"));
        }
        List<String> causes = new ArrayList<>();
        List<String> next = new ArrayList<>();
        gotchas(top, deepest, failed, causes, next);
        ArrayNode c = out.putArray("likely_causes");
        causes.forEach(c::add);
        ArrayNode n = out.putArray("next_steps");
        next.forEach(n::add);
        out.set("_workflow", deepest.path("step_configs").isObject()
                ? mapper.createObjectNode().<ObjectNode>set("step_configs", deepest.get("step_configs"))
                .set("steps", deepest.path("total_steps")) : null);
        return out;
    }

    private ObjectNode withWorkflowCheck(ObjectNode report, JsonNode templates) {
        JsonNode wf = report.remove("_workflow");
        if (wf != null && wf.isObject()) {
            JsonNode check = validator.validate(wf, templates);
            if (!check.path("errors").isEmpty()) {
                report.set("workflow_problems", check.path("errors"));
            }
        }
        return report;
    }

    private static JsonNode failedStep(JsonNode t) {
        for (Iterator<Map.Entry<String, JsonNode>> it = t.path("steps").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if ("failed".equals(e.getValue().path("status").asText()) || e.getValue().hasNonNull("error")) {
                ObjectNode s = e.getValue().deepCopy();
                s.put("key", e.getKey());
                return s;
            }
        }
        return null;
    }

    /** The ranked gotchas of jetty-api.md §3 that this run shows signs of. */
    private static void gotchas(JsonNode top, JsonNode deepest, JsonNode failed, List<String> causes, List<String> next) {
        String status = top.path("status").asText("");
        String error = (deepest.path("error").asText("") + " " + (failed == null ? "" : failed.path("error").asText("")))
                .toLowerCase(Locale.ROOT);
        if (top.path("status").isNull() || status.isEmpty()) {
            causes.add("No status: the id may be a full workflow id; trajectory endpoints take the 8-hex suffix after '--'.");
        }
        if (("pending".equals(status) || "running".equals(status)) && top.path("total_steps").isEmpty()) {
            causes.add("The workflow has no steps: an empty 'steps' list does nothing (a runbook task needs steps: [\"run\"]).");
        } else if ("pending".equals(status)) {
            causes.add("Still pending: runs can queue behind long agent activities. If it is orphaned, cancel it with "
                    + "set-trajectory-status (cancelled); starting it again would duplicate the work.");
        }
        if (error.contains("no step registered")) {
            causes.add("The activity name does not exist (or is a stub such as 'completion').");
            next.add("Check names with list-step-templates and fix the task with update-task.");
        }
        if (error.contains("is required") || error.contains("user_prompt") || error.contains("items_path")
                || error.contains("string indices must be integers")) {
            causes.add("A step parameter has the wrong name or shape (e.g. user_prompt for prompt, a literal items list "
                    + "for items_path, an array where one string is expected).");
            next.add("Compare the failed step's config with get-step-template, or run validate-workflow on the task.");
        }
        if (error.contains("model") || error.contains("exits in seconds") || error.contains("no files")
                || (failed != null && failed.path("outputs").path("success").isBoolean() && !failed.path("outputs").path("success").asBoolean())) {
            causes.add("The model slug may not match the provider: through OpenRouter use a provider-qualified id "
                    + "(anthropic/claude-sonnet-4.6); an empty model no-ops in seconds.");
        }
        if (error.contains("api key") || error.contains("authentication") || error.contains("credential") || error.contains("401")) {
            causes.add("A provider key is missing or wrong for this collection.");
            next.add("Check the provider keys with list-env-vars / check-secrets, or activate the trial.");
        }
        if (error.contains("image_path") || error.contains("invalid workflow reference: http")) {
            causes.add("External image URLs are rejected: pass uploaded storage paths (init_params.file_paths[N]) via image_path_expr.");
        }
        if (causes.isEmpty() && "failed".equals(status)) {
            causes.add("No known gotcha matches; the failed step's error and config above are the best lead.");
        }
        if ("failed".equals(status)) {
            next.add("Read the error lines with get-workflow-logs (level error); re-run once only for a transient failure.");
        }
    }


}
