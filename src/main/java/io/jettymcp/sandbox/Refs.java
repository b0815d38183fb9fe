package io.jettymcp.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Workflow path references: {@code init_params.x}, {@code step.outputs.items[0].name},
 * {@code step.outputs.items[*].id} (wildcard maps over the array), {@code step.inputs.prompt}.
 */
final class Refs {

    /** A reference Jetty itself would reject when the workflow runs. */
    static final class BadRef extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadRef(String message) {
            super(message, null, false, false);
        }
    }

    private record Tok(String field, int index, boolean wild) {
    }

    private Refs() {
    }

    /**
     * Resolves {@code ref} against init_params and the steps finished so far; null when a
     * segment is missing. The first segment must be init_params or an earlier step.
     */
    static JsonNode resolve(String ref, JsonNode initParams, JsonNode steps) {
        String r = ref == null ? "" : ref.trim();
        int colon = r.indexOf("://");
        if (colon > 0) {
            throw new BadRef("ValueError: Invalid workflow reference: " + r.substring(0, colon));
        }
        List<Tok> toks = parse(r);
        if (toks.isEmpty() || toks.get(0).field == null) {
            throw new BadRef("ValueError: Invalid workflow reference: " + r);
        }
        String root = toks.get(0).field;
        JsonNode start;
        if (root.equals("init_params")) {
            start = initParams;
        } else if (steps != null && steps.has(root)) {
            start = steps.get(root);
        } else {
            throw new BadRef("ValueError: Invalid workflow reference: " + root);
        }
        return nav(start, toks, 1);
    }

    private static JsonNode nav(JsonNode n, List<Tok> toks, int i) {
        if (n == null || n.isMissingNode()) {
            return null;
        }
        if (i == toks.size()) {
            return n;
        }
        Tok t = toks.get(i);
        if (t.wild) {
            if (!n.isArray()) {
                return null;
            }
            ArrayNode out = Json.arr();
            for (JsonNode e : n) {
                JsonNode v = nav(e, toks, i + 1);
                out.add(v == null ? Json.F.nullNode() : v);
            }
            return out;
        }
        if (t.field != null) {
            return nav(n.isObject() ? n.get(t.field) : null, toks, i + 1);
        }
        return nav(n.isArray() ? n.get(t.index) : null, toks, i + 1);
    }

    private static List<Tok> parse(String ref) {
        List<Tok> out = new ArrayList<>();
        for (String part : ref.split("\\.")) {
            int b = part.indexOf('[');
            String field = b < 0 ? part : part.substring(0, b);
            if (!field.isEmpty()) {
                out.add(new Tok(field, -1, false));
            }
            while (b >= 0) {
                int e = part.indexOf(']', b);
                if (e < 0) {
                    throw new BadRef("ValueError: Invalid workflow reference: " + ref);
                }
                String idx = part.substring(b + 1, e).trim();
                if (idx.equals("*")) {
                    out.add(new Tok(null, -1, true));
                } else {
                    try {
                        out.add(new Tok(null, Integer.parseInt(idx), false));
                    } catch (NumberFormatException x) {
                        throw new BadRef("ValueError: Invalid workflow reference: " + ref);
                    }
                }
                b = part.indexOf('[', e);
            }
        }
        return out;
    }
}
