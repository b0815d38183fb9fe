package io.jettymcp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jettymcp.api.ApiRequest;
import io.jettymcp.api.ApiResponse;
import io.jettymcp.api.JettyApi;
import io.jettymcp.api.JettyApiException;
import io.jettymcp.api.RetryPolicy;
import io.jettymcp.api.Routes.Route;
import io.jettymcp.api.Routes;
import io.jettymcp.catalog.trajectories.TrajectoryIds;
import io.jettymcp.catalog.trajectories.TrajectoryView;
import io.jettymcp.config.Settings;
import io.jettymcp.redact.Redactor;
import io.jettymcp.server.Version;
import io.jettymcp.shape.AnswerShape;
import io.jettymcp.spec.SpecLoader;
import io.jettymcp.spec.ToolSpec;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.stream.StreamSupport;

/**
 * {@code jetty-mcp check}: what a user runs with a real key before (or while) reporting a bug. After the
 * doctor's report it diffs {@code GET /openapi.json} against every route the tools call ({@link Routes}),
 * probes every GET route read-only with values it discovers (collection, task, newest trajectory, routine,
 * file, step template) and checks each answer for the fields the tools' readers rely on (the {@code reads}
 * of the tool specs, checked by {@link AnswerShape}). One line per route. It fails only for a missing route
 * or a missing field a tool reads; extras are listed. With {@code --write-probe} it also creates, runs
 * (once, never again) and deletes a scratch task. Nothing printed carries an answer's values: statuses,
 * field names and our own words only, and every line passes the redactor.
 */
final class Check {

    /**
     * @param writeProbe  exercise the write routes with a scratch task
     * @param openapiFile diff against this document instead of {@code GET /openapi.json}; null: fetch it
     * @param readBack    how long the write probe waits for its run to end
     */
    record Options(boolean writeProbe, Path openapiFile, Duration readBack) {

        static Options of(boolean writeProbe, Path openapiFile) {
            return new Options(writeProbe, openapiFile, Duration.ofSeconds(90));
        }
    }

    /**
     * What probing one route showed.
     *
     * @param error the route answered, but with an error (listed as ERR; it does not fail the check)
     */
    private record Outcome(String text, boolean probed, boolean routeMissing, List<String> missingFields, boolean error) {

        static Outcome skipped(String why) {
            return new Outcome(why, false, false, List.of(), false);
        }

        static Outcome failed(String text) {
            return new Outcome(text, true, false, List.of(), true);
        }

        static Outcome noRoute(String text) {
            return new Outcome(text, true, true, List.of(), false);
        }

        /** How bad it is: a route probed several times (the run list, once per task tried) reports its worst. */
        int severity() {
            return routeMissing ? 3 : !missingFields.isEmpty() ? 2 : error ? 1 : 0;
        }
    }

    private static final long MAX_FILE_PROBE = 8L * 1024 * 1024;
    private static final int TASKS_TRIED = 5;

    private final Settings settings;
    private final JettyApi api;
    private final ObjectMapper mapper;
    private final Redactor redactor = new Redactor();
    private final PrintStream out;
    /** route id -> field path -> the tools whose readers rely on it */
    private final Map<String, Map<String, Set<String>>> reads;
    private final Map<Route, Outcome> outcomes = new LinkedHashMap<>();
    /** what the shape check sees of each answer: the answer itself, except in tests that simulate drift */
    private final BiFunction<Route, JsonNode, JsonNode> answers;
    /** null when no openapi.json could be read */
    private OpenApiDiff diff;

    private Check(Settings settings, PrintStream out, ObjectMapper mapper, List<ToolSpec> specs,
                  BiFunction<Route, JsonNode, JsonNode> answers) {
        this.settings = settings;
        this.answers = answers;
        this.out = out;
        this.mapper = mapper;
        this.reads = readsByRoute(specs);
        this.api = JettyApi.create(settings.baseUrl(), settings.token(), settings.connectTimeout(),
                settings.responseTimeout(), RetryPolicy.NONE, mapper, Version.get());
        if (settings.token().present()) {
            redactor.register(settings.token().value());
        }
    }

