package io.jettymcp.shape;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The fields a reader relies on, checked against an answer. Tool specs declare them per route
 * ({@code "reads": {"trajectories.list": ["trajectories[]", "trajectories[].trajectory_id"]}}); a field
 * an answer lacks is drift, reported by name instead of read as empty.
 *
 * <p>Path grammar: segments joined by {@code .}; {@code name[]} means the field is a list and the rest
 * applies to each of its rows; a leading {@code []} means the answer itself is a list; {@code a|b}
 * accepts either name (documented variants). Whole paths joined by {@code " or "} accept either shape
 * ({@code "trajectories[] or []"}: an envelope or a bare list). A present {@code null} counts as present:
 * only missing fields are drift.
 */
public final class AnswerShape {

    private AnswerShape() {
    }

    /** The declared paths the answer lacks, in declaration order, each once. */
    public static List<String> missing(JsonNode answer, List<String> paths) {
        Set<String> out = new LinkedHashSet<>();
        for (String path : paths) {
            if (branches(path).stream().noneMatch(b -> holds(answer, b.isEmpty() ? new String[0] : b.split("\\."), 0))) {
                out.add(path);
            }
        }
        return new ArrayList<>(out);
    }

    /** The shapes a path accepts: itself, or each part of {@code "a or b"}. */
    public static List<String> branches(String path) {
        return List.of(path.split(" or ", -1));
    }

    /** Checks a path's syntax; null when it is well formed, else what is wrong. */
    public static String problem(String path) {
        for (String b : branches(path)) {
            String p = branchProblem(b);
            if (p != null) {
                return p;
            }
        }
        return null;
    }

    private static String branchProblem(String path) {
        String[] segs = path.split("\\.", -1);
        for (int i = 0; i < segs.length; i++) {
            boolean list = segs[i].endsWith("[]");
            String name = list ? segs[i].substring(0, segs[i].length() - 2) : segs[i];
            if (name.isEmpty() && !(list && i == 0)) {
                return "empty segment in '" + path + "'";
            }
            if (name.contains("[") || name.contains("]")) {
                return "bad segment '" + segs[i] + "' in '" + path + "'";
            }
            if (!name.isEmpty() && java.util.Arrays.stream(name.split("\\|", -1)).anyMatch(String::isEmpty)) {
                return "empty alternative in '" + path + "'";
            }
        }
        return null;
    }

    private static boolean holds(JsonNode node, String[] segs, int i) {
        if (i == segs.length) {
            return true;
        }
        String seg = segs[i];
        boolean list = seg.endsWith("[]");
        String name = list ? seg.substring(0, seg.length() - 2) : seg;
        JsonNode value;
        if (name.isEmpty()) {
            value = node;
        } else {
            value = null;
            for (String alt : name.split("\\|")) {
                if (node.isObject() && node.has(alt)) {
                    value = node.get(alt);
                    break;
                }
            }
            if (value == null) {
                return false;
            }
        }
        if (!list) {
            return i + 1 == segs.length || value.isObject() && holds(value, segs, i + 1);
        }
        if (!value.isArray()) {
            return false;
        }
        for (JsonNode row : value) {
            if (!holds(row, segs, i + 1)) {
                return false;
            }
        }
        return true;
    }
}
