package io.jettymcp.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Run endpoints (multipart only) and the trial (jetty-api.md §2.3, §2.7). */
final class RunsApi {

    static final Set<String> SUBSCRIPTIONS = Set.of("nous", "codex", "anthropic");

    private final Sim sim;

    RunsApi(Sim sim) {
        this.sim = sim;
    }

    void register(Router r) {
        r.add("POST", "/api/v1/run/{c}/{t}", ex -> run(ex, false));
        r.add("POST", "/api/v1/run-sync/{c}/{t}", ex -> run(ex, true));
        r.add("GET", "/api/v1/trial/{c}", this::trial);
        r.add("POST", "/api/v1/trial/{c}/activate", this::activate);
    }

    private Reply run(Exchange ex, boolean sync) {
        Principal p = sim.auth.require(ex);
        String cname = ex.param("c");
        String tname = ex.param("t");
        CollectionRec c = sim.collection(p, cname, false, TasksApi.collectionNotFound(cname));
        TaskRec task = sim.state().task(c, tname);
        if (task == null) {
            throw ApiError.detail(404, TasksApi.taskNotFound(cname, tname));
        }
        Auth.write(p);
        Form form = Form.of(ex);
        if (form == null) {
            // FastAPI Form() fields: a JSON body is simply not read, so the required field is "missing"
            throw ApiError.missing("body", "init_params");
        }
        JsonNode given = form.jsonObject("init_params");
        List<Multipart.Part> files = form.files("files"); // before anything is charged or created
        JsonNode secrets = form.jsonObject("secret_params"); // validated, used for key detection, never stored
        Boolean useTrialKeys = formBool(form, "use_trial_keys");
        String sub = blankToNull(form.text("subscription_credential"));
        if (sub != null && !SUBSCRIPTIONS.contains(sub)) {
            throw ApiError.validation(List.of("body", "subscription_credential"),
                    "Input should be 'nous', 'codex' or 'anthropic'", "enum");
        }
        if (sub != null && p.isApiKey()) {
            throw ApiError.detail(403, "subscription_credential requires a user token (JWT); API keys cannot use "
                    + "connected accounts");
        }
        ObjectNode ip = Engine.defaults(task);
        if (given != null) {
            ip.setAll((ObjectNode) given.deepCopy());
        }
        String id = sim.engine.newId();
        if (!files.isEmpty()) {
            ArrayNode paths = Json.arr();
            JsonNode existing = ip.get("file_paths");
            if (existing != null && existing.isArray()) {
                existing.forEach(paths::add);
            }
            Instant now = sim.clock.now();
            for (int i = 0; i < files.size(); i++) {
                Multipart.Part f = files.get(i);
                String path = c.name + "/" + task.name + "/0000/" + id + "." + String.format("%02d", i) + "."
                        + Form.extension(f.filename());
                String ct = f.contentType() != null ? f.contentType() : StoredFile.contentTypeFor(path);
                sim.state().files.put(path, new StoredFile(path, ct, f.data(), now));
                paths.add(path);
            }
            ip.set("file_paths", paths);
        }
        // absent or true: eligible runs get the trial keys (§2.3 accepts both); an explicit false opts out,
        // so the run needs its own provider key and does not count against the trial
        boolean trialKeys = c.trial.charge(Boolean.FALSE.equals(useTrialKeys));
        ObjectNode trialJson = c.trial.runJson();
        boolean keys = c.hasProviderKey() || trialKeys || sub != null || hasProviderKey(secrets);
        Engine.Launch l = new Engine.Launch(p.identifier(), keys, trialKeys, null,
                blankToNull(form.text("webhook_url")), blankToNull(form.text("webhook_secret")));
        Trajectory t = sim.engine.launch(c, task, ip, l, id);
        if (sync) {
            return Reply.later(awaitSync(t, trialJson));
        }
        return Reply.json(workflowResponse("started", t, trialJson));
    }

    static ObjectNode workflowResponse(String message, Trajectory t, ObjectNode trial) {
        ObjectNode o = Json.obj();
        o.put("message", message);
        o.put("workflow_id", t.workflowId);
        o.putObject("result");
        o.putObject("trajectory");
        o.put("metadata", "");
        if (trial != null) {
            o.set("trial", trial);
        }
        return o;
    }

    /** Holds the call until the run ends (virtual time) or the edge gives up with a 524. */
    private Mono<Reply> awaitSync(Trajectory t, ObjectNode trial) {
        Instant deadline = t.created.plusMillis(Math.round(sim.switches.runSyncHoldSeconds() * 1000));
        return Flux.interval(Duration.ZERO, Duration.ofMillis(20))
                .map(i -> syncCheck(t, trial, deadline))
                .filter(r -> r != NOT_YET)
                .next();
    }

    private static final Reply NOT_YET = Reply.empty(0);

    private Reply syncCheck(Trajectory t, ObjectNode trial, Instant deadline) {
        synchronized (sim) {
            sim.engine.tick();
            if (t.terminal()) {
                ObjectNode o = workflowResponse(t.status, t, trial);
                ObjectNode full = t.toJson();
                o.set("trajectory", full);
                String last = t.stepNames.isEmpty() ? null : t.stepNames.get(Math.max(0, t.nextStep - 1));
                JsonNode outs = last == null ? null : full.path("steps").path(last).get("outputs");
                o.set("result", outs == null ? Json.obj() : outs);
                o.put("status", t.status);
                o.put("error", t.error);
                o.set("steps", full.get("steps"));
                return Reply.json(o);
            }
            if (!sim.clock.now().isBefore(deadline)) {
                return Edge.html524();
            }
            return NOT_YET;
        }
    }

    private Reply trial(Exchange ex) {
        Principal p = sim.auth.require(ex);
        CollectionRec c = sim.collection(p, ex.param("c"), false, CollectionsApi.NOT_FOUND);
        ObjectNode o = c.trial.toJson();
        o.put("collection", c.name);
        o.put("has_provider_key", c.hasProviderKey());
        return Reply.json(o);
    }

    private Reply activate(Exchange ex) {
        Principal p = sim.auth.require(ex);
        CollectionRec c = sim.collection(p, ex.param("c"), false, CollectionsApi.NOT_FOUND);
        Auth.write(p);
        boolean already = c.trial.active;
        if (!already) {
            c.trial.active = true;
            c.trial.runsUsed = 0;
            c.trial.activatedAt = sim.clock.now();
        }
        ObjectNode o = c.trial.toJson();
        o.put("collection", c.name);
        o.put("message", already ? "Trial already active" : "Trial activated");
        ArrayNode keys = o.putArray("trial_keys");
        keys.add("OPENROUTER_API_KEY");
        o.put("model_provider", "openrouter");
        return Reply.json(o);
    }

    static boolean hasProviderKey(JsonNode secrets) {
        if (secrets == null) {
            return false;
        }
        for (String k : CollectionRec.PROVIDER_KEYS) {
            JsonNode v = secrets.get(k);
            if (v != null && v.isTextual() && !v.asText().isBlank()) {
                return true;
            }
        }
        return false;
    }

    /** A bool form field as FastAPI/pydantic parse it: null when absent or blank, 422 for unreadable text. */
    static Boolean formBool(Form form, String name) {
        String v = blankToNull(form.text(name));
        if (v == null) {
            return null;
        }
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "true", "t", "yes", "y", "on", "1" -> true;
            case "false", "f", "no", "n", "off", "0" -> false;
            default -> throw ApiError.validation(List.of("body", name),
                    "Input should be a valid boolean, unable to interpret input", "bool_parsing");
        };
    }

    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