    /** @return 1 when a route the tools call is missing or an answer lacks a field a tool reads, else 0 */
    static int run(Settings settings, PrintStream out, Options options) {
        return run(settings, out, options, (route, answer) -> answer);
    }

    /** As {@link #run(Settings, PrintStream, Options)}, with each JSON answer passed through {@code answers} first. */
    static int run(Settings settings, PrintStream out, Options options, BiFunction<Route, JsonNode, JsonNode> answers) {
        out.println("== Setup (as jetty-mcp doctor)");
        Doctor.run(settings, out);
        ObjectMapper mapper = new ObjectMapper();
        return new Check(settings, out, mapper, new SpecLoader(mapper).loadPackaged(), answers).check(options);
    }

    static Map<String, Map<String, Set<String>>> readsByRoute(List<ToolSpec> specs) {
        Map<String, Map<String, Set<String>>> byRoute = new TreeMap<>();
        for (ToolSpec s : specs) {
            s.reads().forEach((route, paths) -> paths.forEach(p -> byRoute.computeIfAbsent(route, k -> new LinkedHashMap<>())
                    .computeIfAbsent(p, k -> new TreeSet<>()).add(s.name())));
        }
        return byRoute;
    }

    private int check(Options options) {
        say("");
        say("== Jetty's routes, as the tools call them");
        diff = openapi(options.openapiFile());
        String collection = probeReads();
        if (options.writeProbe()) {
            say("");
            say("== Write probe (--write-probe)");
            if (collection == null) {
                say("skipped: no collection to write in (set JETTY_COLLECTIONS).");
            } else if (!settings.token().present()) {
                say("skipped: no token.");
            } else {
                writeProbe(collection, options.readBack());
            }
        }
        return report(options.writeProbe());
    }

    // ---- openapi.json ----

    private OpenApiDiff openapi(Path file) {
        List<Route> called = called();
        JsonNode doc = null;
        String source;
        if (file != null) {
            source = file.toString();
            try {
                doc = mapper.readTree(file.toFile());
            } catch (IOException e) {
                say("openapi.json     cannot read " + file + ": " + e.getMessage());
                return null;
            }
        } else {
            source = "GET /openapi.json";
            try {
                ApiResponse res = api.exchange(ApiRequest.get(Routes.OPENAPI.path()).withoutAuth())
                        .block(settings.responseTimeout().plusSeconds(2));
                if (res != null && res.ok()) {
                    doc = parse(res);
                } else {
                    source += " answered " + (res == null ? "nothing" : res.status());
                }
            } catch (RuntimeException e) {
                source += " failed: " + e.getMessage();
            }
        }
        if (doc == null || !doc.path("paths").isObject()) {
            say("openapi.json     not available (" + source + "): routes are judged by probing only");
            return null;
        }
        say("openapi.json     " + source + ": " + doc.path("paths").size() + " paths");
        return OpenApiDiff.of(doc, called);
    }

    /** Every route the tools call (the document does not list itself). */
    private static List<Route> called() {
        return Routes.all().stream().filter(r -> r != Routes.OPENAPI).toList();
    }

    // ---- read probes ----

