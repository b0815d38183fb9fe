package io.jettymcp.catalog.environment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jettymcp.api.ApiRequest;
import io.jettymcp.api.JettyApi;
import io.jettymcp.api.Routes;
import io.jettymcp.guard.TenantSecrets;
import io.jettymcp.guard.ToolError;
import io.jettymcp.spec.ToolSpec;
import io.jettymcp.tool.ToolCall;
import io.jettymcp.tool.ToolContext;
import reactor.core.publisher.Mono;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Collection environment variables. Jetty's environment endpoint answers (and its PATCH echoes) every
 * value in plaintext, so each value read or written is registered with the tenant's {@link TenantSecrets} and
 * only names ever leave these handlers. Deletion sends a null per name, never
 * {@code "environment_variables": null} (which wipes them all), and re-reads to report what is gone:
 * some deployments store the null instead of deleting the name.
 */
public final class EnvTools {

    /** Env names the Jetty clients look for, by provider (jetty-api.md §2.1). */
    static final Map<String, List<String>> PROVIDERS = providers();
    /** Environment keys that mean "this collection pays for its own model calls" (jetty-api.md §2.1). */
    public static final List<String> PROVIDER_KEYS = PROVIDERS.values().stream().flatMap(List::stream).toList();

    /** Whether a trial answer says the trial is on (Jetty has answered both {active:true} and {status:"active"}). */
    public static boolean trialActive(JsonNode trial) {
        return trial.path("active").asBoolean(false) || "active".equals(trial.path("status").asText());
    }
    /** Where check-secrets' spec states the variable-name rule, which set- and delete-env-vars apply too. */
    public static final String NAME_SCHEMA = "/properties/names/items";

    private final ToolContext ctx;
    private final Pattern envName;

    /** {@code checkSecrets}: check-secrets' spec, whose {@code names} items state the variable-name pattern. */
    public EnvTools(ToolContext ctx, ToolSpec checkSecrets) {
        this.ctx = ctx;
        this.envName = checkSecrets.inputPattern(NAME_SCHEMA);
    }

    private static Map<String, List<String>> providers() {
        Map<String, List<String>> m = new LinkedHashMap<>();
        m.put("OPENROUTER", List.of("OPENROUTER_API_KEY"));
        m.put("OPENAI", List.of("OPENAI_API_KEY"));
        m.put("ANTHROPIC", List.of("ANTHROPIC_API_KEY"));
        m.put("GEMINI", List.of("GEMINI_API_KEY", "GOOGLE_API_KEY"));
        m.put("REPLICATE", List.of("REPLICATE_API_TOKEN"));
        m.put("AWS_BEDROCK", List.of("AWS_BEARER_TOKEN_BEDROCK"));
        return java.util.Collections.unmodifiableMap(m); // insertion order: outputs stay stable
    }

    /** The collection's variables as name → set (a non-empty value) or not; every value registered, none kept. */
    public static Mono<Map<String, Boolean>> read(JettyApi api, TenantSecrets secrets, String collection) {
        return api.json(ApiRequest.get(Routes.ENV_GET.path(collection))).map(env -> names(env, secrets));
    }

    /** The names and whether each is set; every value registered with the tenant's set (all or none, see its cap). */
    public static Map<String, Boolean> names(JsonNode env, TenantSecrets secrets) {
        Map<String, Boolean> out = new TreeMap<>();
        List<String> values = new ArrayList<>();
        JsonNode vars = env.path("environment_variables");
        for (Map.Entry<String, JsonNode> e : vars.properties()) {
            JsonNode v = e.getValue();
            String text = v == null || v.isNull() ? null : v.isTextual() ? v.asText() : v.toString();
            values.add(text);
            out.put(e.getKey(), text != null && !text.isBlank());
        }
        secrets.registerAll(values);
        return out;
    }

    /** Which provider keys are present (set to a non-empty value). */
    public static ObjectNode providerKeys(ToolContext ctx, Map<String, Boolean> names) {
        ObjectNode o = ctx.mapper().createObjectNode();
        PROVIDERS.forEach((provider, keys) -> o.put(provider, keys.stream().anyMatch(k -> Boolean.TRUE.equals(names.get(k)))));
        return o;
    }

    public static boolean anyProviderKey(Map<String, Boolean> names) {
        return PROVIDERS.values().stream().flatMap(List::stream).anyMatch(k -> Boolean.TRUE.equals(names.get(k)));
    }

    /** check-secrets, delete-env-vars: at least one well-formed name, before any request. */
    public void precheckNames(ObjectNode args) {
        JsonNode names = args.get("names");
        if (names == null || !names.isArray() || names.isEmpty()) {
            throw ToolError.argument("names", "is empty: give at least one variable name, e.g. [\"OPENAI_API_KEY\"]");
        }
    }

    /** set-env-vars: at least one NAME: value pair, valid names, string or null values, before any request. */
    public void precheckVariables(ObjectNode args) {
        JsonNode vars = args.get("variables");
        if (vars == null || !vars.isObject() || vars.isEmpty()) {
            throw ToolError.argument("variables", "is empty: give at least one NAME: value pair");
        }
        for (Map.Entry<String, JsonNode> e : vars.properties()) {
            checkName("variables", e.getKey());
            if (!e.getValue().isNull() && !e.getValue().isTextual()) {
                throw ToolError.argument("variables." + e.getKey(), "must be a string value (or null to remove the "
                        + "name); send numbers and JSON as strings");
            }
        }
    }

