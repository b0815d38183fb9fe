package io.jettymcp.shape;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fits a result into a byte budget (clients cap tool output, and every byte is model context). It
 * keeps list heads and every object field, shortens long strings and summarises levels nested deeper
 * than {@link #MAX_DEPTH}, and says what it left out and how to get it, so the model never mistakes a
 * truncated answer for a complete one.
 *
 * <p>Linear in the answer's size: every node's serialised size is measured once, bottom-up, and the
 * trimmed copy is built in one pass from the top, sharing the subtrees kept whole.
 */
public final class SizeCap {

    /** Container levels shown; deeper ones become a one-line summary. */
    public static final int MAX_DEPTH = 32;
    private static final int NOTE_RESERVE = 400;
    /** Strings this short are never cut: the cut marker would take as much room. */
    private static final int MIN_CUT = 120;
    private static final int KEEP_AT_LEAST = 100;
    /** Less room than this: a container becomes a one-line count and a string a short head. */
    private static final int TIGHT = 160;

    private final ObjectMapper mapper;
    private final AtomicLong work = new AtomicLong();
    private volatile String lastThread;

    public SizeCap(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** Shaping work done so far: nodes visited plus bytes serialised (for tests). */
    public long work() {
        return work.get();
    }

    /** The thread that ran the latest {@link #fit} (for tests). */
    public String lastThread() {
        return lastThread;
    }

    /** Returns the node itself when it fits, else a trimmed copy carrying a {@code _truncated} note. */
    public JsonNode fit(JsonNode node, int budget, String moreHint) {
        lastThread = Thread.currentThread().getName();
        Pass pass = new Pass();
        Measure whole = pass.measure(node);
        if (whole.size <= budget && whole.height <= MAX_DEPTH) {
            return node;
        }
        JsonNode copy = pass.trim(node, Math.max(0, budget - NOTE_RESERVE), 1);
        ObjectNode out;
        if (copy.isObject()) {
            out = (ObjectNode) copy;
        } else {
            out = mapper.createObjectNode();
            out.set("result", copy);
        }
        String note = pass.note(budget, moreHint);
        out.put("_truncated", note);
        if (size(out) > budget) {
            // pathological shapes (thousands of small keys): fall back to a plain prefix of the text
            ObjectNode fallback = mapper.createObjectNode();
            String text = write(copy);
            fallback.put("partial_json", text.substring(0, Math.min(text.length(), Math.max(0, budget - NOTE_RESERVE))));
            fallback.put("_truncated", note);
            return fallback;
        }
        return out;
    }

    public int size(JsonNode n) {
        return write(n).getBytes(StandardCharsets.UTF_8).length;
    }

    public String write(JsonNode n) {
        try {
            String s = mapper.writeValueAsString(n);
            work.addAndGet(s.length());
            return s;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A subtree's serialised size in bytes and its height in container levels (0 for a scalar). */
    private record Measure(long size, int height) {
    }

    /** One fit: the measured sizes and what was left out. */
    private final class Pass {
        private final Map<JsonNode, Measure> measures = new IdentityHashMap<>();
        private long droppedItems;
        private int cutStrings;
        private int summarised;
        private int squeezed;
        private long droppedFields;

        Measure measure(JsonNode n) {
            work.incrementAndGet();
            Measure m;
            if (n.isObject()) {
                long size = 2 + Math.max(0, n.size() - 1);
                int height = 0;
                for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    Measure c = measure(e.getValue());
                    size += textSize(e.getKey()) + 1 + c.size;
                    height = Math.max(height, c.height);
                }
                m = new Measure(size, height + 1);
            } else if (n.isArray()) {
                long size = 2 + Math.max(0, n.size() - 1);
                int height = 0;
                for (JsonNode c : n) {
                    Measure cm = measure(c);
                    size += cm.size;
                    height = Math.max(height, cm.height);
                }
                m = new Measure(size, height + 1);
            } else {
                return new Measure(scalarSize(n), 0); // scalars are cheap to size again; not remembered
            }
            measures.put(n, m);
            return m;
        }

        private Measure of(JsonNode n) {
            Measure m = measures.get(n);
            return m != null ? m : new Measure(scalarSize(n), 0);
        }

        /** A copy of {@code n} in about {@code allowance} bytes; {@code depth} is n's container level (root = 1). */
        JsonNode trim(JsonNode n, long allowance, int depth) {
            work.incrementAndGet();
            Measure m = of(n);
            if (n.isContainerNode() && depth > MAX_DEPTH) {
                summarised++;
                return TextNode.valueOf(n.isObject() ? "{…" + n.size() + " fields at depth>" + MAX_DEPTH + "}"
                        : "[…" + n.size() + " items at depth>" + MAX_DEPTH + "]");
            }
            if (m.size <= allowance && depth + m.height - 1 <= MAX_DEPTH) {
                return n; // kept whole, shared with the original
            }
            if (n.isContainerNode() && allowance < TIGHT) {
                squeezed++;
                return TextNode.valueOf(n.isObject() ? "{…" + n.size() + " fields}" : "[…" + n.size() + " items]");
            }
            if (n.isTextual()) {
                return cut(n.asText(), allowance);
            }
            if (n.isArray()) {
                return trimArray((ArrayNode) n, allowance, depth);
            }
            if (n.isObject()) {
                return trimObject((ObjectNode) n, allowance, depth);
            }
            return n;
        }

        private JsonNode cut(String s, long allowance) {
            if (s.length() <= 16 || s.length() <= MIN_CUT && allowance >= TIGHT) {
                return TextNode.valueOf(s);
            }
            // allowance is in bytes and a character is at least one, so this keeps no more than fits;
            // a roomy cut keeps at least KEEP_AT_LEAST characters, a tight one a few
            long floor = allowance >= TIGHT ? KEEP_AT_LEAST : 8;
            int keep = (int) Math.max(Math.min(floor, s.length() - 1), Math.min(s.length() - 1, allowance - 40));
            if (Character.isHighSurrogate(s.charAt(keep - 1))) {
                keep--;
            }
            cutStrings++;
            return TextNode.valueOf(s.substring(0, keep) + "…[" + (s.length() - keep) + " more characters]");
        }

        private JsonNode trimArray(ArrayNode a, long allowance, int depth) {
            ArrayNode out = mapper.createArrayNode();
            long used = 2;
            int i = 0;
            for (; i < a.size(); i++) {
                JsonNode item = a.get(i);
                long room = allowance - used - (i > 0 ? 1 : 0);
                Measure m = of(item);
                if (m.size <= room && depth + m.height <= MAX_DEPTH) {
                    out.add(item);
                    used += m.size + (i > 0 ? 1 : 0);
                    continue;
                }
                if (out.isEmpty() || room > 64) {
                    // the first item that does not fit is kept in part: a list is never shown empty for want of room
                    JsonNode part = trim(item, Math.max(0, room), depth + 1);
                    out.add(part);
                    i++;
                }
                break;
            }
            droppedItems += a.size() - i;
            return out;
        }

        private JsonNode trimObject(ObjectNode o, long allowance, int depth) {
            // every field stays; the room left after the keys is shared: small values whole, large ones an equal share
            long keys = 2 + Math.max(0, o.size() - 1);
            List<Map.Entry<String, JsonNode>> fields = new ArrayList<>(o.size());
            for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                fields.add(e);
                keys += textSize(e.getKey()) + 1;
            }
            if (keys > allowance) {
                return headOfObject(fields, allowance, depth); // thousands of keys: not even the names fit
            }
            List<Map.Entry<String, JsonNode>> bySize = new ArrayList<>(fields);
            bySize.sort((x, y) -> Long.compare(of(x.getValue()).size, of(y.getValue()).size));
            long room = Math.max(0, allowance - keys);
            Map<String, Long> share = new java.util.HashMap<>();
            int left = bySize.size();
            for (Map.Entry<String, JsonNode> e : bySize) {
                long fair = room / left;
                long s = of(e.getValue()).size;
                long give = Math.min(s, fair);
                share.put(e.getKey(), give);
                room -= give;
                left--;
            }
            ObjectNode out = mapper.createObjectNode();
            for (Map.Entry<String, JsonNode> e : fields) {
                out.set(e.getKey(), trim(e.getValue(), share.get(e.getKey()), depth + 1));
            }
            return out;
        }

        /** The first fields that fit, in order, like a list's head; the rest are counted as left out. */
        private JsonNode headOfObject(List<Map.Entry<String, JsonNode>> fields, long allowance, int depth) {
            ObjectNode out = mapper.createObjectNode();
            long used = 2;
            int i = 0;
            for (; i < fields.size(); i++) {
                Map.Entry<String, JsonNode> e = fields.get(i);
                long key = textSize(e.getKey()) + 1 + (i > 0 ? 1 : 0);
                long room = allowance - used - key;
                Measure m = of(e.getValue());
                if (m.size <= room && depth + m.height <= MAX_DEPTH) {
                    out.set(e.getKey(), e.getValue());
                    used += key + m.size;
                    continue;
                }
                if (room > 64) {
                    out.set(e.getKey(), trim(e.getValue(), room, depth + 1));
                    i++;
                }
                break;
            }
            droppedFields += fields.size() - i;
            return out;
        }

        String note(int budget, String moreHint) {
            StringBuilder note = new StringBuilder("Output capped at ").append(budget / 1024).append(" KB:");
            if (droppedItems > 0) {
                note.append(" ").append(droppedItems).append(" list item(s) left out;");
            }
            if (droppedFields > 0) {
                note.append(" ").append(droppedFields).append(" field(s) of very large objects left out;");
            }
            if (cutStrings > 0) {
                note.append(" ").append(cutStrings).append(" long text value(s) shortened;");
            }
            if (summarised > 0) {
                note.append(" ").append(summarised).append(" value(s) nested deeper than ").append(MAX_DEPTH)
                        .append(" levels summarised;");
            }
            if (squeezed > 0) {
                note.append(" ").append(squeezed).append(" nested value(s) shown as a count;");
            }
            note.setLength(note.length() - 1);
            note.append(".");
            if (moreHint != null) {
                note.append(" ").append(moreHint);
            }
            return note.toString();
        }
    }

    private static long scalarSize(JsonNode n) {
        if (n.isTextual()) {
            return textSize(n.asText());
        }
        if (n.isNull() || n.isMissingNode()) {
            return 4;
        }
        if (n.isBoolean()) {
            return n.booleanValue() ? 4 : 5;
        }
        if (n.isBinary()) {
            return 2 + (long) Math.ceil(n.asText().length()); // base64 text
        }
        return n.asText().length();
    }

    /** The bytes Jackson writes for {@code s} as a JSON string: UTF-8, quotes and escapes included. */
    private static long textSize(String s) {
        long n = 2;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20) {
                n += c == '\n' || c == '\r' || c == '\t' || c == '\b' || c == '\f' ? 2 : 6;
            } else if (c == '"' || c == '\\') {
                n += 2;
            } else if (c < 0x80) {
                n += 1;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }
}
