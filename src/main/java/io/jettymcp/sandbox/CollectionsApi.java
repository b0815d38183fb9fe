package io.jettymcp.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** Collections and their environment (bakery semantics, jetty-api.md §2.1). */
final class CollectionsApi {

    static final String NOT_FOUND = "Collection not found";
    static final String CREATE_NEEDS_USER =
            "Creating collections requires a user token (JWT) with WRITE access; API keys are scoped to one collection";

    private final Sim sim;

    CollectionsApi(Sim sim) {
        this.sim = sim;
    }

    void register(Router r) {
        r.add("GET", "/api/v1/collections/", this::list);
        r.add("POST", "/api/v1/collections/", this::create);
        r.add("GET", "/api/v1/collections/{c}", this::get);
        r.add("DELETE", "/api/v1/collections/{c}", this::delete);
        r.add("GET", "/api/v1/collections/{c}/environment", this::getEnv);
        r.add("PATCH", "/api/v1/collections/{c}/environment", this::patchEnv);
    }

    private Reply list(Exchange ex) {
        Principal p = sim.auth.require(ex);
        int skip = ex.intQuery("skip", 0, 0, Integer.MAX_VALUE);
        int limit = ex.intQuery("limit", 100, 0, Integer.MAX_VALUE);
        ArrayNode out = Json.arr();
        int seen = 0;
        for (CollectionRec c : sim.state().collections) {
            if (!Auth.canSee(p, c)) {
                continue;
            }
            if (seen++ >= skip && out.size() < limit) {
                out.add(c.toJson());
            }
        }
        return Reply.json(out);
    }

    private Reply get(Exchange ex) {
        Principal p = sim.auth.require(ex);
        return Reply.json(sim.collection(p, ex.param("c"), false, NOT_FOUND).toJson());
    }

    private Reply delete(Exchange ex) {
        Principal p = sim.auth.require(ex);
        if (p.isApiKey()) {
            throw ApiError.detail(403, "Admin privileges required");
        }
        Auth.write(p);
        CollectionRec c = sim.collection(p, ex.param("c"), false, NOT_FOUND);
        sim.state().tasks.removeIf(t -> t.collectionId == c.id);
        sim.state().collections.remove(c);
        return Reply.empty(204);
    }

    private Reply create(Exchange ex) {
        Principal p = sim.auth.require(ex);
        if (p.isApiKey()) {
            throw ApiError.detail(403, CREATE_NEEDS_USER);
        }
        Auth.write(p);
        JsonNode b = ex.jsonBody();
        JsonNode name = b.get("name");
        if (name == null || name.isNull()) {
            throw ApiError.missing("body", "name");
        }
        if (!name.isTextual()) {
            throw ApiError.validation(List.of("body", "name"), "Input should be a valid string", "string_type");
        }
        String n = name.asText().trim();
        if (n.isEmpty()) {
            throw ApiError.validation(List.of("body", "name"), "String should have at least 1 character", "string_too_short");
        }
        if (sim.state().collection(n) != null) {
            throw ApiError.detail(400, "Collection already exists");
        }
        Map<String, String> env = envValues(b.get("environment_variables"), false);
        String owner = text(b, "owner_identifier", p.identifier());
        CollectionRec c = sim.state().addCollection(n, text(b, "description", ""), owner, sim.clock.now());
        if (env != null) {
            env.forEach((k, v) -> {
                if (v != null) {
                    c.env.put(k, v);
                }
            });
        }
        return Reply.json(200, c.toJson());
    }

    private Reply getEnv(Exchange ex) {
        Principal p = sim.auth.require(ex);
        return Reply.json(sim.collection(p, ex.param("c"), false, NOT_FOUND).envJson());
    }

    private Reply patchEnv(Exchange ex) {
        Principal p = sim.auth.require(ex);
        CollectionRec c = sim.collection(p, ex.param("c"), false, NOT_FOUND);
        Auth.write(p);
        JsonNode b = ex.jsonBody();
        if (!b.has("environment_variables")) {
            throw ApiError.missing("body", "environment_variables");
        }
        Map<String, String> vars = envValues(b.get("environment_variables"), true);
        if (vars == null) {
            c.env.clear(); // bakery: "environment_variables": null wipes every variable
        } else {
            boolean storeNull = sim.switches.envStoreNull();
            vars.forEach((k, v) -> {
                if (v == null && !storeNull) {
                    c.env.remove(k);
                } else {
                    c.env.put(k, v);
                }
            });
        }
        return Reply.json(c.envJson());
    }

    /** The env map (values string or null), or null for a JSON null; 422 for other shapes. */
    private static Map<String, String> envValues(JsonNode n, boolean required) {
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isObject()) {
            throw ApiError.validation(List.of("body", "environment_variables"), "Input should be a valid dictionary",
                    "dict_type");
        }
        Map<String, String> out = new java.util.LinkedHashMap<>();
        List<com.fasterxml.jackson.databind.node.ObjectNode> errors = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> it = n.properties().iterator();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            if (v.isNull()) {
                out.put(e.getKey(), null);
            } else if (v.isTextual()) {
                out.put(e.getKey(), v.asText());
            } else {
                errors.add(ApiError.entry(List.of("body", "environment_variables", e.getKey()),
                        "Input should be a valid string", "string_type"));
            }
        }
        if (!errors.isEmpty()) {
            throw ApiError.validation(errors);
        }
        return out;
    }

    private static String text(JsonNode b, String field, String dflt) {
        JsonNode v = b.get(field);
        return v == null || v.isNull() ? dflt : v.asText();
    }
}
