package io.jettymcp.shape;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ContainerNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.util.Iterator;
import java.util.Map;

/**
 * Fits a result into a byte budget (clients cap tool output, and every byte is model context). It
 * drops list tails first, then shortens the longest strings, and says what it left out and how to
 * get it, so the model never mistakes a truncated answer for a complete one.
 */
public final class SizeCap {

    private static final int NOTE_RESERVE = 400;
    private final ObjectMapper mapper;

    public SizeCap(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** Returns the node itself when it fits, else a trimmed copy carrying a {@code _truncated} note. */
    public JsonNode fit(JsonNode node, int budget, String moreHint) {
        if (size(node) <= budget) {
            return node;
        }
        JsonNode copy = node.deepCopy();
        int droppedItems = 0;
        int cutStrings = 0;
        for (int i = 0; i < 200 && size(copy) > budget - NOTE_RESERVE; i++) {
            ArrayNode arr = largest(copy, ArrayNode.class);
            if (arr != null && arr.size() > 1) {
                int drop = Math.max(1, arr.size() / 2);
                for (int k = 0; k < drop; k++) {
                    arr.remove(arr.size() - 1);
                }
                droppedItems += drop;
                continue;
            }
            if (!cutLongestString(copy)) {
                break;
            }
            cutStrings++;
        }
        ObjectNode out;
        if (copy.isObject()) {
            out = (ObjectNode) copy;
        } else {
            out = mapper.createObjectNode();
            out.set("result", copy);
        }
        StringBuilder note = new StringBuilder("Output capped at ").append(budget / 1024).append(" KB:");
        if (droppedItems > 0) {
            note.append(" ").append(droppedItems).append(" list item(s) left out;");
        }
        if (cutStrings > 0) {
            note.append(" ").append(cutStrings).append(" long text value(s) shortened;");
        }
        note.setLength(note.length() - 1);
        note.append(".");
        if (moreHint != null) {
            note.append(" ").append(moreHint);
        }
        out.put("_truncated", note.toString());
        if (size(out) > budget) {
            // pathological shapes (thousands of small keys): fall back to a plain prefix of the text
            ObjectNode fallback = mapper.createObjectNode();
            String text = write(copy);
            fallback.put("partial_json", text.substring(0, Math.max(0, budget - NOTE_RESERVE)));
            fallback.put("_truncated", note.toString());
            return fallback;
        }
        return out;
    }

    private <T extends ContainerNode<?>> T largest(JsonNode root, Class<T> type) {
        Holder<T> best = new Holder<>();
        walk(root, n -> {
            if (type.isInstance(n) && n.size() > 1) {
                int s = size(n);
                if (s > best.size) {
                    best.size = s;
                    best.node = type.cast(n);
                }
            }
        });
        return best.node;
    }

    private boolean cutLongestString(JsonNode root) {
        Holder<ContainerNode<?>> parent = new Holder<>();
        String[] key = new String[1];
        int[] idx = new int[1];
        walk(root, n -> {
            if (n instanceof ObjectNode o) {
                for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    if (e.getValue().isTextual() && e.getValue().asText().length() > parent.size) {
                        parent.size = e.getValue().asText().length();
                        parent.node = o;
                        key[0] = e.getKey();
                    }
                }
            } else if (n instanceof ArrayNode a) {
                for (int i = 0; i < a.size(); i++) {
                    if (a.get(i).isTextual() && a.get(i).asText().length() > parent.size) {
                        parent.size = a.get(i).asText().length();
                        parent.node = a;
                        key[0] = null;
                        idx[0] = i;
                    }
                }
            }
        });
        if (parent.node == null || parent.size <= 120) {
            return false;
        }
        String s = parent.node instanceof ObjectNode o ? o.get(key[0]).asText() : parent.node.get(idx[0]).asText();
        int keep = Math.max(100, s.length() / 2);
        TextNode cut = TextNode.valueOf(s.substring(0, keep) + "…[" + (s.length() - keep) + " more characters]");
        if (parent.node instanceof ObjectNode o) {
            o.set(key[0], cut);
        } else {
            ((ArrayNode) parent.node).set(idx[0], cut);
        }
        return true;
    }

    private static void walk(JsonNode n, java.util.function.Consumer<JsonNode> visit) {
        visit.accept(n);
        if (n.isContainerNode()) {
            n.forEach(c -> walk(c, visit));
        }
    }

    public int size(JsonNode n) {
        return write(n).getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    }

    public String write(JsonNode n) {
        try {
            return mapper.writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final class Holder<T> {
        T node;
        int size = -1;
    }
}
