package io.jettymcp.catalog.runs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.jettymcp.guard.ToolError;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A RUNBOOK.md as far as launching it needs: its YAML frontmatter (agent, model, model_provider,
 * snapshot, secrets, parameters) and the {@code {{var}}} placeholders of its text.
 *
 * @param frontmatter the parsed frontmatter; an empty object when there is none
 * @param secrets     env names the runbook requires ({@code secrets.<NAME>.env}, required unless {@code required: false})
 * @param defaults    template variable defaults from {@code parameters}/{@code template_variables}
 * @param required    template variables declared {@code required: true} without a default
 * @param placeholders every {@code {{name}}} used in the text
 */
record Runbook(String text, ObjectNode frontmatter, List<String> secrets, Map<String, String> defaults,
               Set<String> required, Set<String> placeholders) {

    private static final Pattern FRONT = Pattern.compile("\\A\\uFEFF?---[ \\t]*\\r?\\n(.*?)\\r?\\n---[ \\t]*(\\r?\\n|\\z)",
            Pattern.DOTALL);
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*}}");

    static Runbook parse(String text, ObjectMapper json) {
        ObjectNode fm = json.createObjectNode();
        Matcher m = FRONT.matcher(text);
        if (m.find()) {
            try {
                JsonNode n = new ObjectMapper(new YAMLFactory()).readTree(m.group(1));
                if (n != null && n.isObject()) {
                    fm = (ObjectNode) n;
                } else if (n != null && !n.isNull() && !n.isMissingNode()) {
                    throw new ToolError("The runbook's frontmatter (between the --- lines) is not a YAML mapping. "
                            + "Fix it to 'key: value' lines such as 'model: anthropic/claude-sonnet-4.6'.");
                }
            } catch (IOException e) {
                String why = e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("");
                throw new ToolError("The runbook's frontmatter is not valid YAML (" + why + "). Fix it and try again.");
            }
        }
        Set<String> placeholders = new LinkedHashSet<>();
        Matcher p = PLACEHOLDER.matcher(text);
        while (p.find()) {
            placeholders.add(p.group(1));
        }
        Map<String, String> defaults = new LinkedHashMap<>();
        Set<String> required = new LinkedHashSet<>();
        for (String field : List.of("parameters", "template_variables", "variables")) {
            readParameters(fm.get(field), defaults, required);
        }
        return new Runbook(text, fm, secrets(fm.get("secrets")), defaults, required, placeholders);
    }

    /** A top-level frontmatter string, or null. */
    String field(String name) {
        JsonNode v = frontmatter.get(name);
        return v != null && v.isValueNode() && !v.isNull() && !v.asText().isBlank() ? v.asText().strip() : null;
    }

    /** {@code secrets: {NAME: {env, description, required}}}, a list of names, or null/{}. */
    private static List<String> secrets(JsonNode s) {
        List<String> out = new ArrayList<>();
        if (s == null || s.isNull()) {
            return out;
        }
        if (s.isArray()) {
            for (JsonNode e : s) {
                String name = e.isTextual() ? e.asText() : e.path("env").asText(e.path("name").asText(""));
                if (!name.isBlank() && (!e.isObject() || e.path("required").asBoolean(true))) {
                    out.add(name.strip());
                }
            }
            return out;
        }
        for (Map.Entry<String, JsonNode> e : s.properties()) {
            JsonNode v = e.getValue();
            if (v.isObject() && !v.path("required").asBoolean(true)) {
                continue;
            }
            String env = v.isObject() && v.path("env").isTextual() ? v.get("env").asText()
                    : v.isTextual() && v.asText().matches("[A-Za-z_][A-Za-z0-9_]*") ? v.asText() : e.getKey();
            out.add(env.strip());
        }
        return out;
    }

    /** {@code parameters: {name: default}} or {@code {name: {default, required, description}}}, or a list of those. */
    private static void readParameters(JsonNode p, Map<String, String> defaults, Set<String> required) {
        if (p == null || p.isNull()) {
            return;
        }
        if (p.isArray()) {
            for (JsonNode e : p) {
                if (e.isObject() && e.path("name").isTextual()) {
                    one(e.get("name").asText(), e, defaults, required);
                }
            }
            return;
        }
        p.properties().forEach(e -> one(e.getKey(), e.getValue(), defaults, required));
    }

    private static void one(String name, JsonNode v, Map<String, String> defaults, Set<String> required) {
        if (v.isObject()) {
            JsonNode d = v.get("default");
            if (d != null && !d.isNull() && d.isValueNode()) {
                defaults.put(name, d.asText());
            } else if (v.path("required").asBoolean(false)) {
                required.add(name);
            }
        } else if (v.isValueNode() && !v.isNull()) {
            defaults.put(name, v.asText());
        }
    }
}
