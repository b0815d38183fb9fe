package io.jettymcp.e2e;

import io.jettymcp.e2e.support.ServerProcess;
import io.jettymcp.e2e.support.DemoServerTest;
import io.jettymcp.sandbox.RecordedRequest;
import io.jettymcp.sandbox.SandboxSeeds;
import io.jettymcp.spec.SpecLoader;
import io.jettymcp.spec.ToolSpec;
import io.jettymcp.tool.ToolRegistry;
import io.modelcontextprotocol.spec.McpSchema;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.regex.Pattern;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A corpus of malformed tool calls generated from every listed tool's own schema: wrong types,
 * missing and unknown fields, traversal and encoded separators, look-alikes, control characters,
 * huge strings, deep nesting, bad enums and limits, patterns, lengths and item counts. Each must be an isError
 * result naming the argument, with zero upstream requests, and the server must keep serving.
 * <p>
 * The cases come from the schema the validator enforces (the spec's, as {@link ToolRegistry#effectiveInput} makes
 * it), not from the leaner one tools/list publishes: what the published schema leaves unsaid is still refused.
 */
class BadInputE2ETest extends DemoServerTest {

    /** The corpus size when cases were taken from the published schema (issue 14): it may grow, never fall. */
    static final int CORPUS_FLOOR = 1660;
    static final ObjectMapper MAPPER = new ObjectMapper();

    /** Arguments that name a Jetty resource: one safe path segment each. */
    static final Set<String> NAMES = Set.of("collection", "task", "name", "routine", "new_name");
    static final List<String> BAD_NAMES = List.of("..", ".", "../other", "a/b", "%2e%2e", "x%2Fy", "..%2F..",
            "tаsk" /* Cyrillic а */, "ｔａｓｋ" /* full-width */, "a\u202Eb", "a\u0000b", "a\nb", "", " ", "a b", "x".repeat(129));

    record Case(String tool, String argument, Map<String, Object> args) {
    }

    @Test
    void everyMalformedCallIsAnActionableErrorWithNoUpstreamRequest() {
        Map<String, ToolSpec> specs = new LinkedHashMap<>();
        new SpecLoader(MAPPER).loadDirectory(Path.of("tool-specs")).stream()
                .filter(t -> !io.jettymcp.server.UiApps.APP_ONLY.contains(t.name())) // views' tools: FilesToolsetTest
                .forEach(t -> specs.put(t.name(), t));
        assertThat(server.tools()).as("every tool listed (ServerProcess asks for all) but the views' app-only ones")
                .hasSameSizeAs(specs.values());
        List<Case> cases = new ArrayList<>();
        for (McpSchema.Tool tool : server.tools()) {
            cases.addAll(casesFor(tool.name(), checkedSchema(specs.get(tool.name()))));
        }
        assertThat(cases.size()).as("corpus size").isGreaterThanOrEqualTo(CORPUS_FLOOR);
        System.err.println("bad-input corpus: " + cases.size() + " calls over " + server.tools().size() + " tools");
        sandbox.requests().clear();
        List<String> problems = new ArrayList<>();
        for (Case c : cases) {
            McpSchema.CallToolResult r = server.call(c.tool(), c.args());
            String text = ServerProcess.text(r);
            if (!Boolean.TRUE.equals(r.isError())) {
                problems.add(c.tool() + " accepted bad " + c.argument() + ": " + abbreviate(c.args()) + " -> " + abbreviate(text));
            } else if (!text.contains("'" + c.argument()) && !text.contains("'" + c.argument() + "'")) {
                problems.add(c.tool() + " error does not name '" + c.argument() + "': " + abbreviate(text));
            }
        }
        List<RecordedRequest> sent = sandbox.requests().all().stream()
                .filter(q -> !q.path().equals("/api/v1/auth/whoami")).toList();
        assertThat(problems).as("cases that were not refused properly").isEmpty();
        assertThat(sent).as("upstream requests caused by bad input").isEmpty();
        assertThat(server.ok("whoami", Map.of()).path("collection_scope").asText()).isEqualTo("demo");
    }

