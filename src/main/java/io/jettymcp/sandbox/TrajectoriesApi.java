package io.jettymcp.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Trajectories, logs, stats, labels, batch statuses, download and ingest (jetty-api.md §2.4). */
final class TrajectoriesApi {

    static final Set<String> SETTABLE = Set.of("pending", "completed", "failed", "cancelled", "archived");
    static final List<String> ALL_STATUSES = List.of("pending", "running", "completed", "failed", "cancelled", "archived");
    static final String NOT_FOUND = "Trajectory not found";

    private final Sim sim;

    TrajectoriesApi(Sim sim) {
        this.sim = sim;
    }

    void register(Router r) {
        r.add("GET", "/api/v1/db/trajectories/{c}/{t}", this::list);
        r.add("GET", "/api/v1/db/trajectory/{c}/{t}/{id}", this::get);
        r.add("GET", "/api/v1/trajectory/{c}/{t}/{id}", this::detail);
        r.add("GET", "/api/v1/db/stats/{c}/{t}", this::stats);
        r.add("GET", "/api/v1/workflows-logs/{wid}", this::logs);
        r.add("POST", "/api/v1/trajectory/{c}/{t}/{id}/labels", this::label);
        r.add("POST", "/api/v1/trajectory/{c}/{t}/statuses", this::statuses);
        r.add("GET", "/api/v1/trajectory/{c}/{t}/{id}/download", this::download);
        r.add("POST", "/api/v1/trajectories/{c}/{t}/ingest", this::ingest);
    }

    /** Trajectories of a task, newest first; 404 when neither the task nor any run exists. */
    private List<Trajectory> runsOf(Principal p, String c, String t) {
        CollectionRec col = sim.collection(p, c, false, TasksApi.collectionNotFound(c));
        List<Trajectory> out = new ArrayList<>();
        Instant now = sim.clock.now();
        for (Trajectory x : sim.state().trajectories.values()) {
            if (x.collection.equalsIgnoreCase(col.name) && x.task.equalsIgnoreCase(t) && x.visible(now)) {
                out.add(x);
            }
        }
        if (out.isEmpty() && sim.state().task(col, t) == null) {
            throw ApiError.detail(404, TasksApi.taskNotFound(c, t));
        }
        out.sort((a, b) -> {
            int cmp = b.created.compareTo(a.created);
            return cmp != 0 ? cmp : Long.compare(b.seq, a.seq);
        });
        return out;
    }

    private Trajectory find(Principal p, String c, String t, String id) {
        CollectionRec col = sim.collection(p, c, false, TasksApi.collectionNotFound(c));
        Trajectory x = sim.state().trajectories.get(id == null ? "" : id.toLowerCase(Locale.ROOT));
        if (x == null || !x.collection.equalsIgnoreCase(col.name) || !x.task.equalsIgnoreCase(t) || !x.visible(sim.clock.now())) {
            throw ApiError.detail(404, NOT_FOUND);
        }
        return x;
    }

    private Reply list(Exchange ex) {
        Principal p = sim.auth.require(ex);
        int limit = ex.intQuery("limit", 10, 1, 100);
        int page = ex.intQuery("page", 1, 1, Integer.MAX_VALUE);
        List<Trajectory> all = runsOf(p, ex.param("c"), ex.param("t"));
        ObjectNode o = Json.obj();
        ArrayNode arr = o.putArray("trajectories");
        long from = (long) (page - 1) * limit;
        for (long i = from; i < Math.min(all.size(), from + limit); i++) {
            arr.add(indexJson(all.get((int) i)));
        }
        o.put("total", all.size());
        o.put("page", page);
        o.put("limit", limit);
        o.put("has_more", from + limit < all.size());
        return Reply.json(o);
    }

