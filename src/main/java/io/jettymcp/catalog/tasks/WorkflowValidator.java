package io.jettymcp.catalog.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a workflow document against the step-template catalog before it is saved or run, catching
 * what Jetty accepts silently and fails on later: unknown activities, parameter names from outdated
 * docs ({@code user_prompt} for {@code prompt}), missing required parameters, references to later or
 * unknown steps, an empty step list, literal lists where a path is required.
 *
 * <p>Only the catalog's outer shape is documented ({@code {templates:[{activity_name, …}]}}, jetty-api.md
 * §7 E8); the per-template layout ({@code parameters[].{name, required}}, {@code required_one_of}) is a
 * guess. A template without a parameter list gets no per-parameter checks, and an activity missing from
 * the catalog is only a warning: the catalog may not list every registered step.
 */
public final class WorkflowValidator {

    /** Parameter names seen in outdated docs, with what the activity really takes (jetty-api.md §3.8). */
    private static final Map<String, String> WRONG_NAMES = Map.ofEntries(
            Map.entry("litellm_chat.user_prompt", "prompt"),
            Map.entry("litellm_chat.user_prompt_path", "prompt_path"),
            Map.entry("litellm_batch.prompts", "requests"),
            Map.entry("litellm_batch.prompts_path", "requests_path"),
            Map.entry("simple_judge.content", "item (or items)"),
            Map.entry("simple_judge.content_path", "item_path (or items_path)"),
            Map.entry("simple_judge.criteria", "instruction"),
            Map.entry("simple_judge.criteria_path", "instruction_path"),
            Map.entry("list_emit_await.items", "items_path (a literal list is rejected: 'ValueError: items_path is required')"),
            Map.entry("extract_from_trajectories.trajectory_ids_path", "trajectory_list_path"),
            Map.entry("extract_from_trajectories.extract_paths", "extract_keys"),
            Map.entry("litellm_vision.image_path", "image_path_expr (for storage paths)"));

    /** Step-level keys the engine reads whatever the activity. */
    private static final Set<String> ENGINE_KEYS = Set.of("activity", "depends_on", "timeout_sec", "retries");

    private final ObjectMapper mapper;

