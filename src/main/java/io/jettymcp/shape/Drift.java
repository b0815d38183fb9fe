package io.jettymcp.shape;

import com.fasterxml.jackson.databind.JsonNode;
import io.jettymcp.api.AnswerCheck;
import io.jettymcp.api.AnswerDrift;
import io.jettymcp.api.ApiRequest;
import io.jettymcp.api.Routes;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Loud drift: a 2xx answer that lacks a field a tool's reader relies on fails the call with words that name
 * the field, instead of an empty or made-up result. One place for the phrasing, shared with
 * {@code jetty-mcp check}. The raw answer is shown compact and capped (the guard chain sanitizes and redacts
 * it like any output); answers of routes that can carry secrets show only their top-level field names.
 */
public final class Drift {

    /** How much of a drifted answer is shown. */
    public static final int ANSWER_CAP = 2048;

    private Drift() {
    }

    /** The check a tool call's Jetty client runs: its spec's {@code reads}, per route id. */
    public static AnswerCheck checker(Map<String, List<String>> reads) {
        if (reads.isEmpty()) {
            return AnswerCheck.NONE;
        }
        Map<String, List<String>> copy = Map.copyOf(reads);
        return (route, req, status, answer) -> {
            List<String> paths = copy.get(route.id());
            if (paths == null) {
                return;
            }
            List<String> missing = AnswerShape.missing(answer, paths);
            if (!missing.isEmpty()) {
                throw new AnswerDrift(route, status, missing, answer, message(route, req, missing, answer));
            }
        };
    }

    /** The whole text: what is missing, where, what it means for a write, and the answer as far as it may be shown. */
    public static String message(Routes.Route route, ApiRequest req, List<String> missing, JsonNode answer) {
        StringBuilder b = new StringBuilder("Jetty answered in an unexpected shape: ");
        List<String> phrases = new ArrayList<>();
        missing.forEach(p -> phrases.add(phrase(p)));
        b.append(String.join("; ", phrases)).append(" (").append(req.method()).append(' ').append(req.path()).append(").");
        if (route.writes()) {
            b.append(" The ").append(req.method()).append(" reached Jetty and may have taken effect: ")
                    .append(route.check() == null ? "check" : "check with " + route.check())
                    .append(" before repeating it.");
        } else {
            b.append(" Nothing was read from it, so no result is shown.");
        }
        b.append(" The Jetty API may have changed: run `jetty-mcp check` and include its output when you report it.");
        b.append(' ').append(shown(route, answer));
        return b.toString();
    }

    /**
     * One missing path in words: {@code trajectories[]} → "no `trajectories` list", {@code x.y} → "no `y` field
     * in `x`", {@code a[].b} → "no `b` field in `a` rows", {@code a|b|c} → "no `a`, `b` or `c`"; {@code p or q}
     * → "no …, nor …".
     */
    public static String phrase(String path) {
        List<String> parts = new ArrayList<>();
        for (String branch : AnswerShape.branches(path)) {
            parts.add(noun(branch));
        }
        return "no " + String.join(", nor ", parts);
    }

    private static String noun(String path) {
        int dot = path.lastIndexOf('.');
        String prefix = dot < 0 ? "" : path.substring(0, dot);
        String last = dot < 0 ? path : path.substring(dot + 1);
        boolean list = last.endsWith("[]");
        String name = list ? last.substring(0, last.length() - 2) : last;
        if (name.isEmpty()) {
            return "list as the answer";
        }
        String[] alts = name.split("\\|");
        String what = names(alts) + (list ? " list" : alts.length == 1 ? " field" : "");
        if (prefix.isEmpty()) {
            return what;
        }
        if (prefix.equals("[]")) {
            return what + " in the rows";
        }
        return prefix.endsWith("[]") ? what + " in `" + prefix.substring(0, prefix.length() - 2) + "` rows"
                : what + " in `" + prefix + "`";
    }

    private static String names(String[] alts) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < alts.length; i++) {
            b.append(i == 0 ? "" : i == alts.length - 1 ? " or " : ", ").append('`').append(alts[i]).append('`');
        }
        return b.toString();
    }

    /** The answer compact and capped; for routes with secrets only its top-level field names. */
    static String shown(Routes.Route route, JsonNode answer) {
        if (route.secrets()) {
            if (answer.isObject()) {
                List<String> names = new ArrayList<>();
                for (Iterator<String> it = answer.fieldNames(); it.hasNext(); ) {
                    names.add("`" + it.next() + "`");
                }
                return "Its top-level fields: " + (names.isEmpty() ? "none" : String.join(", ", names))
                        + " (values not shown: this answer can carry secrets).";
            }
            return "It was " + kind(answer) + " (values not shown: this answer can carry secrets).";
        }
        String text = answer.isMissingNode() || answer.isNull() ? "" : answer.toString();
        if (text.isEmpty()) {
            return "It was " + kind(answer) + ".";
        }
        if (text.length() > ANSWER_CAP) {
            int cut = Character.isHighSurrogate(text.charAt(ANSWER_CAP - 1)) ? ANSWER_CAP - 1 : ANSWER_CAP;
            text = text.substring(0, cut) + "… (" + (text.length() - cut) + " more characters)";
        }
        return "Answer: " + text;
    }

    private static String kind(JsonNode answer) {
        if (answer.isArray()) {
            return "a list of " + answer.size() + (answer.size() == 1 ? " item" : " items");
        }
        if (answer.isMissingNode() || answer.isNull()) {
            return "empty";
        }
        return answer.isObject() ? "an object" : "a single value";
    }
}
