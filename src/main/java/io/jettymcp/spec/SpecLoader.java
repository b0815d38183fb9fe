package io.jettymcp.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jettymcp.api.Routes;
import io.jettymcp.shape.OutputSpec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Loads and validates the tool specs shipped in the jar under {@code tool-specs/}. Validation fails
 * closed: one bad spec stops the server with a message naming the file, because a half-valid
 * catalog would expose a tool without its guards.
 */
public final class SpecLoader {

    /** Markers on argument schemas that drive the guard chain; stripped before tools/list. */
    public static final Set<String> KINDS = Set.of("name", "id", "secret", "local-path", "storage-path", "url",
            "secret-map");

    private static final Pattern TOOL_NAME = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*");
    private static final Set<String> TYPES = Set.of("string", "integer", "number", "boolean", "object", "array");
    private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE");
    private static final String ROOT = "tool-specs/";
    /** The build's list of the spec files in the jar, one path a line. */
    static final String INDEX = ROOT + "index.txt";

    private final ObjectMapper mapper;

    public SpecLoader(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** Loads every spec packaged with the server, sorted by name. */
    public List<ToolSpec> loadPackaged() {
        Map<String, byte[]> files = readPackagedFiles();
        if (files.isEmpty()) {
            throw new SpecException("No tool specs found under " + ROOT + " on the class path: the jar is incomplete.");
        }
        List<ToolSpec> specs = new ArrayList<>();
        files.forEach((path, bytes) -> specs.add(parse(path, bytes)));
        return checkUnique(specs);
    }

    /** Loads the specs of a source tree (used by tests and the README generator). */
    public List<ToolSpec> loadDirectory(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            List<ToolSpec> specs = new ArrayList<>();
            for (Path p : walk.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                specs.add(parse(ROOT + dir.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p)));
            }
            return checkUnique(specs);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<ToolSpec> checkUnique(List<ToolSpec> specs) {
        Map<String, ToolSpec> byName = new LinkedHashMap<>();
        for (ToolSpec s : specs) {
            if (byName.put(s.name(), s) != null) {
                throw new SpecException("Two tool specs declare the tool name '" + s.name() + "'.");
            }
        }
        return specs.stream().sorted(Comparator.comparing(ToolSpec::name)).toList();
    }

    /** Reads tool-specs/** from wherever this class was loaded: the shaded jar or target/classes. */
    private Map<String, byte[]> readPackagedFiles() {
        Map<String, byte[]> out = new TreeMap<>();
        try {
            Path source = Path.of(SpecLoader.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isDirectory(source)) {
                Path dir = source.resolve(ROOT);
                if (Files.isDirectory(dir)) {
                    try (Stream<Path> walk = Files.walk(dir)) {
                        for (Path p : walk.filter(f -> f.toString().endsWith(".json")).toList()) {
                            out.put(ROOT + dir.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
                        }
                    }
                }
            } else {
                try (ZipFile zip = new ZipFile(source.toFile())) {
                    for (ZipEntry e : specEntries(zip)) {
                        try (InputStream in = zip.getInputStream(e)) {
                            out.put(e.getName(), in.readAllBytes());
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the packaged tool specs", e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    /**
     * The jar's spec files: as listed in {@code tool-specs/index.txt}, written by the build (pom.xml), which spares
     * a walk over the jar's ~8,000 entries at every start (10–20 ms on a 2-core machine); a jar without the list
     * is walked.
     */
    static List<ZipEntry> specEntries(ZipFile zip) throws IOException {
        ZipEntry index = zip.getEntry(INDEX);
        if (index == null) {
            return java.util.Collections.list(zip.entries()).stream()
                    .filter(e -> e.getName().startsWith(ROOT) && e.getName().endsWith(".json")).map(e -> (ZipEntry) e).toList();
        }
        List<ZipEntry> listed = new ArrayList<>();
        try (InputStream in = zip.getInputStream(index)) {
            for (String name : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\\R")) {
                if (!name.isBlank()) {
                    ZipEntry e = zip.getEntry(name.strip());
                    if (e == null) {
                        throw new SpecException(INDEX + " lists " + name.strip() + ", which the jar lacks: the jar is incomplete.");
                    }
                    listed.add(e);
                }
            }
        }
        return listed;
    }

    ToolSpec parse(String file, byte[] bytes) {
        JsonNode root;
        try {
            root = mapper.readTree(bytes);
        } catch (IOException e) {
            throw new SpecException(file + ": not valid JSON (" + e.getMessage().lines().findFirst().orElse("") + ").");
        }
        Checker c = new Checker(file);
        c.require(root.isObject(), "must be a JSON object");
        String name = c.text(root, "name");
        c.require(TOOL_NAME.matcher(name).matches(), "name '" + name + "' must be kebab-case");
        c.require(file.endsWith("/" + name + ".json"), "file name must be " + name + ".json");
        String toolset = c.text(root, "toolset");
        c.require(Toolset.names().contains(toolset), "toolset '" + toolset + "' is not one of " + new java.util.TreeSet<>(Toolset.names()));
        c.require(file.startsWith(ROOT + toolset + "/"), "must live in " + ROOT + toolset + "/");
        String title = c.text(root, "title");
        String description = c.text(root, "description");
        c.require(description.length() <= 1200, "description is " + description.length() + " characters; keep it under 1200");

        JsonNode ann = root.path("annotations");
        ToolSpec.Annotations annotations = new ToolSpec.Annotations(
                c.bool(ann, "readOnlyHint"), c.bool(ann, "destructiveHint"), c.bool(ann, "idempotentHint"),
                c.bool(ann, "openWorldHint"));
        c.require(!(annotations.readOnly() && annotations.destructive()), "a read-only tool cannot be destructive");

        c.require(root.path("input").isObject(), "input must be a JSON Schema object");
        ObjectNode input = (ObjectNode) root.get("input");
        checkSchema(c, "input", input, true);

        String handler = root.path("handler").isTextual() ? root.get("handler").asText() : null;
        HttpMapping http = null;
        if (root.has("http")) {
            http = parseHttp(c, root.get("http"), input);
            if (annotations.readOnly()) {
                c.require(http.method().equals("GET"), "a read-only tool must use GET");
            }
        }
        c.require((http == null) != (handler == null), "declare exactly one of 'http' or 'handler'");

        ObjectNode outputSchema = root.path("outputSchema").isObject() ? (ObjectNode) root.get("outputSchema") : null;
        OutputSpec output = parseOutput(c, root.path("output"));
        boolean auth = !root.has("auth") || c.bool(root, "auth");
        String hint = root.path("searchHint").isTextual() ? root.get("searchHint").asText().strip() : null;
        boolean alwaysLoad = root.has("alwaysLoad") && c.bool(root, "alwaysLoad");
        c.require(alwaysLoad != (hint != null && !hint.isEmpty()),
                "declare exactly one of 'searchHint' (a few keywords for tool search) or 'alwaysLoad': true");
        return new ToolSpec(name, title, toolset, description, annotations, input, outputSchema, http, handler,
                output, auth, parseReads(c, root.path("reads")), new ToolSpec.Search(hint, alwaysLoad));
    }

    private void checkSchema(Checker c, String where, ObjectNode schema, boolean top) {
        String type = schema.path("type").asText("");
        c.require(TYPES.contains(type), where + ": type must be one of " + TYPES);
        if (schema.has("x-kind")) {
            c.require(KINDS.contains(schema.get("x-kind").asText()), where + ": unknown x-kind " + schema.get("x-kind"));
        }
        // no description is required: an argument is described only where its name and type leave doubt (every byte of
        // tools/list is model context)
        if (schema.has("pattern")) {
            // a JSON Schema pattern matches anywhere in the value; ArgumentValidator matches the whole value
            String p = schema.get("pattern").asText();
            c.require(p.startsWith("^") && p.endsWith("$") && !p.endsWith("\\$"),
                    where + ": pattern '" + p + "' must be anchored as ^…$ (what the validator enforces)");
        }
        if (type.equals("object") && schema.has("properties")) {
            JsonNode props = schema.get("properties");
            for (Iterator<Map.Entry<String, JsonNode>> it = props.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                c.require(e.getValue().isObject(), where + "." + e.getKey() + " must be a schema object");
                checkSchema(c, where + "." + e.getKey(), (ObjectNode) e.getValue(), false);
            }
            for (JsonNode r : schema.path("required")) {
                c.require(props.has(r.asText()), where + ": required '" + r.asText() + "' is not a property");
            }
            if (top && props.has("collection")) {
                c.require("name".equals(props.get("collection").path("x-kind").asText()),
                        "the collection argument must be x-kind name");
            }
        }
        if (type.equals("array") && schema.has("items")) {
            c.require(schema.get("items").isObject(), where + ".items must be a schema object");
            checkSchema(c, where + "[]", (ObjectNode) schema.get("items"), false);
        }
    }

    private HttpMapping parseHttp(Checker c, JsonNode h, ObjectNode input) {
        String method = c.text(h, "method");
        c.require(METHODS.contains(method), "http.method must be one of " + METHODS);
        String path = c.text(h, "path");
        c.require(path.startsWith("/"), "http.path must start with /");
        Map<String, String> query = stringMap(c, h.path("query"), "http.query");
        Map<String, String> body = stringMap(c, h.path("body"), "http.body");
        String bodyArg = h.path("bodyArg").isTextual() ? h.get("bodyArg").asText() : null;
        // fail closed: a spec can only call a route the server lists, and that route builds the path
        Routes.Route route = Routes.forTemplate(method, path).orElse(null);
        c.require(route != null, "http " + method + " " + path + " is not a route in io.jettymcp.api.Routes (add it there first)");
        HttpMapping m = new HttpMapping(method, path, route, query, body, bodyArg);
        JsonNode props = input.path("properties");
        for (String p : m.placeholders()) {
            c.require(props.has(p), "http.path placeholder {" + p + "} is not an argument");
            c.require(input.path("required").toString().contains("\"" + p + "\""),
                    "http.path placeholder {" + p + "} must be a required argument");
        }
        query.keySet().forEach(a -> c.require(props.has(a), "http.query argument '" + a + "' is not declared"));
        body.keySet().forEach(a -> c.require(props.has(a), "http.body argument '" + a + "' is not declared"));
        if (bodyArg != null) {
            c.require(props.has(bodyArg), "http.bodyArg '" + bodyArg + "' is not declared");
        }
        return m;
    }

    private OutputSpec parseOutput(Checker c, JsonNode o) {
        if (o.isMissingNode() || o.isNull()) {
            return OutputSpec.NONE;
        }
        c.require(o.isObject(), "output must be an object");
        String list = o.has("list") ? o.get("list").asText() : null;
        return new OutputSpec(list, o.path("key").asText("items"), strings(o.path("fields")), strings(o.path("carry")),
                o.path("fullArg").isTextual() ? o.get("fullArg").asText() : null,
                o.path("more").isTextual() ? o.get("more").asText() : null);
    }

    /** {@code "reads": {"<route id>": ["field.path", ...]}}: every route known, every path well formed. */
    private static Map<String, List<String>> parseReads(Checker c, JsonNode n) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (n.isMissingNode()) {
            return out;
        }
        c.require(n.isObject(), "reads must map route ids to lists of field paths");
        n.fields().forEachRemaining(e -> {
            c.require(Routes.byId(e.getKey()).isPresent(), "reads: unknown route id '" + e.getKey() + "'");
            c.require(e.getValue().isArray() && !e.getValue().isEmpty(), "reads." + e.getKey() + " must be a non-empty list");
            List<String> paths = strings(e.getValue());
            for (String p : paths) {
                String problem = io.jettymcp.shape.AnswerShape.problem(p);
                c.require(problem == null, "reads." + e.getKey() + ": " + problem);
            }
            out.put(e.getKey(), paths);
        });
        return out;
    }

    private static List<String> strings(JsonNode arr) {
        List<String> out = new ArrayList<>();
        arr.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static Map<String, String> stringMap(Checker c, JsonNode n, String where) {
        Map<String, String> out = new LinkedHashMap<>();
        if (n.isMissingNode() || n.isNull()) {
            return out;
        }
        c.require(n.isObject(), where + " must map argument names to field names");
        n.fields().forEachRemaining(e -> {
            c.require(e.getValue().isTextual(), where + "." + e.getKey() + " must be a string");
            out.put(e.getKey(), e.getValue().asText());
        });
        return out;
    }

    /** Collects a spec's problems under its file name. */
    private static final class Checker {
        private final String file;

        Checker(String file) {
            this.file = file;
        }

        void require(boolean ok, String problem) {
            if (!ok) {
                throw new SpecException("Invalid tool spec " + file + ": " + problem + ".");
            }
        }

        String text(JsonNode n, String field) {
            require(n.path(field).isTextual() && !n.get(field).asText().isBlank(), "'" + field + "' must be a non-empty string");
            return n.get(field).asText();
        }

        boolean bool(JsonNode n, String field) {
            require(n.path(field).isBoolean(), "'" + field + "' must be true or false (declared explicitly)");
            return n.get(field).asBoolean();
        }
    }
}