    public WorkflowValidator(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    static final String NO_PARAMETERS = "parameter checks skipped: the step-template catalog lists no parameters";

    /** @param templates Jetty's step-template catalog ({@code {templates:[…]}}, or a bare array) */
    public ObjectNode validate(JsonNode workflow, JsonNode templates) {
        List<String> errors = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        Map<String, JsonNode> byName = new HashMap<>();
        boolean anyParameters = false;
        for (JsonNode t : templates.isArray() ? templates : templates.path("templates")) {
            byName.put(t.path("activity_name").asText(t.path("name").asText()), t);
            anyParameters |= t.path("parameters").isArray();
        }
        JsonNode steps = workflow.path("steps");
        JsonNode configs = workflow.path("step_configs");
        JsonNode init = workflow.path("init_params");
        if (!steps.isArray()) {
            errors.add("'steps' must be an array of step names, in run order.");
        } else if (steps.isEmpty()) {
            warnings.add("'steps' is empty: a run completes instantly doing nothing (a runbook task needs steps: [\"run\"]).");
        }
        if (!configs.isObject()) {
            errors.add("'step_configs' must be an object keyed by step name.");
        }
        if (!init.isMissingNode() && !init.isObject()) {
            errors.add("'init_params' must be an object of default parameters.");
        }
        Set<String> earlier = new HashSet<>();
        Set<String> listed = new HashSet<>();
        for (JsonNode s : steps) {
            String step = s.asText();
            if (!s.isTextual() || !listed.add(step)) {
                errors.add("'steps' entry " + s + " must be a unique step name.");
                continue;
            }
            JsonNode cfg = configs.path(step);
            if (!cfg.isObject()) {
                errors.add("Step '" + step + "' has no step_configs entry.");
                earlier.add(step);
                continue;
            }
            checkStep(step, cfg, byName, init, earlier, errors, warnings);
            earlier.add(step);
        }
        if (configs.isObject()) {
            for (Iterator<String> it = configs.fieldNames(); it.hasNext(); ) {
                String name = it.next();
                if (!listed.contains(name)) {
                    warnings.add("step_configs." + name + " is not in 'steps', so it never runs.");
                }
            }
        }
        ObjectNode out = mapper.createObjectNode();
        out.put("valid", errors.isEmpty());
        out.put("step_count", steps.isArray() ? steps.size() : 0);
        if (!anyParameters) {
            out.put("note", byName.isEmpty() ? "activity and parameter checks skipped: the step-template catalog lists no templates"
                    : NO_PARAMETERS);
        }
        ArrayNode e = out.putArray("errors");
        errors.forEach(e::add);
        ArrayNode w = out.putArray("warnings");
        warnings.forEach(w::add);
        return out;
    }

    private void checkStep(String step, JsonNode cfg, Map<String, JsonNode> templates, JsonNode init,
                           Set<String> earlier, List<String> errors, List<String> warnings) {
        String activity = cfg.path("activity").asText("");
        if (activity.isEmpty()) {
            errors.add("Step '" + step + "' has no 'activity' (the step template name, e.g. text_echo).");
            return;
        }
        JsonNode tpl = templates.get(activity);
        if (tpl == null && !templates.isEmpty()) {
            warnings.add("Step '" + step + "': activity '" + activity + "' is not in the step-template catalog; if Jetty "
                    + "has no such step the run fails with \"No step registered for '" + activity + "'\" "
                    + "(list-step-templates shows the names).");
        }
        // the parameter layout is our reading of the catalog: without a list, only what does not depend on it is checked
        JsonNode declared = tpl == null ? null : tpl.get("parameters");
        boolean known = declared != null && declared.isArray();
        Set<String> params = new HashSet<>(ENGINE_KEYS);
        if (known) {
            declared.forEach(p -> params.add(p.path("name").asText()));
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = cfg.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            String fix = WRONG_NAMES.get(activity + "." + key);
            if (fix != null) {
                errors.add("Step '" + step + "' (" + activity + "): '" + key + "' is not read; use " + fix + ".");
            } else if (known && !params.contains(key)) {
                warnings.add("Step '" + step + "' (" + activity + "): unknown parameter '" + key
                        + "' is ignored; get-step-template " + activity + " lists the parameters.");
            }
            if (key.endsWith("_path") && (known ? params.contains(key) : fix == null)) {
                checkReference(step, key, e.getValue(), init, earlier, errors, warnings);
            }
        }
        if (known) {
            checkRequired(step, activity, cfg, tpl, errors);
        }
        String model = cfg.path("model").asText("");
        if (!model.isEmpty() && !model.contains("/")) {
            warnings.add("Step '" + step + "': model '" + model + "' has no provider prefix; through OpenRouter use a "
                    + "provider-qualified id such as anthropic/claude-sonnet-4.6.");
        }
        if (activity.equals("list_emit_await") && cfg.path("child_workflow_name").asText("").contains("/")) {
            errors.add("Step '" + step + "': child_workflow_name is the plain task name in the same collection, not collection/task.");
        }
    }

    private static void checkRequired(String step, String activity, JsonNode cfg, JsonNode tpl, List<String> errors) {
        for (JsonNode p : tpl.path("parameters")) {
            String name = p.path("name").asText();
            if (p.path("required").asBoolean(false) && !cfg.has(name) && !cfg.has(name + "_path")) {
                errors.add("Step '" + step + "' (" + activity + "): required parameter '" + name + "' is missing.");
            }
        }
        for (JsonNode group : tpl.path("required_one_of")) {
            boolean any = false;
            List<String> names = new ArrayList<>();
            for (JsonNode n : group) {
                names.add(n.asText());
                any |= cfg.has(n.asText());
            }
            if (!any) {
                errors.add("Step '" + step + "' (" + activity + "): needs one of " + names + ".");
            }
        }
    }

    private void checkReference(String step, String key, JsonNode ref, JsonNode init, Set<String> earlier,
                                List<String> errors, List<String> warnings) {
        if (!ref.isTextual()) {
            errors.add("Step '" + step + "': '" + key + "' must be a path string such as init_params.x or <step>.outputs.text.");
            return;
        }
        String r = ref.asText();
        if (r.startsWith("http://") || r.startsWith("https://")) {
            errors.add("Step '" + step + "': '" + key + "' is a URL; path parameters take references (init_params.x, "
                    + "<step>.outputs.y) and external URLs are rejected at run time.");
            return;
        }
        String head = r.split("[.\\[]", 2)[0];
        if (head.equals("init_params")) {
            String param = r.length() > 12 ? r.substring(12).split("[.\\[]", 2)[0] : "";
            if (!param.isEmpty() && !param.equals("file_paths") && init.isObject() && !init.has(param)) {
                warnings.add("Step '" + step + "': " + r + " has no default in init_params; every run must pass '" + param + "'.");
            }
        } else if (!earlier.contains(head)) {
            errors.add("Step '" + step + "': '" + key + "' refers to '" + head + "', which is not an earlier step "
                    + "(a step may only read init_params and steps listed before it).");
        }
    }
}
