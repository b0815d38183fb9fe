package io.jettymcp.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * OpenAI-compatible {@code POST /v1/chat/completions} (jetty-api.md §2.9): passthrough answers a
 * canned completion and records a one-step trajectory; runbook mode validates the {@code jetty}
 * block, auto-creates the runbook task and starts its {@code run} step.
 */
final class ChatApi {

    static final Set<String> AGENTS = Set.of("claude-code", "opencode", "codex", "gemini-cli");
    static final Set<String> PROVIDERS = Set.of("anthropic", "openrouter", "openai", "google", "bedrock");
    static final Set<String> SNAPSHOTS = Set.of("python312-uv", "prism-playwright", "python312-uv-node");
    static final String CHAT_TASK = "_chat";
    /** Seconds Jetty holds a non-streaming runbook start when the client gives no {@code timeout_hint}. */
    static final double DEFAULT_TIMEOUT_HINT = 1200;

    private static final String CHAT_WORKFLOW = """
            {"init_params":{},"step_configs":{"chat":{"activity":"litellm_chat","model_path":"init_params.model",
             "prompt_path":"init_params.prompt","system_prompt_path":"init_params.system_prompt","sim_seconds":0}},
             "steps":["chat"]}""";

    private final Sim sim;

    ChatApi(Sim sim) {
        this.sim = sim;
    }

    void register(Router r) {
        r.add("POST", "/v1/chat/completions", this::completions);
    }

    private Reply completions(Exchange ex) {
        Principal p = sim.auth.require(ex);
        JsonNode b = ex.jsonBody();
        List<ObjectNode> errors = new ArrayList<>();
        JsonNode model = b.get("model");
        if (model == null || model.isNull()) {
            errors.add(ApiError.entry(List.of("body", "model"), "Field required", "missing"));
        } else if (!model.isTextual()) {
            errors.add(ApiError.entry(List.of("body", "model"), "Input should be a valid string", "string_type"));
        }
        JsonNode messages = b.get("messages");
        if (messages == null || messages.isNull()) {
            errors.add(ApiError.entry(List.of("body", "messages"), "Field required", "missing"));
        } else if (!messages.isArray() || messages.isEmpty()) {
            errors.add(ApiError.entry(List.of("body", "messages"), "messages must be a non-empty list", "value_error"));
        } else {
            for (int i = 0; i < messages.size(); i++) {
                JsonNode m = messages.get(i);
                if (!m.isObject() || !m.path("role").isTextual()) {
                    errors.add(ApiError.entry(List.of("body", "messages", i, "role"), "Field required", "missing"));
                }
            }
        }
        if (!errors.isEmpty()) {
            throw ApiError.validation(errors);
        }
        boolean stream = b.path("stream").asBoolean(false);
        JsonNode jetty = b.get("jetty");
        if (jetty != null && !jetty.isNull() && !jetty.isObject()) {
            throw ApiError.validation(List.of("body", "jetty"), "Input should be a valid dictionary", "dict_type");
        }
        if (jetty == null || jetty.isNull() || !jetty.path("runbook").asBoolean(false)) {
            return passthrough(p, b, jetty, stream);
        }
        return runbook(p, b, (ObjectNode) jetty, stream);
    }

    private Reply passthrough(Principal p, JsonNode b, JsonNode jetty, boolean stream) {
        String model = b.get("model").asText();
        String system = null;
        String user = "";
        for (JsonNode m : b.get("messages")) {
            String content = Activities.text(m.get("content"));
            if ("system".equals(m.path("role").asText()) && system == null) {
                system = content;
            } else if ("user".equals(m.path("role").asText())) {
                user = content == null ? "" : content;
            }
        }
        String cname = jetty != null && jetty.path("collection").isTextual() ? jetty.get("collection").asText() : p.scope();
        String tname = jetty != null && jetty.path("task").isTextual() ? jetty.get("task").asText() : CHAT_TASK;
        ObjectNode meta = null;
        String id = "chatcmpl-" + sim.state().hex8() + sim.state().hex8();
        if (cname != null) {
            Auth.scope(p, cname, false);
            CollectionRec c = sim.state().collection(cname);
            if (c == null) {
                throw ApiError.detail(404, CollectionsApi.NOT_FOUND);
            }
            ObjectNode ip = Json.obj();
            ip.put("model", model);
            ip.put("prompt", user);
            if (system != null) {
                ip.put("system_prompt", system);
            }
            ip.set("messages", b.get("messages").deepCopy());
            Engine.Launch l = new Engine.Launch(p.identifier(), true, false, null, null, null);
            Trajectory t = sim.engine.launchWorkflow(c, tname, Seed.wf(CHAT_WORKFLOW), ip, l, sim.clock.now(), null,
                    sim.engine.newId());
            sim.engine.advance(t, t.created); // zero-duration step: recorded as completed at once
            meta = meta(t);
            id = "chatcmpl-" + t.id;
        }
        String content = Activities.reply(system, user, model);
        if (stream) {
            List<String> events = new ArrayList<>();
            ObjectNode first = chunk(id, model, delta("assistant", ""), null);
            if (meta != null) {
                first.set("jetty_metadata", meta);
            }
            events.add(sse(first));
            for (String piece : content.split("(?<= )")) {
                events.add(sse(chunk(id, model, delta(null, piece), null)));
            }
            events.add(sse(chunk(id, model, Json.obj(), "stop")));
            events.add("data: [DONE]\n\n");
            return Reply.sse(200, Flux.fromIterable(events).delayElements(Duration.ofMillis(5)));
        }
        ObjectNode o = completion(id, model, content);
        if (meta != null) {
            o.set("jetty_metadata", meta);
        }
        return Reply.json(o);
    }

