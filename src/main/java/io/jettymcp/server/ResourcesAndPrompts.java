package io.jettymcp.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jettymcp.tool.BoundTool;
import io.modelcontextprotocol.server.McpAsyncServerExchange;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import reactor.core.publisher.Mono;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resources, prompts and argument completion. Every resource is a read-only view of a listed tool
 * and is read through that tool's guard chain, so validation, scope, policy and redaction apply to
 * it exactly as to the tool; a resource whose tool is not listed is not offered.
 */
final class ResourcesAndPrompts {

    private static final String JSON = "application/json";

    private final Map<String, BoundTool> tools = new HashMap<>();
    /** A call of a listed tool through its guard chain. */
    interface ToolCaller {
        Mono<McpSchema.CallToolResult> call(BoundTool tool, McpAsyncServerExchange exchange, McpSchema.CallToolRequest request);
    }

    private final ToolCaller chain;
    private final ObjectMapper mapper;

    ResourcesAndPrompts(List<BoundTool> tools, ToolCaller chain, ObjectMapper mapper) {
        tools.forEach(t -> this.tools.put(t.spec().name(), t));
        this.chain = chain;
        this.mapper = mapper;
    }

    private record Template(String uri, Pattern pattern, List<String> vars, String tool, String name, String description) {
        static Template of(String uri, String tool, String name, String description) {
            List<String> vars = new ArrayList<>();
            Matcher m = Pattern.compile("\\{([a-z_]+)\\}").matcher(uri);
            StringBuilder re = new StringBuilder();
            int last = 0;
            while (m.find()) {
                re.append(Pattern.quote(uri.substring(last, m.start()))).append("([^/]+)");
                vars.add(m.group(1));
                last = m.end();
            }
            re.append(Pattern.quote(uri.substring(last)));
            return new Template(uri, Pattern.compile(re.toString()), vars, tool, name, description);
        }
    }

    private final List<Template> templates = List.of(
            Template.of("jetty://tasks/{collection}/{task}", "get-task", "task",
                    "A task's workflow document (init_params, step_configs, steps)."),
            Template.of("jetty://trajectories/{collection}/{task}/{trajectory_id}", "get-trajectory", "trajectory",
                    "One run of a task: status, error, init_params and per-step results (compact)."));

    List<McpServerFeatures.AsyncResourceSpecification> resources() {
        List<McpServerFeatures.AsyncResourceSpecification> out = new ArrayList<>();
        if (tools.containsKey("list-step-templates")) {
            String uri = "jetty://step-templates";
            McpSchema.Resource r = McpSchema.Resource.builder().uri(uri).name("step-templates").title("Step templates")
                    .description("The catalog of activities a workflow step can use.").mimeType(JSON).build();
            out.add(new McpServerFeatures.AsyncResourceSpecification(r,
                    (ex, req) -> read(ex, uri, "list-step-templates", Map.of())));
        }
        return out;
    }

    List<McpServerFeatures.AsyncResourceTemplateSpecification> resourceTemplates() {
        List<McpServerFeatures.AsyncResourceTemplateSpecification> out = new ArrayList<>();
        for (Template t : templates) {
            if (!tools.containsKey(t.tool())) {
                continue;
            }
            McpSchema.ResourceTemplate rt = McpSchema.ResourceTemplate.builder().uriTemplate(t.uri()).name(t.name())
                    .description(t.description()).mimeType(JSON).build();
            out.add(new McpServerFeatures.AsyncResourceTemplateSpecification(rt, (ex, req) -> {
                Matcher m = t.pattern().matcher(req.uri());
                if (!m.matches()) {
                    return Mono.error(invalid("Resource URI must look like " + t.uri()));
                }
                Map<String, Object> args = new LinkedHashMap<>();
                for (int i = 0; i < t.vars().size(); i++) {
                    args.put(t.vars().get(i), java.net.URLDecoder.decode(m.group(i + 1), java.nio.charset.StandardCharsets.UTF_8));
                }
                return read(ex, req.uri(), t.tool(), args);
            }));
        }
        return out;
    }