    /** The schema ArgumentValidator checks this tool's arguments against, x-kind markers and all. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> checkedSchema(ToolSpec spec) {
        return MAPPER.convertValue(ToolRegistry.effectiveInput(spec, null), Map.class);
    }

    @SuppressWarnings("unchecked")
    static List<Case> casesFor(String tool, Map<String, Object> schema) {
        Map<String, Object> props = (Map<String, Object>) schema.getOrDefault("properties", Map.of());
        List<String> required = (List<String>) schema.getOrDefault("required", List.of());
        Map<String, Object> base = new LinkedHashMap<>();
        for (String r : required) {
            base.put(r, valid(r, (Map<String, Object>) props.get(r)));
        }
        List<Case> out = new ArrayList<>();
        out.add(new Case(tool, "bogus_argument", with(base, "bogus_argument", 1)));
        for (String r : required) {
            Map<String, Object> missing = new HashMap<>(base);
            missing.remove(r);
            out.add(new Case(tool, r, missing));
        }
        for (Map.Entry<String, Object> e : props.entrySet()) {
            String name = e.getKey();
            Map<String, Object> p = (Map<String, Object>) e.getValue();
            for (Object bad : badValues(name, p)) {
                out.add(new Case(tool, name, with(base, name, bad)));
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    static List<Object> badValues(String name, Map<String, Object> p) {
        List<Object> bad = new ArrayList<>();
        String type = String.valueOf(p.get("type"));
        switch (type) {
            case "string" -> {
                bad.add(12345);
                bad.add(List.of("x"));
                bad.add("x".repeat(1_000_000));
                if (NAMES.contains(name)) {
                    bad.addAll(BAD_NAMES);
                }
                if (p.containsKey("enum")) {
                    bad.add("not-a-valid-choice");
                }
            }
            case "integer" -> {
                bad.add("10");
                bad.add(2.5);
                bad.add(true);
                if (p.containsKey("minimum")) {
                    bad.add(((Number) p.get("minimum")).longValue() - 1);
                }
                bad.add(-1_000_000_000_000L);
                bad.add(1_000_000_000_000_000L);
            }
            case "number" -> {
                bad.add("1.5");
                bad.add(false);
            }
            case "boolean" -> {
                bad.add("true");
                bad.add(1);
            }
            case "array" -> {
                bad.add("not-an-array");
                bad.add(Map.of("a", 1));
            }
            case "object" -> {
                bad.add("not-an-object");
                bad.add(List.of(1, 2));
                bad.add(nested(60));
            }
            default -> {
            }
        }
        bad.addAll(beyondConstraints(p));
        return bad;
    }

    /**
     * Values that break the constraints only the validator's schema states (tools/list leaves them out): a pattern,
     * a length or an item count, and an array item that breaks its own.
     */
    @SuppressWarnings("unchecked")
    static List<Object> beyondConstraints(Map<String, Object> p) {
        List<Object> bad = new ArrayList<>();
        if (p.get("pattern") instanceof String pattern && !Pattern.compile(pattern).matcher(OFF_PATTERN).matches()) {
            bad.add(OFF_PATTERN);
        }
        if (p.get("maxLength") instanceof Number max && max.intValue() < 1_000_000) {
            bad.add("x".repeat(max.intValue() + 1));
        }
        if (p.get("minLength") instanceof Number min && min.intValue() > 0) {
            bad.add("x".repeat(min.intValue() - 1));
        }
        if (p.get("maxItems") instanceof Number max) {
            bad.add(java.util.Collections.nCopies(max.intValue() + 1, "x"));
        }
        if (p.get("minItems") instanceof Number min && min.intValue() > 0) {
            bad.add(List.of());
        }
        if (p.get("items") instanceof Map<?, ?> items) {
            for (Object item : beyondConstraints((Map<String, Object>) items)) {
                bad.add(List.of(item));
            }
        }
        return bad;
    }

    /** Matches none of the specs' patterns (names, slugs, variable names, images). */
    static final String OFF_PATTERN = "not/a valid!value";

    static Object valid(String name, Map<String, Object> p) {
        return switch (name) {
            case "collection" -> "demo";
            case "task" -> "text-echo";
            case "trajectory_id" -> "abcd1234";
            case "trajectory_ids" -> List.of("abcd1234");
            default -> switch (String.valueOf(p == null ? "string" : p.get("type"))) {
                case "integer", "number" -> 1;
                case "boolean" -> true;
                case "array" -> List.of();
                case "object" -> Map.of();
                default -> p != null && p.get("enum") instanceof List<?> l && !l.isEmpty() ? l.get(0) : "valid-name";
            };
        };
    }

    static Map<String, Object> nested(int depth) {
        Map<String, Object> m = new HashMap<>();
        Map<String, Object> cur = m;
        for (int i = 0; i < depth; i++) {
            Map<String, Object> next = new HashMap<>();
            cur.put("a", next);
            cur = next;
        }
        return m;
    }

    static Map<String, Object> with(Map<String, Object> base, String k, Object v) {
        Map<String, Object> m = new HashMap<>(base);
        m.put(k, v);
        return m;
    }

    static String abbreviate(Object o) {
        String s = String.valueOf(o);
        return s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }
}
