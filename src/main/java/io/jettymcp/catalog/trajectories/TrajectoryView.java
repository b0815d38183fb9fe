package io.jettymcp.catalog.trajectories;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jettymcp.redact.Redactor;
import io.jettymcp.shape.Projection;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What a model needs of a Jetty trajectory. A raw trajectory carries every step's inputs, configs
 * and full outputs (often tens of KB); the compact view keeps status, error, init_params and per
 * step its status, duration and outputs truncated, and says how to get the rest. Steps stay keyed
 * by name, as Jetty returns them.
 */
public final class TrajectoryView {

    /** Statuses after which a trajectory never changes on its own. */
    public static final Set<String> TERMINAL = Set.of("completed", "failed", "cancelled", "archived", "timed_out");

    public static final int STRING_CAP = 400;
    static final int ITEMS_CAP = 5;
    static final int DEPTH_CAP = 4;

    private final ObjectMapper mapper;
    private final Redactor redactor;

    public TrajectoryView(ObjectMapper mapper, Redactor redactor) {
        this.mapper = mapper;
        this.redactor = redactor;
    }

    public static boolean terminal(JsonNode t) {
        return TERMINAL.contains(t.path("status").asText("").toLowerCase(Locale.ROOT));
    }

    /** One row of list-trajectories: id, status, created, duration, error, labels, step progress. */
    public ObjectNode row(JsonNode t) {
        ObjectNode o = mapper.createObjectNode();
        o.put("trajectory_id", t.path("trajectory_id").asText(null));
        o.set("status", t.path("status").isMissingNode() ? mapper.nullNode() : t.get("status"));
        copy(t, o, "created");
        Double d = duration(t);
        if (d != null) {
            o.put("duration_seconds", d);
        }
        if (t.hasNonNull("error")) {
            o.put("error", cut(t.get("error").asText(), 200));
        }
        String progress = progress(t);
        if (progress != null) {
            o.put("steps_done", progress);
        }
        ObjectNode labels = labelMap(t.path("labels"));
        if (!labels.isEmpty()) {
            o.set("labels", labels);
        }
        if (t.hasNonNull("triggered_by_routine_id")) {
            o.set("triggered_by_routine_id", t.get("triggered_by_routine_id"));
        }
        return o;
    }

    /** The default get-trajectory and wait-for-trajectory answer. */
    public ObjectNode compact(JsonNode t, String collection, String task) {
        ObjectNode o = header(t, collection, task);
        copy(t, o, "created");
        copy(t, o, "updated");
        copy(t, o, "storage_path");
        Double d = duration(t);
        if (d != null) {
            o.put("duration_seconds", d);
        }
        if (t.has("error")) {
            o.set("error", t.get("error").isNull() ? mapper.nullNode() : mapper.getNodeFactory().textNode(cut(t.get("error").asText(), 2000)));
        }
        String progress = progress(t);
        if (progress != null) {
            o.put("steps_done", progress);
        }
        if (t.has("init_params")) {
            o.set("init_params", truncate(t.get("init_params"), 0));
        }
        ArrayNode labels = mapper.createArrayNode();
        for (JsonNode l : t.path("labels")) {
            ObjectNode lo = labels.addObject();
            lo.set("key", l.path("key"));
            lo.set("value", l.path("value"));
            copy(l, lo, "author");
        }
        if (!labels.isEmpty()) {
            o.set("labels", labels);
        }
        ObjectNode steps = mapper.createObjectNode();
        boolean cut = false;
        for (Map.Entry<String, JsonNode> e : t.path("steps").properties()) {
            JsonNode s = e.getValue();
            ObjectNode so = steps.putObject(e.getKey());
            copy(s, so, "status");
            copy(s, so, "activity");
            copy(s, so, "duration_seconds");
            if (s.hasNonNull("error")) {
                so.put("error", cut(s.get("error").asText(), 2000));
            }
            if (s.has("outputs")) {
                JsonNode out = truncate(s.get("outputs"), 0);
                cut |= !out.equals(s.get("outputs"));
                so.set("outputs", out);
            }
        }
        o.set("steps", steps);
        if (t.hasNonNull("triggered_by_routine_id")) {
            o.set("triggered_by_routine_id", t.get("triggered_by_routine_id"));
        }
        if (cut) {
            o.put("note", "Long outputs are shortened; get-trajectory with steps=[\"<step>\"] returns a step in full, "
                    + "fields=[\"steps.<step>.outputs.<key>\"] one value.");
        }
        return o;
    }