    /** Reads a resource by calling its tool through the guard chain; a tool error becomes a protocol error. */
    private Mono<McpSchema.ReadResourceResult> read(McpAsyncServerExchange ex, String uri, String tool, Map<String, Object> args) {
        return chain.call(tools.get(tool), ex, new McpSchema.CallToolRequest(tool, args)).flatMap(r -> {
            String text = r.content().isEmpty() ? "" : ((McpSchema.TextContent) r.content().get(0)).text();
            if (Boolean.TRUE.equals(r.isError())) {
                return Mono.error(invalid(text));
            }
            return Mono.just(new McpSchema.ReadResourceResult(List.of(new McpSchema.TextResourceContents(uri, JSON, text))));
        });
    }

    private record PromptDef(String name, String title, String description, List<McpSchema.PromptArgument> args,
                             List<String> needs, Function<Map<String, Object>, String> text) {
    }

    private static McpSchema.PromptArgument arg(String name, String description, boolean required) {
        return new McpSchema.PromptArgument(name, description, required);
    }

    private final List<PromptDef> prompts = List.of(
            new PromptDef("debug-failed-run", "Debug a failed run",
                    "Find out why a run failed and how to fix it.",
                    List.of(arg("task", "Task name", true), arg("trajectory_id", "Trajectory id (or workflow id)", true),
                            arg("collection", "Collection (default: the token's own)", false)),
                    List.of("get-trajectory"),
                    a -> "Find out why run " + a.get("trajectory_id") + " of task " + a.get("task") + where(a) + " failed. "
                            + "Read it with get-trajectory (it shows the failed step and its error)"
                            // get-workflow-logs is opt-in (not in the lean default): named only when listed
                            + (tools.containsKey("get-workflow-logs") ? ", then get-workflow-logs filtered to errors" : "")
                            + ". For a fan-out step, follow outputs.trajectory_references to the deepest "
                            + "failed child. Compare the failing step's parameters with get-step-template (names such as "
                            + "prompt vs user_prompt matter) and check model slugs carry a provider prefix. Explain the cause "
                            + "and the fix; do not start a new run unless asked."),
            new PromptDef("build-workflow", "Build a workflow",
                    "Design, check and save a Jetty task for a goal.",
                    List.of(arg("goal", "What the workflow should do", true),
                            arg("collection", "Collection (default: the token's own)", false)),
                    List.of("create-task"),
                    a -> "Build a Jetty workflow" + where(a) + " for this goal: " + a.get("goal") + ". Pick activities with "
                            + "list-step-templates and read each one's exact parameters with get-step-template. Wire inputs "
                            + "with *_path references to init_params.x or earlier steps' outputs. Check the document with "
                            + "validate-workflow, fix every error, then save it with create-task and try it with run-task "
                            + "(wait_seconds) or wait-for-trajectory."),
            new PromptDef("schedule-routine", "Schedule a routine",
                    "Run a task on a schedule (UTC).",
                    List.of(arg("task", "Task name", true), arg("schedule", "When, in words, e.g. every weekday at 09:00 UTC", true),
                            arg("collection", "Collection (default: the token's own)", false)),
                    List.of("create-routine"),
                    a -> "Schedule task " + a.get("task") + where(a) + " to run " + a.get("schedule") + ". Translate the "
                            + "schedule into a cadence (manual, hourly with minute_utc, daily or weekdays with hour_utc, "
                            + "weekly with hour_utc and day_of_week), in UTC. Read the task with get-task: overrides may "
                            + "only use keys of its workflow.init_params. Create it with create-routine and report its "
                            + "next_run_at."));

    private static String where(Map<String, Object> a) {
        return a.get("collection") == null ? "" : " in collection " + a.get("collection");
    }