    private Reply runbook(Principal p, JsonNode b, ObjectNode j, boolean stream) {
        List<ObjectNode> errors = new ArrayList<>();
        requireString(j, "collection", errors);
        requireString(j, "task", errors);
        oneOf(j, "agent", AGENTS, errors);
        oneOf(j, "model_provider", PROVIDERS, errors);
        if (!j.hasNonNull("image")) {
            oneOf(j, "snapshot", SNAPSHOTS, errors);
        }
        JsonNode vars = j.get("template_variables");
        if (vars != null && !vars.isNull() && !vars.isObject()) {
            errors.add(ApiError.entry(List.of("body", "jetty", "template_variables"), "Input should be a valid dictionary",
                    "dict_type"));
        }
        for (String f : List.of("file_paths", "files")) {
            JsonNode v = j.get(f);
            if (v != null && !v.isNull() && !v.isArray()) {
                errors.add(ApiError.entry(List.of("body", "jetty", f), "Input should be a valid list", "list_type"));
            }
        }
        JsonNode hintNode = j.get("timeout_hint");
        if (hintNode != null && !hintNode.isNull() && !hintNode.isNumber()) {
            errors.add(ApiError.entry(List.of("body", "jetty", "timeout_hint"),
                    "Input should be a valid integer, unable to parse string as an integer", "int_parsing"));
        }
        JsonNode trialFlag = j.get("use_trial_keys");
        if (trialFlag != null && !trialFlag.isNull() && !trialFlag.isBoolean()) {
            errors.add(ApiError.entry(List.of("body", "jetty", "use_trial_keys"), "Input should be a valid boolean",
                    "bool_type"));
        }
        String instruction = null;
        for (JsonNode m : b.get("messages")) {
            if ("system".equals(m.path("role").asText()) && m.path("content").isTextual()) {
                instruction = m.get("content").asText();
                break;
            }
        }
        if (instruction == null && j.path("runbook_url").isTextual()) {
            instruction = "Runbook fetched from " + j.get("runbook_url").asText();
        }
        if (instruction == null || instruction.isBlank()) {
            errors.add(ApiError.entry(List.of("body", "messages"),
                    "Runbook mode needs the RUNBOOK.md content as the system message (or jetty.runbook_url)", "value_error"));
        }
        if (!errors.isEmpty()) {
            throw ApiError.validation(errors);
        }
        String cname = j.get("collection").asText();
        String tname = j.get("task").asText();
        Auth.scope(p, cname, false);
        CollectionRec c = sim.state().collection(cname);
        if (c == null) {
            throw ApiError.detail(404, CollectionsApi.NOT_FOUND);
        }
        Auth.write(p);
        Instant now = sim.clock.now();
        TaskRec task = sim.state().task(c, tname);
        if (task == null) {
            task = sim.state().addTask(c, tname, Seed.runbookWorkflow(instruction), now);
            task.description = "Runbook (auto-created by /v1/chat/completions)";
            task.hasFileUploads = true;
            task.isChatFlow = true;
        }
        ObjectNode templateVars = Json.obj();
        templateVars.put("results_dir", "/app/results");
        if (vars != null && vars.isObject()) {
            templateVars.setAll((ObjectNode) vars.deepCopy());
        }
        String rendered = instruction;
        for (Iterator<Map.Entry<String, JsonNode>> it = templateVars.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            rendered = rendered.replace("{{" + e.getKey() + "}}", Activities.text(e.getValue()));
        }
        ArrayNode paths = Json.arr();
        // storage keys only: a file-… id here (the other upload flow) is silently dropped, as upstream does
        if (j.path("file_paths").isArray()) {
            for (JsonNode fp : j.get("file_paths")) {
                String key = fp.asText();
                if (key.startsWith(c.name + "/") && sim.state().files.containsKey(key)) {
                    paths.add(key);
                }
            }
        }
        if (j.path("files").isArray()) {
            for (JsonNode fid : j.get("files")) {
                String key = sim.state().fileIds.get(fid.asText());
                if (key != null && key.startsWith(c.name + "/")) {
                    paths.add(key);
                }
            }
        }
        // as on the run endpoints: only an explicit use_trial_keys=false opts out of the trial keys
        boolean trialKeys = c.trial.charge(j.path("use_trial_keys").isBoolean() && !j.get("use_trial_keys").asBoolean());
        ObjectNode trial = c.trial.active ? c.trial.toJson() : null;
        ObjectNode ip = Engine.defaults(task);
        ip.put("agent", j.path("agent").asText("claude-code"));
        ip.put("model", b.get("model").asText());
        ip.put("model_provider", j.path("model_provider").asText("openrouter"));
        ip.put("instruction", rendered);
        ip.set("vars", templateVars);
        ip.set("file_paths", paths);
        ip.put("snapshot", j.path("snapshot").asText("python312-uv"));
        boolean keys = c.hasProviderKey() || trialKeys;
        Engine.Launch l = new Engine.Launch(p.identifier(), keys, trialKeys, null, null, null);
        Trajectory t = sim.engine.launch(c, task, ip, l);
        ObjectNode meta = meta(t);
        if (trial != null) {
            meta.set("trial", trial);
        }
        String model = b.get("model").asText();
        Reply reply;
        if (sim.switches.chat500WithMetadata()) {
            ObjectNode o = Json.obj();
            o.put("detail", "Internal Server Error");
            ObjectNode err = o.putObject("error");
            err.put("message", "Upstream error while streaming the run status");
            err.put("type", "server_error");
            o.set("jetty_metadata", meta);
            reply = Reply.json(500, o);
        } else if (stream) {
            reply = Reply.sse(200, streamRun(t, model, meta));
        } else {
            double hint = hintNode != null && hintNode.isNumber() ? Math.max(0, hintNode.asDouble()) : DEFAULT_TIMEOUT_HINT;
            reply = Reply.later(awaitRun(t, model, meta, hint));
        }
        double hold = sim.switches.chatHoldSeconds();
        // the run has started; only the answer waits (real time), as when Jetty is slow to confirm a start
        return hold <= 0 ? reply : Reply.later(Mono.delay(Duration.ofMillis(Math.round(hold * 1000))).thenReturn(reply));
    }

