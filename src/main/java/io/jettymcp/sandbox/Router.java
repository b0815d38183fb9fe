package io.jettymcp.sandbox;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Path router with FastAPI/Starlette semantics: segments are exact (a trailing slash is a different
 * route), {@code {name}} matches one segment, {@code {name:path}} the non-empty rest.
 * Resolution order: full match; the same method on the slash-flipped path → 307 (the brief wants
 * GET /tasks/{c} to redirect rather than 405 on the POST route); other methods on this path → 405;
 * any route on the flipped path → 307; else 404.
 */
final class Router {

    @FunctionalInterface
    interface Handler {
        Reply handle(Exchange ex);
    }

    record Route(String method, String template, String[] segs, Handler handler) {
    }

    private final List<Route> routes = new ArrayList<>();

    Router add(String method, String template, Handler h) {
        routes.add(new Route(method, template, template.split("/", -1), h));
        return this;
    }

    List<Route> routes() {
        return List.copyOf(routes);
    }

    Reply dispatch(Exchange ex) {
        String[] segs = ex.path.split("/", -1);
        Set<String> allowed = new LinkedHashSet<>();
        for (Route r : routes) {
            Map<String, String> p = match(r.segs, segs);
            if (p == null) {
                continue;
            }
            if (r.method.equals(ex.method)) {
                ex.params = p;
                return r.handler.handle(ex);
            }
            allowed.add(r.method);
        }
        String flipped = flip(ex.path);
        boolean flippedAny = false;
        if (flipped != null) {
            String[] fsegs = flipped.split("/", -1);
            for (Route r : routes) {
                if (match(r.segs, fsegs) != null) {
                    if (r.method.equals(ex.method)) {
                        return redirect(ex, flipped);
                    }
                    flippedAny = true;
                }
            }
        }
        if (!allowed.isEmpty()) {
            return Reply.json(405, detail("Method Not Allowed")).header("allow", String.join(", ", allowed));
        }
        if (flippedAny) {
            return redirect(ex, flipped);
        }
        return Reply.json(404, detail("Not Found"));
    }

    private static com.fasterxml.jackson.databind.node.ObjectNode detail(String s) {
        com.fasterxml.jackson.databind.node.ObjectNode o = Json.obj();
        o.put("detail", s);
        return o;
    }

    private static Reply redirect(Exchange ex, String target) {
        String loc = ex.baseUrl + target + (ex.rawQuery.isEmpty() ? "" : "?" + ex.rawQuery);
        return Reply.empty(307).header("location", loc);
    }

    private static String flip(String path) {
        if (path.equals("/") || path.isEmpty()) {
            return null;
        }
        return path.endsWith("/") ? path.substring(0, path.length() - 1) : path + "/";
    }

    private static Map<String, String> match(String[] tpl, String[] segs) {
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < tpl.length; i++) {
            String t = tpl[i];
            if (t.startsWith("{") && t.endsWith(":path}")) {
                if (i >= segs.length) {
                    return null;
                }
                String[] rest = Arrays.copyOfRange(segs, i, segs.length);
                StringBuilder sb = new StringBuilder();
                for (String s : rest) {
                    if (sb.length() > 0) {
                        sb.append('/');
                    }
                    sb.append(decodeSegment(s));
                }
                if (sb.length() == 0) {
                    return null;
                }
                params.put(t.substring(1, t.length() - 6), sb.toString());
                return params;
            }
            if (i >= segs.length) {
                return null;
            }
            if (t.startsWith("{") && t.endsWith("}")) {
                if (segs[i].isEmpty()) {
                    return null;
                }
                params.put(t.substring(1, t.length() - 1), decodeSegment(segs[i]));
            } else if (!t.equals(segs[i])) {
                return null;
            }
        }
        return tpl.length == segs.length ? params : null;
    }

    /** Percent-decoding for a path segment ('+' stays '+', unlike form decoding). */
    static String decodeSegment(String s) {
        return Exchange.decode(s.replace("+", "%2B"));
    }
}
