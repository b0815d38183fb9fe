package io.jettymcp.shape;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * Keeps what a model needs of a Jetty answer: the rows of a list (wrapped or bare), the declared
 * fields of each, and the paging fields beside them. Compact by default; a tool's "full" argument
 * skips the field selection.
 */
public final class Projection {

    private final ObjectMapper mapper;

    public Projection(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public JsonNode apply(OutputSpec out, JsonNode payload, boolean full) {
        if (out.list() == null) {
            return full || out.fields().isEmpty() || !payload.isObject() ? payload : pick(payload, out.fields());
        }
        JsonNode rows = out.list().isEmpty() ? payload : payload.path(out.list());
        ObjectNode result = mapper.createObjectNode();
        ArrayNode items = result.putArray(out.key());
        if (rows.isArray()) {
            for (JsonNode row : rows) {
                items.add(full || out.fields().isEmpty() || !row.isObject() ? row : pick(row, out.fields()));
            }
        }
        result.put("count", items.size());
        for (String c : out.carry()) {
            if (payload.has(c)) {
                result.set(c, payload.get(c));
            }
        }
        return result;
    }

    /** Field expressions: {@code name}, {@code alias=path.to.value}, {@code alias=path#len}. */
    public ObjectNode pick(JsonNode row, List<String> fields) {
        ObjectNode o = mapper.createObjectNode();
        for (String f : fields) {
            int eq = f.indexOf('=');
            String key = eq < 0 ? f : f.substring(0, eq);
            String expr = eq < 0 ? f : f.substring(eq + 1);
            boolean len = expr.endsWith("#len");
            JsonNode v = at(row, len ? expr.substring(0, expr.length() - 4) : expr);
            if (v == null || v.isMissingNode()) {
                continue;
            }
            o.set(key, len ? mapper.getNodeFactory().numberNode(v.isContainerNode() ? v.size() : 0) : v);
        }
        return o;
    }

    public static JsonNode at(JsonNode node, String dotted) {
        JsonNode cur = node;
        for (String part : dotted.split("\\.")) {
            if (cur == null) {
                return null;
            }
            cur = cur.get(part);
        }
        return cur;
    }
}
