package io.jettymcp.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** Tasks (bakery semantics, jetty-api.md §2.2). */
final class TasksApi {

    private final Sim sim;

    TasksApi(Sim sim) {
        this.sim = sim;
    }

    void register(Router r) {
        // before /tasks/{c}: otherwise "search" would be read as a collection name
        r.add("GET", "/api/v1/tasks/search", this::search);
        r.add("GET", "/api/v1/tasks/{c}/", this::list);
        r.add("POST", "/api/v1/tasks/{c}", this::create);
        r.add("GET", "/api/v1/tasks/{c}/{t}", this::get);
        r.add("PUT", "/api/v1/tasks/{c}/{t}", this::update);
        r.add("DELETE", "/api/v1/tasks/{c}/{t}", this::delete);
        r.add("GET", "/api/v1/task-details/{c}/{t}", this::details);
        r.add("GET", "/api/v1/tasks/{c}/{t}/init-params-schema", this::initParamsSchema);
    }

    static String collectionNotFound(String c) {
        return "Collection with name '" + c + "' not found";
    }

    static String taskNotFound(String c, String t) {
        return "Task '" + t + "' in collection '" + c + "' not found";
    }

    private CollectionRec collection(Principal p, String c) {
        return sim.collection(p, c, true, collectionNotFound(c));
    }

    TaskRec task(Principal p, String c, String t) {
        CollectionRec col = collection(p, c);
        TaskRec task = sim.state().task(col, t);
        if (task == null) {
            throw ApiError.detail(404, taskNotFound(c, t));
        }
        return task;
    }

    private Reply list(Exchange ex) {
        Principal p = sim.auth.require(ex);
        int skip = ex.intQuery("skip", 0, 0, Integer.MAX_VALUE);
        int limit = ex.intQuery("limit", 100, 1, 500);
        CollectionRec c = collection(p, ex.param("c"));
        ArrayNode out = Json.arr();
        sim.state().tasks(c).stream().sorted(Comparator.comparingInt(t -> t.id)).skip(skip).limit(limit)
                .forEach(t -> out.add(t.toListJson(c.name)));
        return Reply.json(out);
    }

    private Reply get(Exchange ex) {
        Principal p = sim.auth.optional(ex);
        String c = ex.param("c");
        String t = ex.param("t");
        CollectionRec col = sim.state().collection(c);
        TaskRec task = sim.state().task(col, t);
        if (task != null && !task.isPrivate) {
            return Reply.json(task.toJson()); // public tasks are readable by anyone
        }
        if (p == null) {
            throw Auth.unauthenticated();
        }
        return Reply.json(task(p, c, t).toJson());
    }

    private Reply details(Exchange ex) {
        Principal p = sim.auth.require(ex);
        TaskRec t = task(p, ex.param("c"), ex.param("t"));
        CollectionRec c = sim.state().collectionById(t.collectionId);
        ObjectNode o = t.toJson();
        o.set("environment_variables", c.envJson().get("environment_variables"));
        o.putObject("storage_info").put("bucket", "sandbox").put("prefix", c.name + "/" + t.name);
        o.put("storage_provider", "sandbox");
        return Reply.json(o);
    }

    private Reply initParamsSchema(Exchange ex) {
        Principal p = sim.auth.require(ex);
        TaskRec t = task(p, ex.param("c"), ex.param("t"));
        ObjectNode o = Json.obj();
        JsonNode ip = t.workflow.get("init_params");
        ArrayNode keys = o.putArray("keys");
        if (ip != null && ip.isObject()) {
            ip.fieldNames().forEachRemaining(keys::add);
            o.set("defaults", ip.deepCopy());
        } else {
            o.putObject("defaults");
        }
        return Reply.json(o);
    }

