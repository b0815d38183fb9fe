package io.jettymcp.guard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checks arguments against a tool's input schema before anything is sent. Strict on purpose: no
 * coercion of {@code "10"} or {@code 2.5} into an integer, unknown arguments refused, names and
 * paths format-checked, sizes and nesting bounded. Every failure names the argument and says what
 * is allowed, so the model can fix the call in one go.
 */
public final class ArgumentValidator {

    /** Jetty names (collections, tasks, routines, templates): one safe path segment. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,128}");
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,256}");
    private static final int DEFAULT_MAX_STRING = 4096;
    private static final int FREE_FORM_MAX_STRING = 100_000;
    private static final int MAX_DEPTH = 20;
    private static final int MAX_NODES = 20_000;

    public ArgumentValidator() {
    }

    public void validate(ObjectNode schema, JsonNode args) {
        if (args == null || args.isNull()) {
            args = schema.objectNode();
        }
        Budget budget = new Budget();
        checkObject("", schema, args, 0, budget);
    }

    private void check(String path, JsonNode schema, JsonNode value, int depth, Budget budget) {
        if (++budget.nodes > MAX_NODES) {
            throw ToolError.argument(root(path), "too large (more than " + MAX_NODES + " values); send less data");
        }
        if (depth > MAX_DEPTH) {
            throw ToolError.argument(root(path), "nested deeper than " + MAX_DEPTH + " levels; flatten it");
        }
        String type = schema.path("type").asText("");
        switch (type) {
            case "string" -> checkString(path, schema, value);
            case "integer" -> {
                if (!value.isIntegralNumber() || !value.canConvertToLong()) {
                    throw ToolError.argument(path, "must be a whole number, got " + describe(schema, value)
                            + (value.isTextual() ? " (send a JSON number, not a string)" : ""));
                }
                checkRange(path, schema, value.asDouble());
            }
            case "number" -> {
                if (!value.isNumber()) {
                    throw ToolError.argument(path, "must be a number, got " + describe(schema, value));
                }
                checkRange(path, schema, value.asDouble());
            }
            case "boolean" -> {
                if (!value.isBoolean()) {
                    throw ToolError.argument(path, "must be true or false, got " + describe(schema, value));
                }
            }
            case "array" -> checkArray(path, schema, value, depth, budget);
            case "object" -> checkObject(path, schema, value, depth, budget);
            default -> checkFreeForm(path, value, depth, budget);
        }
        JsonNode en = schema.get("enum");
        if (en != null && en.isArray()) {
            boolean found = false;
            for (JsonNode e : en) {
                found |= e.equals(value);
            }
            if (!found) {
                throw ToolError.argument(path, "must be one of " + en + ", got " + describe(schema, value));
            }
        }
    }

    private void checkObject(String path, JsonNode schema, JsonNode value, int depth, Budget budget) {
        if (!value.isObject()) {
            throw ToolError.argument(path.isEmpty() ? "arguments" : path, "must be a JSON object, got " + describe(schema, value));
        }
        JsonNode props = schema.get("properties");
        for (JsonNode r : schema.path("required")) {
            JsonNode v = value.get(r.asText());
            if (v == null || v.isNull()) {
                throw ToolError.argument(join(path, r.asText()), "is required. " + hint(schema.path("properties").path(r.asText())));
            }
        }
        if (props == null) {
            checkFreeForm(path, value, depth, budget);
            return;
        }
        boolean closed = path.isEmpty() || schema.path("additionalProperties").asBoolean(true) == false;
        for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String p = join(path, e.getKey());
            refuseHidden(printable(p), e.getKey());
            JsonNode propSchema = props.get(e.getKey());
            if (propSchema == null) {
                if (closed) {
                    List<String> known = new ArrayList<>();
                    props.fieldNames().forEachRemaining(known::add);
                    throw ToolError.argument(printable(p), "is not an argument of this tool; known arguments: " + known);
                }
                checkFreeForm(p, e.getValue(), depth + 1, budget);
                continue;
            }
            if (e.getValue().isNull()) {
                continue; // an explicit null means "not given"
            }
            check(p, propSchema, e.getValue(), depth + 1, budget);
        }
    }

    private void checkArray(String path, JsonNode schema, JsonNode value, int depth, Budget budget) {
        if (!value.isArray()) {
            throw ToolError.argument(path, "must be an array, got " + describe(schema, value));
        }
        int max = schema.path("maxItems").asInt(1000);
        if (value.size() > max) {
            throw ToolError.argument(path, "has " + value.size() + " items; at most " + max + " are allowed");
        }
        if (value.size() < schema.path("minItems").asInt(0)) {
            throw ToolError.argument(path, "needs at least " + schema.get("minItems").asInt() + " item(s)");
        }
        JsonNode items = schema.get("items");
        for (int i = 0; i < value.size(); i++) {
            if (items != null) {
                check(path + "[" + i + "]", items, value.get(i), depth + 1, budget);
            } else {
                checkFreeForm(path + "[" + i + "]", value.get(i), depth + 1, budget);
            }
        }
    }

    /** Values without a schema (init_params, workflow documents): bounded in depth and size only. */
    private void checkFreeForm(String path, JsonNode value, int depth, Budget budget) {
        if (++budget.nodes > MAX_NODES) {
            throw ToolError.argument(root(path), "too large (more than " + MAX_NODES + " values); send less data");
        }
        if (depth > MAX_DEPTH) {
            throw ToolError.argument(root(path), "nested deeper than " + MAX_DEPTH + " levels; flatten it");
        }
        if (value.isTextual() && value.asText().length() > FREE_FORM_MAX_STRING) {
            throw ToolError.argument(path, "is " + value.asText().length() + " characters; at most "
                    + FREE_FORM_MAX_STRING + " are allowed here (upload large content as a file instead)");
        }
        if (value.isContainerNode()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                refuseHidden(printable(join(path, e.getKey())), e.getKey()); // keys are names: of secrets, params, variables
                checkFreeForm(join(path, e.getKey()), e.getValue(), depth + 1, budget);
            }
            if (value.isArray()) {
                for (int i = 0; i < value.size(); i++) {
                    checkFreeForm(path + "[" + i + "]", value.get(i), depth + 1, budget);
                }
            }
        }
    }

    private void checkString(String path, JsonNode schema, JsonNode value) {
        if (!value.isTextual()) {
            throw ToolError.argument(path, "must be a string, got " + describe(schema, value));
        }
        String s = value.asText();
        int max = schema.path("maxLength").asInt(DEFAULT_MAX_STRING);
        if (s.length() > max) {
            throw ToolError.argument(path, "is " + s.length() + " characters; at most " + max + " are allowed");
        }
        if (s.length() < schema.path("minLength").asInt(0)) {
            throw ToolError.argument(path, "must not be empty");
        }
        String kind = schema.path("x-kind").asText("");
        if (s.indexOf('\0') >= 0 || (!kind.equals("secret") && hasControl(s) && !schema.path("x-multiline").asBoolean(false))) {
            throw ToolError.argument(path, "contains control characters; remove them");
        }
        switch (kind) {
            case "name" -> checkName(path, s);
            case "id" -> {
                if (!ID.matcher(s).matches()) {
                    throw ToolError.argument(path, "must be a trajectory id (8 hex characters, e.g. 3bc97289) or a "
                            + "workflow id (e.g. demo-text-echo--3bc97289); got '" + printable(s) + "'");
                }
            }
            case "storage-path" -> checkStoragePath(path, s);
            case "url" -> {
                refuseHidden(path, s);
                if (!s.matches("https?://[^\\s]{1,2040}")) {
                    throw ToolError.argument(path, "must be an http:// or https:// URL");
                }
            }
            case "local-path" -> {
                if (s.isBlank()) {
                    throw ToolError.argument(path, "must be a file path");
                }
            }
            default -> {
            }
        }
        if (schema.has("pattern") && !Pattern.compile(schema.get("pattern").asText()).matcher(s).matches()) {
            throw ToolError.argument(path, "must match " + schema.get("pattern").asText());
        }
    }

    /**
     * URLs and names are read by the person approving a call: a bidi override (U+202E) or an invisible
     * character would show them something other than what is sent.
     */
    private static void refuseHidden(String path, String s) {
        int bad = s.codePoints().filter(Sanitizer::isHidden).findFirst().orElse(-1);
        if (bad >= 0) {
            throw ToolError.argument(path, String.format("contains an invisible or bidi control character (U+%04X); "
                    + "remove it", bad));
        }
    }

    public static void checkName(String path, String s) {
        refuseHidden(path, s);
        if (!NAME.matcher(s).matches() || s.equals(".") || s.equals("..")) {
            throw ToolError.argument(path, "must be a Jetty name: 1 to 128 characters from A-Z a-z 0-9 . _ - "
                    + "(not '.' or '..'); got '" + printable(s) + "'");
        }
    }

    /** Storage paths are collection-prefixed keys such as {@code demo/text-echo/0000/out.txt}. */
    public static void checkStoragePath(String path, String s) {
        if (s.startsWith("/") || s.contains("\\") || s.contains("%") || s.contains("//")) {
            throw ToolError.argument(path, "must be a storage path like 'collection/task/0000/file.txt' "
                    + "(no leading '/', backslash, '%' escapes or empty segments); got '" + printable(s) + "'");
        }
        for (String seg : s.split("/")) {
            if (!NAME.matcher(seg).matches() || seg.equals(".") || seg.equals("..")) {
                throw ToolError.argument(path, "has an invalid segment '" + printable(seg)
                        + "': segments use A-Z a-z 0-9 . _ - and are never '.' or '..'");
            }
        }
    }

    private void checkRange(String path, JsonNode schema, double v) {
        if (schema.has("minimum") && v < schema.get("minimum").asDouble()) {
            throw ToolError.argument(path, "must be at least " + schema.get("minimum").asText() + ", got " + num(v));
        }
        if (schema.has("maximum") && v > schema.get("maximum").asDouble()) {
            throw ToolError.argument(path, "must be at most " + schema.get("maximum").asText() + ", got " + num(v));
        }
    }

    private static String hint(JsonNode prop) {
        String d = prop.path("description").asText("");
        return d.isEmpty() ? "" : "Expected: " + d;
    }

    private static boolean hasControl(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c < 0x20 && c != '\n' && c != '\r' && c != '\t') || c == 0x7F) {
                return true;
            }
        }
        return false;
    }

    /** A secret argument's value is never quoted back, whatever is wrong with it: only its type is named. */
    private static String describe(JsonNode schema, JsonNode v) {
        String kind = schema.path("x-kind").asText("");
        if (kind.equals("secret") || kind.equals("secret-map")) {
            return (v.isTextual() ? "string" : v.isIntegralNumber() ? "integer" : v.isNumber() ? "number"
                    : v.isBoolean() ? "boolean" : v.isArray() ? "array" : v.isObject() ? "object" : "null") + " (not shown: a secret)";
        }
        return describe(v);
    }

    private static String describe(JsonNode v) {
        String kind = v.isTextual() ? "string" : v.isIntegralNumber() ? "integer" : v.isNumber() ? "number"
                : v.isBoolean() ? "boolean" : v.isArray() ? "array" : v.isObject() ? "object" : "null";
        if (v.isValueNode() && !v.isNull()) {
            String shown = v.isTextual() ? "\"" + printable(v.asText()) + "\"" : v.asText();
            return kind + " " + (shown.length() > 40 ? shown.substring(0, 40) + "…" : shown);
        }
        return kind;
    }

    /** Shows a value in an error without echoing control characters or huge input back. */
    static String printable(String s) {
        String t = s.length() > 60 ? s.substring(0, 60) + "…" : s;
        StringBuilder sb = new StringBuilder();
        t.codePoints().forEach(cp -> {
            if (cp < 0x20 || cp == 0x7F || Sanitizer.isHidden((char) cp)) {
                sb.append(String.format("\\u%04x", cp));
            } else {
                sb.appendCodePoint(cp);
            }
        });
        return sb.toString();
    }

    private static String num(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.valueOf(v);
    }

    private static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private static String root(String path) {
        int dot = path.indexOf('.');
        int br = path.indexOf('[');
        int cut = dot < 0 ? br : br < 0 ? dot : Math.min(dot, br);
        return cut < 0 ? path : path.substring(0, cut);
    }

    private static final class Budget {
        int nodes;
    }
}