    List<McpServerFeatures.AsyncPromptSpecification> prompts() {
        List<McpServerFeatures.AsyncPromptSpecification> out = new ArrayList<>();
        for (PromptDef p : prompts) {
            if (!tools.keySet().containsAll(p.needs())) {
                continue;
            }
            McpSchema.Prompt prompt = new McpSchema.Prompt(p.name(), p.title(), p.description(), p.args(), null, null);
            out.add(new McpServerFeatures.AsyncPromptSpecification(prompt, (ex, req) -> {
                Map<String, Object> a = req.arguments() == null ? Map.of() : req.arguments();
                for (McpSchema.PromptArgument pa : p.args()) {
                    Object v = a.get(pa.name());
                    if (Boolean.TRUE.equals(pa.required()) && (v == null || String.valueOf(v).isBlank())) {
                        return Mono.error(invalid("Prompt " + p.name() + " needs the argument '" + pa.name() + "'."));
                    }
                    if (v != null && String.valueOf(v).length() > 500) {
                        return Mono.error(invalid("Argument '" + pa.name() + "' is longer than 500 characters."));
                    }
                }
                return Mono.just(new McpSchema.GetPromptResult(p.description(), List.of(new McpSchema.PromptMessage(
                        McpSchema.Role.USER, new McpSchema.TextContent(p.text().apply(a))))));
            }));
        }
        return out;
    }

    /** Completion of collection and task names for every prompt and resource template that takes them. */
    List<McpServerFeatures.AsyncCompletionSpecification> completions() {
        List<McpServerFeatures.AsyncCompletionSpecification> out = new ArrayList<>();
        for (PromptDef p : prompts) {
            if (tools.keySet().containsAll(p.needs())) {
                out.add(new McpServerFeatures.AsyncCompletionSpecification(
                        new McpSchema.PromptReference("ref/prompt", p.name()), this::complete));
            }
        }
        for (Template t : templates) {
            if (tools.containsKey(t.tool())) {
                out.add(new McpServerFeatures.AsyncCompletionSpecification(
                        new McpSchema.ResourceReference(t.uri()), this::complete));
            }
        }
        return out;
    }

    private Mono<McpSchema.CompleteResult> complete(McpAsyncServerExchange ex, McpSchema.CompleteRequest req) {
        String name = req.argument().name();
        String prefix = req.argument().value() == null ? "" : req.argument().value();
        Mono<List<String>> names;
        if (name.equals("collection") && tools.containsKey("list-collections")) {
            names = names(ex, "list-collections", Map.of(), "collections");
        } else if (name.equals("task") && tools.containsKey("list-tasks")) {
            Map<String, Object> args = new HashMap<>();
            args.put("limit", 500);
            if (req.context() != null && req.context().arguments() != null && req.context().arguments().get("collection") != null) {
                args.put("collection", req.context().arguments().get("collection"));
            }
            names = names(ex, "list-tasks", args, "tasks");
        } else {
            names = Mono.just(List.of());
        }
        return names.map(all -> {
            List<String> hits = all.stream().filter(n -> n.startsWith(prefix)).limit(100).toList();
            return new McpSchema.CompleteResult(new McpSchema.CompleteResult.CompleteCompletion(hits, hits.size(), false));
        });
    }

    private Mono<List<String>> names(McpAsyncServerExchange ex, String tool, Map<String, Object> args, String key) {
        return chain.call(tools.get(tool), ex, new McpSchema.CallToolRequest(tool, args)).map(r -> {
            if (Boolean.TRUE.equals(r.isError())) {
                return List.<String>of();
            }
            try {
                JsonNode n = mapper.readTree(((McpSchema.TextContent) r.content().get(0)).text());
                List<String> out = new ArrayList<>();
                n.path(key).forEach(row -> out.add(row.path("name").asText()));
                return out;
            } catch (java.io.IOException e) {
                return List.<String>of();
            }
        });
    }

    private static McpError invalid(String message) {
        return McpError.builder(McpSchema.ErrorCodes.INVALID_PARAMS).message(message).build();
    }
}