    /** Probes every GET route, discovering the values to fill in; returns the collection it used, or null. */
    private String probeReads() {
        JsonNode who = call(Routes.WHOAMI, ApiRequest.get(Routes.WHOAMI.path()));
        call(Routes.HEALTH, ApiRequest.get(Routes.HEALTH.path()).withoutAuth());
        JsonNode templates = call(Routes.TEMPLATES_LIST, ApiRequest.get(Routes.TEMPLATES_LIST.path()).withoutAuth());
        String activity = first(rows(templates, "templates"), "activity_name");
        if (activity == null) {
            skip(Routes.TEMPLATES_GET, "step template");
        } else {
            call(Routes.TEMPLATES_GET, ApiRequest.get(Routes.TEMPLATES_GET.path(activity)).withoutAuth());
        }
        JsonNode collections = call(Routes.COLLECTIONS_LIST, ApiRequest.get(Routes.COLLECTIONS_LIST.path()));
        String c = settings.collections().stream().sorted().findFirst().orElse(null);
        if (c == null && who != null && who.path("collection_scope").isTextual()) {
            c = who.get("collection_scope").asText();
        }
        if (c == null) {
            c = first(rows(collections, "collections"), "name");
        }
        if (c == null) {
            for (Route r : called()) {
                skip(r, "collection");
            }
            return null;
        }
        say("probing with     collection '" + c + "'");
        call(Routes.COLLECTIONS_GET, ApiRequest.get(Routes.COLLECTIONS_GET.path(c)));
        call(Routes.ENV_GET, ApiRequest.get(Routes.ENV_GET.path(c)));
        call(Routes.TRIAL_GET, ApiRequest.get(Routes.TRIAL_GET.path(c)));
        call(Routes.DATASETS, ApiRequest.get(Routes.DATASETS.path(c)));
        call(Routes.MODELS, ApiRequest.get(Routes.MODELS.path(c)));
        JsonNode tasks = call(Routes.TASKS_LIST, ApiRequest.get(Routes.TASKS_LIST.path(c)).withQuery("limit", 500));
        List<String> taskNames = texts(rows(tasks, "tasks"), "name");
        call(Routes.TASKS_SEARCH, ApiRequest.get(Routes.TASKS_SEARCH.path())
                .withQuery("q", taskNames.isEmpty() ? c : taskNames.get(0)).withQuery("limit", 5));
        String task = probeTaskAndRuns(c, taskNames);
        probeRoutines(c, task);
        probeFiles(c);
        return c;
    }

    /** Task routes and the newest run of the first task (of the first few) that has runs; returns that task. */
    private String probeTaskAndRuns(String c, List<String> taskNames) {
        if (taskNames.isEmpty()) {
            for (Route r : List.of(Routes.TASKS_GET, Routes.STATS, Routes.TRAJECTORIES_LIST, Routes.TRAJECTORY_GET,
                    Routes.TRAJECTORY_DETAIL, Routes.LOGS)) {
                skip(r, "task");
            }
            return null;
        }
        String task = taskNames.get(0);
        JsonNode newest = null;
        for (String name : taskNames.subList(0, Math.min(TASKS_TRIED, taskNames.size()))) {
            JsonNode runs = call(Routes.TRAJECTORIES_LIST, ApiRequest.get(Routes.TRAJECTORIES_LIST.path(c, name))
                    .withQuery("limit", 10).withQuery("page", 1));
            newest = newest(rows(runs, "trajectories"));
            if (newest != null) {
                task = name;
                break;
            }
        }
        say("probing with     task '" + task + "'" + (newest == null ? "" : ", its newest run '"
                + newest.path("trajectory_id").asText() + "'"));
        call(Routes.TASKS_GET, ApiRequest.get(Routes.TASKS_GET.path(c, task)));
        call(Routes.STATS, ApiRequest.get(Routes.STATS.path(c, task)));
        String id = newest == null ? null : newest.path("trajectory_id").asText(null);
        if (id == null) {
            for (Route r : List.of(Routes.TRAJECTORY_GET, Routes.TRAJECTORY_DETAIL, Routes.LOGS)) {
                skip(r, "trajectory");
            }
            return task;
        }
        JsonNode run = call(Routes.TRAJECTORY_GET, ApiRequest.get(Routes.TRAJECTORY_GET.path(c, task, id)));
        call(Routes.TRAJECTORY_DETAIL, ApiRequest.get(Routes.TRAJECTORY_DETAIL.path(c, task, id)));
        call(Routes.LOGS, ApiRequest.get(Routes.LOGS.path(workflowId(run != null ? run : newest, c, task, id))));
        return task;
    }