    private Reply get(Exchange ex) {
        Principal p = sim.auth.require(ex);
        String id = ex.param("id");
        if (id.contains("--")) {
            // gotcha 1: polling with the full workflow id silently yields a null status forever
            sim.collection(p, ex.param("c"), false, TasksApi.collectionNotFound(ex.param("c")));
            if (!sim.switches.nullStatusForWorkflowId()) {
                throw ApiError.detail(404, NOT_FOUND);
            }
            ObjectNode o = Json.obj();
            o.put("name", ex.param("c") + "/" + ex.param("t"));
            o.put("trajectory_id", id);
            o.putNull("status");
            o.putObject("steps");
            o.putArray("labels");
            o.putArray("total_steps");
            o.putArray("completed_steps");
            o.putNull("error");
            return Reply.json(o);
        }
        return Reply.json(indexJson(find(p, ex.param("c"), ex.param("t"), id)));
    }

    /** The storage detail route: the full trajectory with every output (§7 E5), same auth and 404 rules. */
    private Reply detail(Exchange ex) {
        Principal p = sim.auth.require(ex);
        return Reply.json(find(p, ex.param("c"), ex.param("t"), ex.param("id")).toJson());
    }

    /** What the DB index answers: everything, or without what only storage keeps (strip_db_outputs). */
    private ObjectNode indexJson(Trajectory t) {
        return sim.switches.stripDbOutputs() ? t.toIndexJson() : t.toJson();
    }

    /**
     * Stats shape (ours; no client types it): {@code {collection, task, total,
     * by_status:{pending,running,completed,failed,cancelled,archived}, mean_duration_seconds|null,
     * last_run_at|null}}; the mean covers completed and failed runs.
     */
    private Reply stats(Exchange ex) {
        Principal p = sim.auth.require(ex);
        List<Trajectory> all = runsOf(p, ex.param("c"), ex.param("t"));
        ObjectNode o = Json.obj();
        o.put("collection", sim.state().collection(ex.param("c")).name);
        o.put("task", ex.param("t"));
        o.put("total", all.size());
        Map<String, Integer> by = new LinkedHashMap<>();
        ALL_STATUSES.forEach(s -> by.put(s, 0));
        double sum = 0;
        int n = 0;
        for (Trajectory t : all) {
            by.merge(t.status, 1, Integer::sum);
            if (("completed".equals(t.status) || "failed".equals(t.status)) && t.durationSeconds() != null) {
                sum += t.durationSeconds();
                n++;
            }
        }
        ObjectNode bs = o.putObject("by_status");
        by.forEach(bs::put);
        if (n == 0) {
            o.putNull("mean_duration_seconds");
        } else {
            o.put("mean_duration_seconds", Math.round(sum / n * 1000) / 1000.0);
        }
        o.put("last_run_at", all.isEmpty() ? null : Json.ts(all.get(0).created));
        return Reply.json(o);
    }

    private Reply logs(Exchange ex) {
        Principal p = sim.auth.require(ex);
        String wid = ex.param("wid");
        Trajectory found = null;
        for (Trajectory t : sim.state().trajectories.values()) {
            if (t.workflowId.equalsIgnoreCase(wid)) {
                found = t;
                break;
            }
        }
        if (found == null) {
            throw ApiError.detail(404, "Workflow '" + wid + "' not found");
        }
        Auth.scope(p, found.collection, false);
        ObjectNode o = Json.obj();
        o.put("workflow_id", found.workflowId);
        o.put("status", found.status);
        ArrayNode events = o.putArray("events");
        if (sim.switches.echoSecretsInErrors()) {
            ObjectNode leak = events.addObject();
            leak.put("level", "debug");
            leak.put("message", "Resolved runtime environment: " + Leak.env(sim.state().collection(found.collection))
                    + "; caller Authorization: Bearer " + ex.bearer);
            leak.put("timestamp", Json.ts(found.created));
            leak.putNull("step");
        }
        for (Trajectory.Event e : found.events) {
            ObjectNode n = events.addObject();
            n.put("level", e.level());
            n.put("message", e.message());
            n.put("timestamp", Json.ts(e.at()));
            n.put("step", e.step());
        }
        return Reply.json(o);
    }

