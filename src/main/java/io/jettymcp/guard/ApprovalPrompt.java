package io.jettymcp.guard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The one place approval prompts are built (MCP elicitation today; the 2026-07-28 era's
 * {@code input_required} prompts are to reuse it). A person approves what they read, so what decides the
 * approval comes first and whole: names, ids, paths, URLs, choices, numbers, structured values such as a
 * cadence, and secrets by name only. Long free text (init params, workflow documents, descriptions) comes
 * last, summarised with its size, so no amount of it can push a URL out of sight. Invisible, bidi and
 * control characters are shown as {@code \\uXXXX}: what is shown is what would be sent.
 */
public final class ApprovalPrompt {

    /** Free text up to this many characters is shown whole; longer text is cut here and its size given. */
    static final int FREE_TEXT_SHOWN = 160;
    /** A structured value (an object with declared properties) this long is shown whole. */
    static final int STRUCTURED_SHOWN = 400;

    private ApprovalPrompt() {
    }

    /**
     * @param what     the tool and the collection(s) it touches, e.g. {@code create-routine on collection 'prod'}
     * @param input    the tool's input schema (with its {@code x-kind} markers)
     * @param args     the arguments with the caller's secrets already masked (the guard chain's policy step does it)
     */
    public static String build(String what, ObjectNode input, JsonNode args) {
        List<String> matter = new ArrayList<>();
        List<String> free = new ArrayList<>();
        JsonNode props = input.path("properties");
        for (Iterator<Map.Entry<String, JsonNode>> it = args.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> a = it.next();
            JsonNode v = a.getValue();
            if (v.isNull()) {
                continue;
            }
            JsonNode schema = props.path(a.getKey());
            String kind = schema.path("x-kind").asText("");
            String line = "- " + visible(a.getKey()) + ": ";
            if (kind.equals("secret")) {
                matter.add(line + "(a secret, not shown)");
            } else if (kind.equals("secret-map")) {
                List<String> names = new ArrayList<>();
                v.fieldNames().forEachRemaining(n -> names.add(visible(n)));
                matter.add(line + "secrets named " + names + " (values not shown)");
            } else if (!v.isContainerNode() && (!v.isTextual() || !kind.isEmpty() || schema.has("enum"))) {
                matter.add(line + visible(v.isTextual() ? v.asText() : v.toString())); // names, URLs, choices, numbers
            } else if (v.isArray() && !schema.path("items").path("x-kind").asText("").isEmpty()) {
                matter.add(line + visible(v.toString())); // lists of names or paths
            } else if (v.isObject() && schema.has("properties") && v.toString().length() <= STRUCTURED_SHOWN) {
                matter.add(line + visible(v.toString())); // e.g. a cadence
            } else {
                free.add(line + summary(v.isTextual() ? v.asText() : v.toString()));
            }
        }
        StringBuilder sb = new StringBuilder("Allow the assistant to call ").append(visible(what)).append('?');
        matter.forEach(l -> sb.append('\n').append(l));
        free.forEach(l -> sb.append('\n').append(l));
        return sb.toString();
    }

    private static String summary(String t) {
        if (t.length() <= FREE_TEXT_SHOWN) {
            return visible(t);
        }
        int cut = Character.isHighSurrogate(t.charAt(FREE_TEXT_SHOWN - 1)) ? FREE_TEXT_SHOWN - 1 : FREE_TEXT_SHOWN;
        return visible(t.substring(0, cut)) + "… (" + t.length() + " characters in all; the first " + cut + " shown)";
    }

    /** Control, invisible and bidi characters (and line breaks) as {@code \\uXXXX}, so none can reorder or hide text. */
    static String visible(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        s.codePoints().forEach(cp -> {
            if (cp == '\n' || cp == '\r' || cp == '\t' || Sanitizer.isHidden(cp)) {
                sb.append(String.format("\\u%04x", cp));
            } else {
                sb.appendCodePoint(cp);
            }
        });
        return sb.toString();
    }
}