    /** SSE: the first event (unless switched off) carries jetty_metadata, then one event per workflow log line until the run ends. */
    private Flux<String> streamRun(Trajectory t, String model, ObjectNode meta) {
        String id = "chatcmpl-" + t.id;
        ObjectNode first = chunk(id, model, delta("assistant", ""), null);
        if (sim.switches.chatStreamEarlyMetadata()) {
            first.set("jetty_metadata", meta);
        }
        AtomicInteger sent = new AtomicInteger();
        AtomicBoolean done = new AtomicBoolean();
        Flux<String> progress = Flux.interval(Duration.ofMillis(25))
                .takeWhile(i -> !done.get())
                .concatMapIterable(i -> {
                    synchronized (sim) {
                        sim.engine.tick();
                        List<String> out = new ArrayList<>();
                        while (sent.get() < t.events.size()) {
                            Trajectory.Event e = t.events.get(sent.getAndIncrement());
                            out.add(sse(chunk(id, model, delta(null, e.message() + "\n"), null)));
                        }
                        if (t.terminal()) {
                            ObjectNode last = chunk(id, model, Json.obj(), "stop");
                            ObjectNode m = meta.deepCopy();
                            m.put("status", t.status);
                            last.set("jetty_metadata", m);
                            out.add(sse(last));
                            out.add("data: [DONE]\n\n");
                            done.set(true);
                        }
                        return out;
                    }
                });
        return Flux.concat(Flux.just(sse(first)), progress);
    }