    private Reply label(Exchange ex) {
        Principal p = sim.auth.require(ex);
        Trajectory t = find(p, ex.param("c"), ex.param("t"), ex.param("id"));
        Auth.write(p);
        JsonNode b = ex.jsonBody();
        List<ObjectNode> errors = new ArrayList<>();
        for (String f : List.of("key", "value", "author")) {
            JsonNode v = b.get(f);
            if (v == null || v.isNull()) {
                errors.add(ApiError.entry(List.of("body", f), "Field required", "missing"));
            } else if (!v.isTextual()) {
                errors.add(ApiError.entry(List.of("body", f), "Input should be a valid string", "string_type"));
            }
        }
        if (!errors.isEmpty()) {
            throw ApiError.validation(errors);
        }
        Instant now = sim.clock.now();
        ObjectNode label = Json.obj();
        label.put("key", b.get("key").asText());
        label.put("value", b.get("value").asText());
        label.put("created", Json.ts(now));
        label.put("author", b.get("author").asText());
        long race = sim.switches.labelRaceMillis();
        boolean clobbered = race > 0 && t.endedAt != null && now.isBefore(t.endedAt.plusMillis(race));
        if (!clobbered) {
            t.labels.add(label); // a label written just before completion is dropped by Engine.finish
            t.updated = now;
        }
        ObjectNode o = Json.obj();
        o.put("ok", true);
        o.put("trajectory_id", t.id);
        o.set("label", label);
        return Reply.json(o);
    }