    /** The run's own workflow id when it carries one or its canonical name (E10), else built from ours. */
    private static String workflowId(JsonNode run, String c, String task, String id) {
        if (run.path("workflow_id").isTextual()) {
            return run.get("workflow_id").asText();
        }
        String name = run.path("name").asText("");
        int slash = name.indexOf('/');
        return slash > 0 ? TrajectoryIds.workflowId(name.substring(0, slash), name.substring(slash + 1), id)
                : TrajectoryIds.workflowId(c, task, id);
    }

    private void probeRoutines(String c, String task) {
        JsonNode list = call(Routes.ROUTINES_IN_COLLECTION, ApiRequest.get(Routes.ROUTINES_IN_COLLECTION.path(c)));
        JsonNode routine = StreamSupport.stream(rows(list, "routines").spliterator(), false)
                .filter(r -> r.path("name").isTextual()).findFirst().orElse(null);
        String name = routine == null ? null : routine.get("name").asText();
        String rtask = routine == null ? task : routine.path("task").asText(routine.path("task_name").asText(task));
        if (rtask == null) {
            skip(Routes.ROUTINES_IN_TASK, "task");
        } else {
            call(Routes.ROUTINES_IN_TASK, ApiRequest.get(Routes.ROUTINES_IN_TASK.path(c, rtask)));
        }
        if (name == null || rtask == null) {
            skip(Routes.ROUTINE_GET, "routine");
            skip(Routes.ROUTINE_RUNS, "routine");
            return;
        }
        call(Routes.ROUTINE_GET, ApiRequest.get(Routes.ROUTINE_GET.path(c, rtask, name)));
        call(Routes.ROUTINE_RUNS, ApiRequest.get(Routes.ROUTINE_RUNS.path(c, rtask, name)).withQuery("limit", 5));
    }

    private void probeFiles(String c) {
        JsonNode list = call(Routes.FILES_LIST, ApiRequest.get(Routes.FILES_LIST.path()).withQuery("prefix", c + "/"));
        String path = null;
        long smallest = Long.MAX_VALUE;
        for (JsonNode f : rows(list, "files")) {
            String p = f.isTextual() ? f.asText() : f.path("path").asText(null);
            long size = f.path("size").asLong(Long.MAX_VALUE - 1);
            if (p != null && p.startsWith(c + "/") && size < smallest) {
                path = p;
                smallest = size;
            }
        }
        if (path == null) {
            skip(Routes.FILE_GET, "file");
            return;
        }
        Path tmp = null;
        try {
            tmp = Files.createTempFile("jetty-mcp-check", ".bin");
            JettyApi.Download d = api.download(ApiRequest.get(Routes.FILE_GET.path(path)), tmp, MAX_FILE_PROBE)
                    .block(settings.responseTimeout().plusSeconds(2));
            outcomes.put(Routes.FILE_GET, new Outcome("2xx, " + (d == null ? 0 : d.bytes()) + " bytes", true, false, List.of(), false));
        } catch (JettyApiException e) {
            outcomes.put(Routes.FILE_GET, e.response() != null ? failure(Routes.FILE_GET, e.response())
                    : Outcome.failed("no answer: " + e.getMessage()));
        } catch (IOException | RuntimeException e) {
            outcomes.put(Routes.FILE_GET, Outcome.failed("no answer: " + e.getMessage()));
        } finally {
            deleteQuietly(tmp);
        }
    }

    // ---- write probe ----