    private Reply create(Exchange ex) {
        Principal p = sim.auth.require(ex);
        String cname = ex.param("c");
        CollectionRec c = collection(p, cname);
        Auth.write(p);
        JsonNode b = ex.jsonBody();
        List<ObjectNode> errors = new ArrayList<>();
        JsonNode name = b.get("name");
        if (name == null || name.isNull()) {
            errors.add(ApiError.entry(List.of("body", "name"), "Field required", "missing"));
        } else if (!name.isTextual() || name.asText().isBlank()) {
            errors.add(ApiError.entry(List.of("body", "name"), "Input should be a valid string", "string_type"));
        }
        JsonNode wf = b.get("workflow");
        if (wf == null || wf.isNull()) {
            errors.add(ApiError.entry(List.of("body", "workflow"), "Field required", "missing"));
        } else if (!wf.isObject()) {
            errors.add(ApiError.entry(List.of("body", "workflow"), "Input should be a valid dictionary", "dict_type"));
        }
        errors.addAll(flagErrors(b));
        if (!errors.isEmpty()) {
            throw ApiError.validation(errors);
        }
        String n = name.asText();
        if (sim.state().task(c, n) != null) {
            throw ApiError.detail(400, "Task with name '" + n + "' already exists in collection '" + cname + "'");
        }
        TaskRec t = sim.state().addTask(c, n, ((ObjectNode) wf).deepCopy(), sim.clock.now());
        t.isPrivate = true;
        apply(t, b);
        return Reply.json(201, t.toJson());
    }

    private Reply update(Exchange ex) {
        Principal p = sim.auth.require(ex);
        String cname = ex.param("c");
        TaskRec t = task(p, cname, ex.param("t"));
        Auth.write(p);
        JsonNode b = ex.jsonBody();
        List<ObjectNode> errors = new ArrayList<>(flagErrors(b));
        JsonNode wf = b.get("workflow");
        if (wf != null && !wf.isNull() && !wf.isObject()) {
            errors.add(ApiError.entry(List.of("body", "workflow"), "Input should be a valid dictionary", "dict_type"));
        }
        JsonNode name = b.get("name");
        if (name != null && !name.isNull() && (!name.isTextual() || name.asText().isBlank())) {
            errors.add(ApiError.entry(List.of("body", "name"), "Input should be a valid string", "string_type"));
        }
        if (!errors.isEmpty()) {
            throw ApiError.validation(errors);
        }
        if (name != null && name.isTextual() && !name.asText().equalsIgnoreCase(t.name)) {
            TaskRec clash = sim.state().task(sim.state().collectionById(t.collectionId), name.asText());
            if (clash != null) {
                throw ApiError.detail(400, "Task with name '" + name.asText() + "' already exists in collection '"
                        + cname + "'");
            }
        }
        if (name != null && name.isTextual()) {
            t.name = name.asText();
        }
        if (wf != null && wf.isObject()) {
            t.workflow = ((ObjectNode) wf).deepCopy();
        }
        apply(t, b);
        t.updatedAt = sim.clock.now();
        return Reply.json(t.toJson());
    }

    private Reply delete(Exchange ex) {
        Principal p = sim.auth.require(ex);
        CollectionRec c = collection(p, ex.param("c"));
        Auth.write(p);
        TaskRec t = sim.state().task(c, ex.param("t"));
        if (t == null) {
            throw ApiError.detail(404, "Task not found");
        }
        sim.state().tasks.remove(t);
        return Reply.json(Json.obj().put("message", "Task deleted successfully"));
    }