    private Reply statuses(Exchange ex) {
        Principal p = sim.auth.require(ex);
        String c = ex.param("c");
        String task = ex.param("t");
        CollectionRec col = sim.collection(p, c, false, TasksApi.collectionNotFound(c));
        Auth.write(p);
        JsonNode b = ex.jsonBody();
        List<ObjectNode> errors = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> it = b.properties().iterator();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual() || !SETTABLE.contains(e.getValue().asText())) {
                errors.add(ApiError.entry(List.of("body", e.getKey()),
                        "Input should be 'pending', 'completed', 'failed', 'cancelled' or 'archived'", "enum"));
            }
        }
        if (!errors.isEmpty()) {
            throw ApiError.validation(errors);
        }
        // the documented answer (jettyio-skills fecc162): one result per id, "updated" the time of the change,
        // "error" a text when that id was not changed
        Instant now = sim.clock.now();
        ObjectNode o = Json.obj();
        ArrayNode results = o.putArray("results");
        int count = 0;
        it = b.properties().iterator();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String s = e.getValue().asText();
            ObjectNode r = results.addObject();
            r.put("trajectory_id", e.getKey());
            r.put("new_status", s);
            Trajectory t = sim.state().trajectories.get(e.getKey());
            if (t == null || !t.collection.equalsIgnoreCase(col.name) || !t.task.equalsIgnoreCase(task)) {
                r.putNull("updated");
                r.putNull("storage_path");
                r.put("error", "Trajectory '" + e.getKey() + "' not found in " + c + "/" + task);
                continue;
            }
            boolean wasLive = !t.terminal();
            t.stopped = true; // a hand-set status ends the engine's work on this run
            t.inFlight = null;
            t.status = s;
            t.updated = now;
            if (wasLive && Trajectory.TERMINAL.contains(s)) {
                t.endedAt = now;
            }
            t.log("info", "Status set to " + s + " by " + p.identifier(), now, null);
            r.put("updated", Json.ts(now));
            r.put("storage_path", t.storagePath());
            r.putNull("error");
            count++;
        }
        o.put("updated_count", count);
        return Reply.json(o);
    }

    private Reply download(Exchange ex) {
        Principal p = sim.auth.require(ex);
        Trajectory t = find(p, ex.param("c"), ex.param("t"), ex.param("id"));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            put(zip, "trajectory.json", Json.bytes(t.toJson()));
            String prefix = t.storagePath() + "/" + t.id + "/";
            for (StoredFile f : sim.state().files.tailMap(prefix).values()) {
                if (!f.path().startsWith(prefix)) {
                    break;
                }
                put(zip, f.path().substring(prefix.length()), f.data());
            }
            JsonNode inputs = t.initParams.get("file_paths");
            if (inputs != null && inputs.isArray()) {
                for (JsonNode in : inputs) {
                    StoredFile f = sim.state().files.get(in.asText());
                    if (f != null) {
                        put(zip, "inputs/" + f.name(), f.data());
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Reply.raw(200, null, "application/zip", bytes.toByteArray())
                .header("content-disposition", "attachment; filename=\"" + t.id + ".zip\"");
    }

    private static void put(ZipOutputStream zip, String name, byte[] data) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(data);
        zip.closeEntry();
    }

    private Reply ingest(Exchange ex) {
        Principal p = sim.auth.require(ex);
        String c = ex.param("c");
        String tname = ex.param("t");
        CollectionRec col = sim.collection(p, c, false, TasksApi.collectionNotFound(c));
        TaskRec task = sim.state().task(col, tname);
        if (task == null) {
            throw ApiError.detail(404, TasksApi.taskNotFound(c, tname));
        }
        Auth.write(p);
        JsonNode b = ex.jsonBody();
        String status = b.path("status").asText("completed");
        if (!SETTABLE.contains(status) && !"running".equals(status)) {
            throw ApiError.validation(List.of("body", "status"), "Invalid status", "enum");
        }
        String id = b.hasNonNull("trajectory_id") ? b.get("trajectory_id").asText() : sim.engine.newId();
        Instant now = sim.clock.now();
        Instant created = parseTs(b.get("created"), now);
        ObjectNode ip = Json.obj();
        if (b.has("input")) {
            ip.set("input", b.get("input").deepCopy());
        }
        Trajectory t = new Trajectory(id, col.name, task.name, created, ip, Json.obj(), List.of("eval"),
                b.path("author").asText(p.identifier()));
        t.source = b.path("source").asText("ingest");
        t.status = status;
        t.stopped = true;
        t.startedAt = created;
        t.endedAt = Trajectory.TERMINAL.contains(status) ? parseTs(b.get("completed"), now) : null;
        t.updated = now;
        ObjectNode step = Json.obj();
        step.putObject("inputs");
        ObjectNode outputs = step.putObject("outputs");
        outputs.set("output", b.has("output") ? b.get("output").deepCopy() : Json.F.nullNode());
        if (b.has("metadata")) {
            outputs.set("metadata", b.get("metadata").deepCopy());
        }
        step.put("activity", "ingest");
        step.put("key", "eval");
        step.put("status", status);
        t.steps.set("eval", step);
        if ("completed".equals(status)) {
            t.completedSteps.add("eval");
        }
        String author = t.author;
        JsonNode scores = b.get("scores");
        if (scores != null && scores.isObject()) {
            scores.properties().iterator().forEachRemaining(e -> addLabel(t, "score." + e.getKey(), e.getValue().asText(), author, now));
        }
        JsonNode labels = b.get("labels");
        if (labels != null && labels.isObject()) {
            labels.properties().iterator().forEachRemaining(e -> addLabel(t, e.getKey(), e.getValue().asText(), author, now));
        }
        if (b.hasNonNull("cost_usd")) {
            addLabel(t, "cost_est_usd", b.get("cost_usd").asText(), author, now);
        }
        if (b.hasNonNull("eval_id")) {
            addLabel(t, "eval_id", b.get("eval_id").asText(), author, now);
        }
        sim.state().reservedIds.remove(id);
        t.seq = sim.state().nextSeq++;
        sim.state().trajectories.put(id, t); // idempotent overwrite by trajectory_id
        ObjectNode o = Json.obj();
        o.put("trajectory_id", id);
        o.put("name", t.collection + "/" + t.task);
        o.put("storage_path", t.storagePath());
        o.put("status", status);
        o.set("labels", t.labels.deepCopy());
        return Reply.json(o);
    }

    private static void addLabel(Trajectory t, String key, String value, String author, Instant now) {
        ObjectNode l = t.labels.addObject();
        l.put("key", key);
        l.put("value", value);
        l.put("created", Json.ts(now));
        l.put("author", author);
    }

    private static Instant parseTs(JsonNode n, Instant dflt) {
        if (n == null || !n.isTextual()) {
            return dflt;
        }
        try {
            return Instant.parse(n.asText());
        } catch (java.time.format.DateTimeParseException e) {
            return dflt;
        }
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
