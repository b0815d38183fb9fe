package io.jettymcp.shape;

import io.jettymcp.api.Routes;
import io.jettymcp.sandbox.FieldRename;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** The sandbox drift switches that take a declared field (a spec's {@code reads} path) out of its route's answers. */
public final class DriftRenames {

    private DriftRenames() {
    }

    /** Every alternative of the last segment, in every shape: the reader must find none of them. */
    public static List<FieldRename> of(Routes.Route route, String path) {
        String regex = Pattern.quote(route.template()).replaceAll("\\{[^}]*\\*}", "\\\\E.+\\\\Q")
                .replaceAll("\\{[^}]*}", "\\\\E[^/]+\\\\Q");
        List<FieldRename> out = new ArrayList<>();
        for (String branch : AnswerShape.branches(path)) {
            int dot = branch.lastIndexOf('.');
            String prefix = dot < 0 ? "" : branch.substring(0, dot + 1);
            String last = branch.substring(dot + 1);
            boolean list = last.endsWith("[]");
            String name = list ? last.substring(0, last.length() - 2) : last;
            if (name.isEmpty()) {
                out.add(new FieldRename(route.method(), regex, "[]", "renamed"));
                continue;
            }
            for (String alt : name.split("\\|")) {
                out.add(new FieldRename(route.method(), regex, prefix + alt, alt + "_renamed"));
            }
        }
        return out;
    }

    public static List<String> leafNames(String path) {
        List<String> out = new ArrayList<>();
        for (String branch : AnswerShape.branches(path)) {
            String last = branch.substring(branch.lastIndexOf('.') + 1).replace("[]", "");
            if (!last.isEmpty()) {
                out.addAll(List.of(last.split("\\|")));
            }
        }
        return out;
    }

}