    public Mono<JsonNode> list(ToolCall call) {
        return read(call.api(), call.secrets(), call.collection()).map(names -> {
            ObjectNode o = ctx.mapper().createObjectNode();
            o.put("collection", call.collection());
            ArrayNode set = o.putArray("names");
            List<String> empty = new ArrayList<>();
            names.forEach((n, isSet) -> {
                if (isSet) {
                    set.add(n);
                } else {
                    empty.add(n);
                }
            });
            if (!empty.isEmpty()) {
                // a name kept with a null/empty value: present in the map, useless to a step
                empty.forEach(o.putArray("empty_or_null")::add);
            }
            o.put("count", set.size());
            o.set("provider_keys", providerKeys(ctx, names));
            return o;
        });
    }

    public Mono<JsonNode> check(ToolCall call) {
        List<String> required = strings(call.node("names"));
        return read(call.api(), call.secrets(), call.collection()).map(names -> {
            ObjectNode o = ctx.mapper().createObjectNode();
            o.put("collection", call.collection());
            ArrayNode configured = o.putArray("configured");
            ArrayNode missing = o.putArray("missing");
            for (String n : new TreeSet<>(required)) {
                (Boolean.TRUE.equals(names.get(n)) ? configured : missing).add(n);
            }
            o.put("ready", missing.isEmpty());
            if (!missing.isEmpty()) {
                o.put("next", "Set the missing names with set-env-vars (values are never shown back).");
            }
            return o;
        });
    }

    public Mono<JsonNode> set(ToolCall call) {
        JsonNode vars = call.node("variables");
        ObjectNode body = ctx.mapper().createObjectNode();
        ObjectNode patch = body.putObject("environment_variables");
        List<String> set = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        // every value was registered by the guard chain (a secret-map argument) before this handler ran
        for (Map.Entry<String, JsonNode> e : vars.properties()) {
            checkName("variables", e.getKey());
            JsonNode v = e.getValue();
            if (v.isNull()) {
                patch.putNull(e.getKey());
                removed.add(e.getKey());
            } else if (v.isTextual()) {
                patch.put(e.getKey(), v.asText());
                set.add(e.getKey());
            } else {
                throw ToolError.argument("variables." + e.getKey(), "must be a string value (or null to remove the name); "
                        + "send numbers and JSON as strings");
            }
        }
        if (patch.isEmpty()) {
            throw ToolError.argument("variables", "is empty: give at least one NAME: value pair");
        }
        return call.api().json(ApiRequest.json("PATCH", Routes.ENV_PATCH.path(call.collection()), body)).map(answer -> {
            Map<String, Boolean> after = names(answer, call.secrets());
            ObjectNode o = ctx.mapper().createObjectNode();
            o.put("collection", call.collection());
            set.stream().sorted().forEach(o.putArray("set")::add);
            removed.stream().sorted().forEach(o.putArray("removed")::add);
            List<String> kept = removed.stream().filter(after::containsKey).sorted().toList();
            if (!kept.isEmpty()) {
                kept.forEach(o.putArray("stored_as_null")::add);
                o.put("note", "This Jetty deployment kept those names with a null value instead of deleting them; "
                        + "steps see no value. delete-env-vars reports the same.");
            }
            return o;
        });
    }

    public Mono<JsonNode> delete(ToolCall call) {
        List<String> names = strings(call.node("names"));
        ObjectNode body = ctx.mapper().createObjectNode();
        ObjectNode patch = body.putObject("environment_variables");
        for (String n : names) {
            checkName("names", n);
            patch.putNull(n); // null per name; never "environment_variables": null, which wipes everything
        }
        return call.api().json(ApiRequest.json("PATCH", Routes.ENV_PATCH.path(call.collection()), body))
                .doOnNext(echo -> names(echo, call.secrets())) // the PATCH echoes every remaining value
                .then(read(call.api(), call.secrets(), call.collection()))
                .map(after -> {
                    ObjectNode o = ctx.mapper().createObjectNode();
                    o.put("collection", call.collection());
                    ArrayNode gone = o.putArray("gone");
                    ArrayNode remaining = o.putArray("remaining");
                    for (String n : new TreeSet<>(names)) {
                        (after.containsKey(n) ? remaining : gone).add(n);
                    }
                    if (!remaining.isEmpty()) {
                        o.put("note", "Jetty kept these names (with a null value, as some deployments do). Steps see no "
                                + "value; they still appear in list-env-vars under empty_or_null.");
                    }
                    return o;
                });
    }

    private void checkName(String arg, String name) {
        if (!envName.matcher(name).matches()) {
            throw ToolError.argument(arg, "has an invalid variable name '" + (name.length() > 60 ? name.substring(0, 60) + "…" : name)
                    + "': use letters, digits and _ and do not start with a digit");
        }
    }

    private static List<String> strings(JsonNode arr) {
        List<String> out = new ArrayList<>();
        if (arr != null) {
            arr.forEach(n -> out.add(n.asText()));
        }
        return out;
    }
}