    /**
     * Global task search as bakery's {@code search_tasks} answers it (jetty-api.md §7 E6): {@code {"hits": [Typesense
     * hit]}}, each {@code {"document": {collection_name, entity_name, full_name: "task/<c>/<t>", entity_type: "task",
     * metadata?}, "highlights": [], "text_match": n}} — Typesense's include_fields leave out name and description.
     * q (required) matches case-insensitively in the name, description or collection, "*" = all; name hits first.
     * An API key only sees its own collection. With {@code search_redirect} the route is absent, as FastAPI
     * answers when only {@code /tasks/{c}/} matches: 307 to the slashed path.
     */
    private Reply search(Exchange ex) {
        if (sim.switches.searchRedirect()) {
            return Reply.empty(307).header("location", ex.baseUrl + "/api/v1/tasks/search/"
                    + (ex.rawQuery.isEmpty() ? "" : "?" + ex.rawQuery));
        }
        Principal p = sim.auth.require(ex);
        String q = ex.q("q");
        if (q == null || q.isEmpty()) {
            throw ApiError.validation(List.of("query", "q"), q == null ? "Field required" : "String should have at least 1 character",
                    q == null ? "missing" : "string_too_short");
        }
        int limit = ex.intQuery("limit", 30, 1, 100);
        String needle = q.trim().equals("*") ? "" : q.trim().toLowerCase(Locale.ROOT);
        List<ObjectNode> nameHits = new ArrayList<>();
        List<ObjectNode> otherHits = new ArrayList<>();
        for (TaskRec t : sim.state().tasks) {
            CollectionRec c = sim.state().collectionById(t.collectionId);
            if (!Auth.canSee(p, c)) {
                continue;
            }
            boolean inName = t.name.toLowerCase(Locale.ROOT).contains(needle);
            boolean inOther = c.name.toLowerCase(Locale.ROOT).contains(needle)
                    || t.description != null && t.description.toLowerCase(Locale.ROOT).contains(needle);
            if (!inName && !inOther) {
                continue;
            }
            ObjectNode hit = Json.obj();
            ObjectNode doc = hit.putObject("document");
            doc.put("collection_name", c.name);
            doc.put("entity_name", t.name);
            doc.put("full_name", "task/" + c.name + "/" + t.name);
            doc.put("entity_type", "task");
            ObjectNode meta = searchMetadata(t.croissantMetadata);
            if (meta != null) {
                doc.set("metadata", meta);
            }
            hit.putArray("highlights");
            hit.put("text_match", inName ? 2 : 1);
            (inName ? nameHits : otherHits).add(hit);
        }
        nameHits.addAll(otherHits);
        ObjectNode o = Json.obj();
        ArrayNode hits = o.putArray("hits");
        nameHits.stream().limit(limit).forEach(hits::add);
        return Reply.json(o);
    }

    /** Bakery indexes an entity's metadata with simple values only and '@' replaced by "__"; empty = absent. */
    private static ObjectNode searchMetadata(JsonNode m) {
        if (m == null || !m.isObject()) {
            return null;
        }
        ObjectNode out = Json.obj();
        m.properties().forEach(e -> {
            if (e.getValue().isValueNode() && !e.getValue().isNull()) {
                out.set(e.getKey().replace("@", "__"), e.getValue());
            }
        });
        return out.isEmpty() ? null : out;
    }

    private static List<ObjectNode> flagErrors(JsonNode b) {
        List<ObjectNode> errors = new ArrayList<>();
        for (String f : List.of("has_file_uploads", "is_private", "is_chat_flow")) {
            JsonNode v = b.get(f);
            if (v != null && !v.isNull() && !v.isBoolean()) {
                errors.add(ApiError.entry(List.of("body", f), "Input should be a valid boolean", "bool_type"));
            }
        }
        for (String f : List.of("description", "version")) {
            JsonNode v = b.get(f);
            if (v != null && !v.isNull() && !v.isTextual()) {
                errors.add(ApiError.entry(List.of("body", f), "Input should be a valid string", "string_type"));
            }
        }
        return errors;
    }

    /** Copies the optional fields that were sent (exclude_unset semantics). */
    private static void apply(TaskRec t, JsonNode b) {
        if (b.hasNonNull("description")) {
            t.description = b.get("description").asText();
        }
        if (b.hasNonNull("version")) {
            t.version = b.get("version").asText();
        }
        if (b.hasNonNull("has_file_uploads")) {
            t.hasFileUploads = b.get("has_file_uploads").asBoolean();
        }
        if (b.hasNonNull("is_private")) {
            t.isPrivate = b.get("is_private").asBoolean();
        }
        if (b.hasNonNull("is_chat_flow")) {
            t.isChatFlow = b.get("is_chat_flow").asBoolean();
        }
        if (b.has("croissant_metadata")) {
            JsonNode m = b.get("croissant_metadata");
            t.croissantMetadata = m == null || m.isNull() ? null : m.deepCopy();
        }
    }
}