    /**
     * Non-streaming runbook calls are held until the run ends or {@code timeout_hint} seconds pass (virtual
     * time): 200 with the trajectory id when the run ended within the hint, else 202 with only the workflow id
     * (jetty-api.md §7 E2). The edge still cuts a hold longer than its own limit with a 524. The answer
     * depends only on when the run ended, however far the clock jumps.
     */
    private Mono<Reply> awaitRun(Trajectory t, String model, ObjectNode meta, double hintSeconds) {
        Instant hintEnd = t.created.plusMillis(Math.round(hintSeconds * 1000));
        Instant edgeEnd = t.created.plusMillis(Math.round(sim.switches.runSyncHoldSeconds() * 1000));
        Instant deadline = hintEnd.isAfter(edgeEnd) ? edgeEnd : hintEnd;
        return Flux.interval(Duration.ZERO, Duration.ofMillis(20))
                .map(i -> {
                    synchronized (sim) {
                        sim.engine.tick();
                        if (t.terminal() && (t.endedAt == null || !t.endedAt.isAfter(deadline))) {
                            JsonNode run = t.steps.path("run").path("outputs");
                            String content = "Runbook " + t.status + " (trajectory " + t.id + ")"
                                    + (run.has("success") ? ", success=" + run.get("success").asBoolean() : "")
                                    + (t.error != null ? ": " + t.error : "");
                            ObjectNode o = completion("chatcmpl-" + t.id, model, content);
                            ObjectNode m = meta.deepCopy();
                            m.put("status", t.status);
                            o.set("jetty_metadata", m);
                            return Reply.json(o);
                        }
                        if (sim.clock.now().isBefore(deadline)) {
                            return NOT_YET;
                        }
                        if (deadline.equals(edgeEnd) && edgeEnd.isBefore(hintEnd)) {
                            return Edge.html524();
                        }
                        ObjectNode o = completion("chatcmpl-" + t.id, model, "Runbook is still running (workflow "
                                + t.workflowId + ").");
                        o.put("status", "running");
                        ObjectNode m = meta.deepCopy();
                        m.remove("trajectory_id"); // a 202 names the run by its workflow id only
                        m.put("status", "running");
                        o.set("jetty_metadata", m);
                        return Reply.json(202, o);
                    }
                })
                .filter(r -> r != NOT_YET)
                .next();
    }

    private static final Reply NOT_YET = Reply.empty(0);

    private static ObjectNode meta(Trajectory t) {
        ObjectNode m = Json.obj();
        m.put("trajectory_id", t.id);
        m.put("workflow_id", t.workflowId);
        m.put("collection", t.collection);
        m.put("task", t.task);
        return m;
    }

    private ObjectNode completion(String id, String model, String content) {
        ObjectNode o = Json.obj();
        o.put("id", id);
        o.put("object", "chat.completion");
        o.put("created", sim.clock.now().getEpochSecond());
        o.put("model", model);
        ObjectNode choice = o.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode msg = choice.putObject("message");
        msg.put("role", "assistant");
        msg.put("content", content);
        choice.put("finish_reason", "stop");
        ObjectNode u = o.putObject("usage");
        u.put("prompt_tokens", 12);
        u.put("completion_tokens", Math.max(1, content.length() / 4));
        u.put("total_tokens", 12 + Math.max(1, content.length() / 4));
        return o;
    }

    private ObjectNode chunk(String id, String model, ObjectNode delta, String finish) {
        ObjectNode o = Json.obj();
        o.put("id", id);
        o.put("object", "chat.completion.chunk");
        o.put("created", sim.clock.now().getEpochSecond());
        o.put("model", model);
        ObjectNode c = o.putArray("choices").addObject();
        c.put("index", 0);
        c.set("delta", delta);
        c.put("finish_reason", finish);
        return o;
    }

    private static ObjectNode delta(String role, String content) {
        ObjectNode d = Json.obj();
        if (role != null) {
            d.put("role", role);
        }
        d.put("content", content);
        return d;
    }

    private static String sse(JsonNode n) {
        return "data: " + Json.text(n) + "\n\n";
    }

    private static void requireString(JsonNode j, String f, List<ObjectNode> errors) {
        JsonNode v = j.get(f);
        if (v == null || v.isNull()) {
            errors.add(ApiError.entry(List.of("body", "jetty", f), "Field required", "missing"));
        } else if (!v.isTextual() || v.asText().isBlank()) {
            errors.add(ApiError.entry(List.of("body", "jetty", f), "Input should be a valid string", "string_type"));
        }
    }

    private static void oneOf(JsonNode j, String f, Set<String> allowed, List<ObjectNode> errors) {
        JsonNode v = j.get(f);
        if (v != null && !v.isNull() && (!v.isTextual() || !allowed.contains(v.asText()))) {
            errors.add(ApiError.entry(List.of("body", "jetty", f), "Input should be one of: "
                    + String.join(", ", new java.util.TreeSet<>(allowed)), "enum"));
        }
    }
}
