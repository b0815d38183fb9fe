package io.jettymcp.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A drift switch: answers to {@code method} on paths matching {@code pathRegex} (whole path, no query) carry
 * the field at {@code field} under the name {@code to} instead, as if Jetty had renamed it. Field grammar:
 * segments joined by {@code .}; {@code name[]} walks every row of a list; a leading {@code []} is the answer
 * itself as a list; {@code a|b} walks whichever exists. The last segment is the one renamed; {@code field}
 * {@code "[]"} wraps a bare list answer in {@code {"<to>": [...]}}. Paths the answer lacks are left alone.
 * (Its own small walker: the sandbox shares no code with the server.)
 */
public record FieldRename(String method, String pathRegex, String field, String to) {

    public FieldRename {
        method = method == null || method.isBlank() ? "*" : method.trim().toUpperCase(Locale.ROOT);
        Pattern.compile(pathRegex); // fail at registration, not on the first request
        if (field == null || field.isBlank() || to == null || to.isBlank()) {
            throw new IllegalArgumentException("rename_field needs field and to");
        }
        // "trajectories[].trajectory_id_renamed" and "trajectory_id_renamed" both name the new last segment
        to = to.substring(to.lastIndexOf('.') + 1).replace("[]", "");
    }

    boolean matches(String m, String path) {
        return (method.equals("*") || method.equals(m)) && Pattern.compile(pathRegex).matcher(path).matches();
    }

    /** The answer with the field renamed wherever the path reaches it; may return a new root. */
    JsonNode apply(JsonNode answer) {
        if (field.equals("[]")) {
            return answer.isArray() ? Json.obj().set(to, answer) : answer;
        }
        rename(answer, field.split("\\."), 0);
        return answer;
    }

    private void rename(JsonNode node, String[] segs, int i) {
        String seg = segs[i];
        boolean list = seg.endsWith("[]");
        String name = list ? seg.substring(0, seg.length() - 2) : seg;
        boolean last = i == segs.length - 1;
        if (name.isEmpty()) { // a leading []: the node itself is the list
            if (node.isArray() && !last) {
                node.forEach(row -> rename(row, segs, i + 1));
            }
            return;
        }
        if (!(node instanceof ObjectNode o)) {
            return;
        }
        for (String alt : name.split("\\|")) {
            JsonNode v = o.get(alt);
            if (v == null) {
                continue;
            }
            if (last) {
                o.remove(alt);
                o.set(to, v);
            } else if (list) {
                if (v.isArray()) {
                    v.forEach(row -> rename(row, segs, i + 1));
                }
            } else {
                rename(v, segs, i + 1);
            }
        }
    }
}