    /**
     * get-trajectory with a selection: {@code steps} adds those steps in full (["*"] = all); {@code fields}
     * returns only those dotted paths (e.g. "step_configs", "steps.chat.outputs.text").
     */
    public ObjectNode select(JsonNode t, String collection, String task, List<String> steps, List<String> fields) {
        ObjectNode o;
        if (fields != null && !fields.isEmpty()) {
            o = header(t, collection, task);
            ObjectNode picked = o.putObject("fields");
            ArrayNode missing = mapper.createArrayNode();
            for (String f : fields) {
                JsonNode v = Projection.at(t, f);
                if (v == null || v.isMissingNode()) {
                    missing.add(f);
                } else {
                    picked.set(f, v);
                }
            }
            if (!missing.isEmpty()) {
                o.set("missing_fields", missing);
                o.set("available_fields", names(t.fieldNames()));
            }
        } else {
            o = compact(t, collection, task);
            o.remove("note");
        }
        if (steps != null && !steps.isEmpty()) {
            ObjectNode full = mapper.createObjectNode();
            ArrayNode missing = mapper.createArrayNode();
            boolean all = steps.contains("*");
            JsonNode have = t.path("steps");
            if (all) {
                have.properties().forEach(e -> full.set(e.getKey(), e.getValue()));
            } else {
                for (String s : steps) {
                    if (have.has(s)) {
                        full.set(s, have.get(s));
                    } else {
                        missing.add(s);
                    }
                }
            }
            o.set("steps", full);
            if (!missing.isEmpty()) {
                o.set("missing_steps", missing);
                o.set("available_steps", names(have.fieldNames()));
                o.set("total_steps", t.path("total_steps"));
            }
        }
        return o;
    }

    private ObjectNode header(JsonNode t, String collection, String task) {
        ObjectNode o = mapper.createObjectNode();
        String id = t.path("trajectory_id").asText(null);
        o.put("trajectory_id", id);
        if (id != null) {
            o.put("workflow_id", TrajectoryIds.workflowId(collection, task, id));
            o.put("link", TrajectoryIds.link(collection, task, id));
        }
        o.set("status", t.path("status").isMissingNode() ? mapper.nullNode() : t.get("status"));
        return o;
    }

    /** "completed of total" from completed_steps / total_steps, when Jetty gave them. */
    static String progress(JsonNode t) {
        if (!t.path("total_steps").isArray()) {
            return null;
        }
        return t.path("completed_steps").size() + "/" + t.get("total_steps").size();
    }

    /** Labels as {key: value}; a later label with the same key wins, as it does when reading the latest judgement. */
    ObjectNode labelMap(JsonNode labels) {
        ObjectNode o = mapper.createObjectNode();
        for (JsonNode l : labels) {
            if (l.hasNonNull("key")) {
                o.set(l.get("key").asText(), l.path("value"));
            }
        }
        return o;
    }

    /**
     * Run time in seconds: Jetty's own duration when it gives one, else updated − created once the run
     * has ended (for a running trajectory "updated" is only the last write, so no figure is better than a wrong one).
     */
    static Double duration(JsonNode t) {
        for (String f : List.of("duration_seconds", "duration")) {
            if (t.path(f).isNumber()) {
                return round(t.get(f).asDouble());
            }
        }
        if (!terminal(t)) {
            return null;
        }
        Instant a = instant(t.path("created").asText(null));
        JsonNode endNode = t.hasNonNull("completed") ? t.get("completed") : t.hasNonNull("ended") ? t.get("ended") : t.get("updated");
        Instant b = instant(endNode == null ? null : endNode.asText(null));
        if (a == null || b == null || b.isBefore(a)) {
            return null;
        }
        return round(Duration.between(a, b).toMillis() / 1000.0);
    }

    /** ISO-8601 with or without an offset (Python's isoformat() often has none: read it as UTC). */
    static Instant instant(String s) {
        if (s == null || s.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return LocalDateTime.parse(s).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e2) {
                return null;
            }
        }
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    /** Shortens long strings and lists and deep nesting, saying what was left out. */
    JsonNode truncate(JsonNode n, int depth) {
        if (n.isTextual()) {
            String s = n.asText();
            return s.length() <= STRING_CAP ? n : mapper.getNodeFactory().textNode(cut(s, STRING_CAP));
        }
        if (n.isArray()) {
            if (depth >= DEPTH_CAP) {
                return mapper.getNodeFactory().textNode("[" + n.size() + " items]");
            }
            ArrayNode a = mapper.createArrayNode();
            for (int i = 0; i < n.size() && i < ITEMS_CAP; i++) {
                a.add(truncate(n.get(i), depth + 1));
            }
            if (n.size() > ITEMS_CAP) {
                a.add("…" + (n.size() - ITEMS_CAP) + " more items");
            }
            return a;
        }
        if (n.isObject()) {
            if (depth >= DEPTH_CAP) {
                return mapper.getNodeFactory().textNode("{" + n.size() + " fields}");
            }
            ObjectNode o = mapper.createObjectNode();
            n.properties().forEach(e -> o.set(e.getKey(), truncate(e.getValue(), depth + 1)));
            return o;
        }
        return n;
    }

    /** {@code s} shortened to {@code max} characters by the redactor's cut (redacted as it is cut), saying how much is left out. */
    String cut(String s, int max) {
        return s.length() <= max ? s : redactor.cut(s, max) + "[" + (s.length() - max) + " more characters]";
    }

    private static void copy(JsonNode from, ObjectNode to, String field) {
        if (from.has(field)) {
            to.set(field, from.get(field));
        }
    }

    private ArrayNode names(Iterator<String> it) {
        ArrayNode a = mapper.createArrayNode();
        it.forEachRemaining(a::add);
        return a;
    }
}