    private void writeProbe(String c, Duration readBack) {
        say("It creates a scratch task in '" + c + "', uploads two small files, runs the task once, reads the run back "
                + "and deletes the task. Nothing is sent twice.");
        say(trialNotice(c));
        String task = "jetty-mcp-check-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(4));
        boolean mayExist = false;
        boolean uploadedFiles = false;
        List<Path> tmp = new ArrayList<>();
        try {
            ObjectNode body = mapper.createObjectNode().put("name", task)
                    .put("description", "Scratch task of jetty-mcp check --write-probe; safe to delete.");
            ObjectNode wf = body.putObject("workflow");
            wf.putObject("init_params").put("text", "jetty-mcp check");
            wf.putObject("step_configs").putObject("echo").put("activity", "text_echo").put("text_path", "init_params.text");
            wf.putArray("steps").add("echo");
            ApiResponse created = send(Routes.TASKS_CREATE, ApiRequest.json("POST", Routes.TASKS_CREATE.path(c), body));
            mayExist = created == null || created.status() >= 500 || created.ok();
            step("create task '" + task + "'", Routes.TASKS_CREATE);
            if (created == null || !created.ok()) {
                return;
            }
            for (int i = 1; i <= 2; i++) {
                Path f = Files.createTempFile("jetty-mcp-check-" + i + "-", ".txt");
                tmp.add(f);
                Files.writeString(f, "jetty-mcp check probe file " + i + "\n", StandardCharsets.UTF_8);
            }
            List<ApiRequest.FilePart> parts = tmp.stream()
                    .map(f -> new ApiRequest.FilePart("files", f, f.getFileName().toString())).toList();
            ApiResponse uploaded = send(Routes.FILES_UPLOAD, ApiRequest.multipart(Routes.FILES_UPLOAD.path(), Map.of(), parts));
            step("upload two files", Routes.FILES_UPLOAD);
            uploadedFiles = uploaded != null && (uploaded.ok() || uploaded.status() >= 500);
            JsonNode answer = uploaded != null && uploaded.ok() ? parse(uploaded) : null;
            JsonNode paths = answer == null ? null : answer.path("file_paths");
            ObjectNode init = mapper.createObjectNode().put("text", "jetty-mcp check");
            if (paths != null && paths.isArray()) {
                init.set("file_paths", paths);
            }
            // one POST, never repeated: a second one would be a second run
            ApiResponse started = send(Routes.RUN, ApiRequest.multipart(Routes.RUN.path(c, task),
                    Map.of("init_params", init.toString()), List.of()));
            step("run it once", Routes.RUN);
            String id = started != null && started.ok() ? runId(parse(started)) : null;
            if (started != null && !started.ok() && (started.status() >= 500)) {
                say("  the run may have started all the same; it is not sent again.");
            }
            if (id != null) {
                readBack(c, task, id, paths != null && paths.isArray() ? paths.size() : 0, readBack);
            }
        } catch (IOException e) {
            say("  could not write the probe's local files: " + e.getMessage());
        } finally {
            tmp.forEach(Check::deleteQuietly);
            if (mayExist) {
                ApiResponse deleted = send(Routes.TASKS_DELETE, ApiRequest.json("DELETE", Routes.TASKS_DELETE.path(c, task), null));
                step("delete task '" + task + "'", Routes.TASKS_DELETE);
                if (deleted == null || !deleted.ok()) {
                    say("  the scratch task may remain: delete '" + task + "' in '" + c + "' with delete-task or in the Jetty web app.");
                }
            }
            if (uploadedFiles) {
                say("  the two uploaded files stay in storage under '" + c + "/' (no Jetty route deletes uploads).");
            }
        }
    }

    private String trialNotice(String c) {
        try {
            ApiResponse res = api.exchange(ApiRequest.get(Routes.TRIAL_GET.path(c))).block(settings.responseTimeout().plusSeconds(2));
            JsonNode t = res != null && res.ok() ? parse(res) : null;
            if (t != null && (t.path("active").asBoolean(false) || "active".equals(t.path("status").asText()))) {
                return "This key's collection is on a trial: the probe's run spends one trial run"
                        + (t.path("runs_remaining").isNumber() ? " (" + t.get("runs_remaining").asInt() + " left)." : ".");
            }
            if (t != null) {
                return "This key's collection is not on a trial: the run is billed like any other (one text_echo step).";
            }
        } catch (RuntimeException e) {
            // fall through: say what it may cost without knowing
        }
        return "Could not read the trial status: if this key is on a trial, the probe's run spends one trial run.";
    }

