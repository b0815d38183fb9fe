package io.jettymcp.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Every Jetty route this server calls, in one place: what {@code jetty-mcp check} probes and diffs
 * against {@code /openapi.json}, and what answer-shape checks are keyed by. A route builds its own
 * path with every value encoded as one segment ({@link Route#path}), so no argument can build a bad path.
 */
public final class Routes {

    /**
     * One route.
     *
     * @param id       stable name, used by tool specs ({@code "reads": {"trajectories.list": [...]}})
     * @param method   HTTP method
     * @param template path with {@code {name}} segments; {@code {name*}} (last only) takes the rest, slashes kept
     * @param secrets  its answer can carry secret values (env values, routine secrets, run params): on drift
     *                 only its top-level field names are shown
     * @param check    for a write, what to read to see whether it took effect; null for reads
     */
    public record Route(String id, String method, String template, boolean secrets, String check) {

        public boolean writes() {
            return !method.equals("GET");
        }

        /** The path with {@code values} filled in order, each encoded as one segment ({@code name*}: per segment). */
        public String path(String... values) {
            StringBuilder out = new StringBuilder();
            int v = 0;
            for (String seg : template.substring(1).split("/", -1)) {
                out.append('/');
                if (seg.startsWith("{") && seg.endsWith("*}")) {
                    String[] parts = values[v++].split("/", -1);
                    for (int i = 0; i < parts.length; i++) {
                        out.append(i == 0 ? "" : "/").append(ApiRequest.segment(parts[i]));
                    }
                } else if (seg.startsWith("{")) {
                    out.append(ApiRequest.segment(values[v++]));
                } else {
                    out.append(seg);
                }
            }
            if (v != values.length) {
                throw new IllegalArgumentException(id + " takes " + v + " values, got " + values.length);
            }
            return out.toString();
        }

        /** Literal characters of the template: among several matching routes the most literal one wins. */
        int literalLength() {
            return template.replaceAll("\\{[^}]*}", "").length();
        }

        Pattern pattern() {
            String regex = Pattern.quote(template).replaceAll("\\{[^}]*\\*}", "\\\\E.+\\\\Q").replaceAll("\\{[^}]*}", "\\\\E[^/]+\\\\Q");
            return Pattern.compile(regex);
        }
    }

    private static final String T = "/api/v1";

    public static final Route WHOAMI = read("auth.whoami", T + "/auth/whoami");
    public static final Route HEALTH = read("health", T + "/health");
    public static final Route OPENAPI = read("openapi", "/openapi.json");

    public static final Route COLLECTIONS_LIST = read("collections.list", T + "/collections/");
    public static final Route COLLECTIONS_GET = read("collections.get", T + "/collections/{collection}");
    public static final Route COLLECTIONS_CREATE = write("collections.create", "POST", T + "/collections/", false, "list-collections");
    public static final Route ENV_GET = new Route("environment.get", "GET", T + "/collections/{collection}/environment", true, null);
    public static final Route ENV_PATCH = write("environment.patch", "PATCH", T + "/collections/{collection}/environment", true, "list-env-vars");

    public static final Route TASKS_LIST = read("tasks.list", T + "/tasks/{collection}/");
    public static final Route TASKS_SEARCH = read("tasks.search", T + "/tasks/search");
    public static final Route TASKS_GET = read("tasks.get", T + "/tasks/{collection}/{task}");
    public static final Route TASKS_CREATE = write("tasks.create", "POST", T + "/tasks/{collection}", false, "get-task");
    public static final Route TASKS_UPDATE = write("tasks.update", "PUT", T + "/tasks/{collection}/{task}", false, "get-task");
    public static final Route TASKS_DELETE = write("tasks.delete", "DELETE", T + "/tasks/{collection}/{task}", false, "list-tasks");

    public static final Route RUN = write("runs.start", "POST", T + "/run/{collection}/{task}", true, "list-trajectories");
    public static final Route CHAT = write("chat.completions", "POST", "/v1/chat/completions", true, "list-trajectories");

    public static final Route TRAJECTORIES_LIST = read("trajectories.list", T + "/db/trajectories/{collection}/{task}");
    public static final Route TRAJECTORY_GET = read("trajectories.get", T + "/db/trajectory/{collection}/{task}/{trajectory_id}");
    /** Storage detail route: step outputs, results_files, usage may live only here (jetty-api.md §7 E5). */
    public static final Route TRAJECTORY_DETAIL = read("trajectories.detail", T + "/trajectory/{collection}/{task}/{trajectory_id}");
    public static final Route STATS = read("trajectories.stats", T + "/db/stats/{collection}/{task}");
    public static final Route LOGS = read("trajectories.logs", T + "/workflows-logs/{workflow_id}");
    public static final Route LABEL = write("trajectories.label", "POST", T + "/trajectory/{collection}/{task}/{trajectory_id}/labels", false, "get-trajectory");
    public static final Route STATUSES = write("trajectories.statuses", "POST", T + "/trajectory/{collection}/{task}/statuses", false, "list-trajectories");

    public static final Route FILE_GET = read("files.get", T + "/file/{path*}");
    public static final Route FILES_LIST = read("files.list", T + "/list-files");
    public static final Route FILES_UPLOAD = write("files.upload", "POST", T + "/sandbox/upload", false, "list-files");

    public static final Route TEMPLATES_LIST = read("step-templates.list", T + "/step-templates");
    public static final Route TEMPLATES_GET = read("step-templates.get", T + "/step-templates/{activity_name}");

    public static final Route TRIAL_GET = read("trial.get", T + "/trial/{collection}");
    public static final Route TRIAL_ACTIVATE = write("trial.activate", "POST", T + "/trial/{collection}/activate", false, "get-trial-status");

    public static final Route ROUTINES_IN_COLLECTION = new Route("routines.list-collection", "GET", T + "/routines/{collection}", true, null);
    public static final Route ROUTINES_IN_TASK = new Route("routines.list-task", "GET", T + "/routines/{collection}/{task}", true, null);
    public static final Route ROUTINE_CREATE = write("routines.create", "POST", T + "/routines/{collection}/{task}", true, "list-routines");
    public static final Route ROUTINE_GET = new Route("routines.get", "GET", T + "/routines/{collection}/{task}/{name}", true, null);
    public static final Route ROUTINE_UPDATE = write("routines.update", "PATCH", T + "/routines/{collection}/{task}/{name}", true, "get-routine");
    public static final Route ROUTINE_DELETE = write("routines.delete", "DELETE", T + "/routines/{collection}/{task}/{name}", true, "list-routines");
    public static final Route ROUTINE_PAUSE = write("routines.pause", "POST", T + "/routines/{collection}/{task}/{name}/pause", true, "get-routine");
    public static final Route ROUTINE_RESUME = write("routines.resume", "POST", T + "/routines/{collection}/{task}/{name}/resume", true, "get-routine");
    public static final Route ROUTINE_RUN_NOW = write("routines.run-now", "POST", T + "/routines/{collection}/{task}/{name}/run-now", true, "list-routine-runs");
    public static final Route ROUTINE_RUNS = new Route("routines.runs", "GET", T + "/routines/{collection}/{task}/{name}/runs", true, null);

    public static final Route DATASETS = read("datasets.list", T + "/datasets/{collection}");
    public static final Route MODELS = read("models.list", T + "/models/{collection}/");

    private static final List<Route> ALL = List.of(WHOAMI, HEALTH, OPENAPI, COLLECTIONS_LIST, COLLECTIONS_GET,
            COLLECTIONS_CREATE, ENV_GET, ENV_PATCH, TASKS_LIST, TASKS_SEARCH, TASKS_GET, TASKS_CREATE, TASKS_UPDATE,
            TASKS_DELETE, RUN, CHAT, TRAJECTORIES_LIST, TRAJECTORY_GET, TRAJECTORY_DETAIL, STATS, LOGS, LABEL, STATUSES,
            FILE_GET, FILES_LIST, FILES_UPLOAD, TEMPLATES_LIST, TEMPLATES_GET, TRIAL_GET, TRIAL_ACTIVATE,
            ROUTINES_IN_COLLECTION, ROUTINES_IN_TASK, ROUTINE_CREATE, ROUTINE_GET, ROUTINE_UPDATE, ROUTINE_DELETE,
            ROUTINE_PAUSE, ROUTINE_RESUME, ROUTINE_RUN_NOW, ROUTINE_RUNS, DATASETS, MODELS);

    private static final List<Pattern> PATTERNS = ALL.stream().map(Route::pattern).toList();

    /** A run's page in the Jetty web app: not an API route (never probed, so not in {@link #all}). */
    private static final Route WEB_TRAJECTORY = read("web.trajectory", "/{collection}/{task}/{trajectory_id}");
    private static final String WEB = "https://jetty.io";

    private Routes() {
    }

    public static List<Route> all() {
        return ALL;
    }

    public static Optional<Route> byId(String id) {
        return ALL.stream().filter(r -> r.id().equals(id)).findFirst();
    }

    /** The route a request goes to (its path without the query), the most literal one when several match. */
    public static Optional<Route> match(String method, String path) {
        int q = path.indexOf('?');
        String p = q < 0 ? path : path.substring(0, q);
        Route best = null;
        for (int i = 0; i < ALL.size(); i++) {
            Route r = ALL.get(i);
            if (r.method().equals(method) && PATTERNS.get(i).matcher(p).matches()
                    && (best == null || r.literalLength() > best.literalLength())) {
                best = r;
            }
        }
        return Optional.ofNullable(best);
    }

    /**
     * The route a spec's {@code http} mapping names: same method, same template up to placeholder names
     * ({@code {name}} is one segment, {@code {name*}} the rest). Empty when no route lists it.
     */
    public static Optional<Route> forTemplate(String method, String template) {
        String shape = shape(template);
        return ALL.stream().filter(r -> r.method().equals(method) && shape(r.template()).equals(shape)).findFirst();
    }

    /** The run's page in the Jetty web app, every value encoded as one segment. */
    public static String webLink(String collection, String task, String trajectoryId) {
        return WEB + WEB_TRAJECTORY.path(collection, task, trajectoryId);
    }

    private static String shape(String template) {
        return template.replaceAll("\\{[^}/]*\\*}", "{*}").replaceAll("\\{[^}*/]*}", "{}");
    }

    private static Route read(String id, String template) {
        return new Route(id, "GET", template, false, null);
    }

    private static Route write(String id, String method, String template, boolean secrets, String check) {
        return new Route(id, method, template, secrets, check);
    }
}