    private static String runId(JsonNode answer) {
        if (answer == null) {
            return null;
        }
        if (answer.path("trajectory_id").isTextual()) {
            return answer.get("trajectory_id").asText();
        }
        String wf = answer.path("workflow_id").asText("");
        return wf.contains("--") ? wf.substring(wf.lastIndexOf("--") + 2) : null;
    }

    /** Polls the run until it ends, at most {@code budget}; a 404 meanwhile is a row not written yet (E4). */
    private void readBack(String c, String task, String id, int uploaded, Duration budget) {
        long deadline = System.nanoTime() + budget.toNanos();
        String status = null;
        JsonNode run = null;
        while (true) {
            try {
                ApiResponse res = api.exchange(ApiRequest.get(Routes.TRAJECTORY_GET.path(c, task, id)))
                        .block(settings.responseTimeout().plusSeconds(2));
                if (res != null && res.ok()) {
                    run = parse(res);
                    status = run == null ? null : run.path("status").asText(null);
                }
            } catch (RuntimeException e) {
                // a poll that got no answer: the next one may
            }
            if (status != null && TrajectoryView.TERMINAL.contains(status) || System.nanoTime() > deadline) {
                break;
            }
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (status == null || !TrajectoryView.TERMINAL.contains(status)) {
            say("  read back run '" + id + "': not finished after " + budget.toSeconds() + " s ("
                    + (status == null ? "not visible yet" : status) + "); it may still be queued. The task is deleted anyway.");
            return;
        }
        boolean echoed = run.path("steps").path("echo").path("outputs").isObject()
                && !run.path("steps").path("echo").path("outputs").isEmpty();
        int filePaths = run.path("init_params").path("file_paths").size();
        say("  read back run '" + id + "': " + status + "; step echo " + (echoed ? "has outputs" : "shows no outputs")
                + "; init_params.file_paths has " + filePaths + " of " + uploaded + " uploaded paths"
                + ("failed".equals(status) ? " (get-trajectory or diagnose-trajectory on this id says why)" : ""));
    }

    private void step(String what, Route route) {
        say("  " + what + ": " + outcomes.get(route).text());
    }

    // ---- one request ----

    /** Sends one GET probe and judges its answer; returns the JSON answer when it was a 2xx, else null. */
    private JsonNode call(Route route, ApiRequest req) {
        ApiResponse res = send(route, req);
        return res != null && res.ok() ? parse(res) : null;
    }

    /** Sends once (no retries), records the outcome for the route and returns the answer, or null without one. */
    private ApiResponse send(Route route, ApiRequest req) {
        if (req.auth() && !settings.token().present()) {
            outcomes.put(route, Outcome.skipped("skipped: no token"));
            return null;
        }
        ApiResponse res;
        try {
            res = api.exchange(req).block(settings.responseTimeout().plusSeconds(2));
        } catch (RuntimeException e) {
            outcomes.put(route, Outcome.failed("no answer: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage())));
            return null;
        }
        JsonNode answer = res.ok() ? parse(res) : null;
        Outcome now = res.ok() ? shaped(route, res.status(), answer == null ? null : answers.apply(route, answer))
                : failure(route, res);
        outcomes.merge(route, now, (before, after) -> after.severity() >= before.severity() || !before.probed() ? after : before);
        return res;
    }

    private Outcome shaped(Route route, int status, JsonNode answer) {
        Map<String, Set<String>> declared = reads.getOrDefault(route.id(), Map.of());
        if (answer == null) {
            List<String> all = List.copyOf(declared.keySet());
            return new Outcome(status + ", not JSON" + (all.isEmpty() ? "" : ": missing " + describe(all, declared)),
                    true, false, all, false);
        }
        List<String> missing = AnswerShape.missing(answer, List.copyOf(declared.keySet()));
        String text = status + ", " + (declared.isEmpty() ? "no fields declared by any tool"
                : missing.isEmpty() ? "shape as expected" : "missing " + describe(missing, declared));
        List<String> extra = declared.isEmpty() ? List.of() : extraFields(answer, declared.keySet());
        if (!extra.isEmpty()) {
            text += "; extra fields " + (extra.size() > 10 ? String.join(", ", extra.subList(0, 10)) + " and "
                    + (extra.size() - 10) + " more" : String.join(", ", extra));
        }
        return new Outcome(text, true, false, missing, false);
    }

    private static String describe(List<String> missing, Map<String, Set<String>> declared) {
        List<String> parts = new ArrayList<>();
        for (String m : missing) {
            parts.add("`" + m + "` (read by " + String.join(", ", declared.get(m)) + ")");
        }
        return String.join(", ", parts);
    }

    /** Top-level field names (of the rows, for a bare list) that no declared path starts with: listed, never failed. */
    private static List<String> extraFields(JsonNode answer, Set<String> paths) {
        JsonNode obj = answer.isArray() ? (answer.isEmpty() ? null : answer.get(0)) : answer;
        if (obj == null || !obj.isObject()) {
            return List.of();
        }
        Set<String> known = new TreeSet<>();
        for (String p : paths) {
            String[] segs = p.split("\\.");
            String head = segs[0].equals("[]") && segs.length > 1 ? segs[1] : segs[0];
            for (String alt : head.replace("[]", "").split("\\|")) {
                known.add(alt);
            }
        }
        List<String> extra = new ArrayList<>();
        obj.fieldNames().forEachRemaining(n -> {
            if (!known.contains(n)) {
                extra.add(n);
            }
        });
        return extra;
    }

    /**
     * A non-2xx answer. A redirect or 405 means the exact route is not served; a 404 is "no such route" only
     * with FastAPI's bare {@code Not Found} and no openapi.json to say otherwise — any other 404 is an item
     * not found (the probe's values are discovered, so that happens only when something vanished meanwhile).
     */
    private Outcome failure(Route route, ApiResponse res) {
        int s = res.status();
        if (s >= 300 && s < 400) {
            return Outcome.noRoute(s + " redirect: Jetty serves this route at another path (trailing slash?)");
        }
        if (s == 405) {
            return Outcome.noRoute("405 Method Not Allowed: no " + route.method() + " on this path");
        }
        if (s == 404) {
            JsonNode body = parse(res);
            boolean bare = body != null && "Not Found".equals(body.path("detail").asText());
            return bare ? new Outcome("404 Not Found: no such route, or the item is gone", true, !docSays(route), List.of(), true)
                    : Outcome.failed("404, item not found");
        }
        if (s == 401) {
            return Outcome.failed("401: Jetty refused the key (see whoami above)");
        }
        if (s == 403) {
            return Outcome.failed("403: this key may not use it" + (res.html() ? " (an HTML page: an edge block?)" : ""));
        }
        return Outcome.failed(s + (res.html() ? ", an HTML page instead of Jetty's JSON" : ", shape not checked"));
    }

    /** Whether openapi.json was read and lists the route. */
    private boolean docSays(Route route) {
        return diff != null && !diff.missing().containsKey(route);
    }

    // ---- report ----

    private int report(boolean writeProbe) {
        say("");
        say("== Result, one line per route (" + (diff == null ? "no openapi.json" : "diffed against openapi.json")
                + "; fields checked: those the tools read)");
        int missingRoutes = 0;
        int missingFields = 0;
        int unchecked = 0;
        int errors = 0;
        for (Route r : called()) {
            Outcome o = outcomes.get(r);
            boolean notInDoc = diff != null && diff.missing().containsKey(r);
            List<String> detail = new ArrayList<>();
            if (notInDoc) {
                String hint = diff.missing().get(r);
                detail.add("not in openapi.json" + (hint.isEmpty() ? "" : " (" + hint + ")"));
            }
            if (o != null) {
                detail.add(o.text());
            } else {
                detail.add(r.writes() ? (writeProbe ? "write: not used by the probe" : "write: not probed (--write-probe)")
                        : "not probed");
            }
            boolean noRoute = notInDoc || o != null && o.routeMissing();
            boolean drift = o != null && !o.missingFields().isEmpty();
            // a GET counts as checked once probed; a write once probed or found in openapi.json
            boolean checked = o != null && o.probed() || r.writes() && diff != null;
            boolean error = !noRoute && o != null && o.error();
            String tag = noRoute ? "MISSING" : drift ? "DRIFT" : error ? "ERR" : checked ? "ok" : "skip";
            missingRoutes += noRoute ? 1 : 0;
            errors += error ? 1 : 0;
            missingFields += drift ? o.missingFields().size() : 0;
            unchecked += tag.equals("skip") ? 1 : 0;
            say(String.format("%-7s %-6s %-58s %s", tag, r.method(), r.template(), String.join("; ", detail)));
        }
        if (diff != null && !diff.extras().isEmpty()) {
            say("");
            say("openapi.json also has " + diff.extras().size() + " operations no tool calls (listed, not a failure):");
            diff.extras().forEach(e -> say("        " + e));
        }
        say("");
        String notes = (unchecked > 0 ? " " + unchecked + (unchecked == 1 ? " route" : " routes") + " not probed (skip)." : "")
                + (errors > 0 ? " " + errors + (errors == 1 ? " route" : " routes") + " answered an error (ERR): see above." : "");
        if (missingRoutes + missingFields == 0) {
            say("Check passed: every route the tools call is there and every answer probed has the fields they read."
                    + notes);
            return 0;
        }
        say("Check FAILED: " + missingRoutes + " missing route" + (missingRoutes == 1 ? "" : "s") + ", " + missingFields
                + " missing field" + (missingFields == 1 ? "" : "s")
                + ". The tools that use them will not work against this Jetty: attach this output to a bug report." + notes);
        return 1;
    }

    // ---- small helpers ----

    private void skip(Route r, String thing) {
        outcomes.putIfAbsent(r, Outcome.skipped("skipped: no " + thing + " to probe with"));
    }

    private void say(String line) {
        out.println(redactor.redact(line));
    }

    private JsonNode parse(ApiResponse res) {
        try {
            JsonNode n = mapper.readTree(res.body());
            return n == null || n.isMissingNode() ? null : n;
        } catch (IOException e) {
            return null;
        }
    }

    private static JsonNode rows(JsonNode answer, String field) {
        if (answer == null) {
            return emptyList();
        }
        return answer.isArray() ? answer : answer.path(field).isArray() ? answer.get(field) : emptyList();
    }

    private static JsonNode emptyList() {
        return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
    }

    private static String first(JsonNode rows, String field) {
        List<String> all = texts(rows, field);
        return all.isEmpty() ? null : all.get(0);
    }

    private static List<String> texts(JsonNode rows, String field) {
        List<String> out = new ArrayList<>();
        rows.forEach(r -> {
            if (r.path(field).isTextual() && !r.get(field).asText().isEmpty()) {
                out.add(r.get(field).asText());
            }
        });
        return out;
    }

    /** The newest row by {@code created} (ISO-8601 sorts as text), else the first. */
    private static JsonNode newest(JsonNode rows) {
        JsonNode best = null;
        for (JsonNode r : rows) {
            if (!r.path("trajectory_id").isTextual()) {
                continue;
            }
            if (best == null || r.path("created").asText("").compareTo(best.path("created").asText("")) > 0) {
                best = r;
            }
        }
        return best;
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                // a temp file left behind: the OS cleans its temp directory
            }
        }
    }
}
