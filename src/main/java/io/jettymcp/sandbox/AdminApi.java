package io.jettymcp.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Test-ergonomics surface under /__sim (outside /api so it can never collide with real routes).
 * No auth: the server only listens on loopback. The request view redacts Authorization,
 * secret_params, webhook secrets and env values; the Java {@link RequestLog} keeps them raw.
 */
final class AdminApi {

    private final Sim sim;
    private final Runnable reset;

    AdminApi(Sim sim, Runnable reset) {
        this.sim = sim;
        this.reset = reset;
    }

    void register(Router r) {
        r.add("POST", "/__sim/reset", ex -> {
            reset.run();
            return ok();
        });
        r.add("GET", "/__sim/requests", this::requests);
        r.add("DELETE", "/__sim/requests", ex -> {
            sim.requests.clear();
            return ok();
        });
        r.add("GET", "/__sim/faults", ex -> Reply.json(faultsJson()));
        r.add("POST", "/__sim/faults", this::addFault);
        r.add("DELETE", "/__sim/faults", ex -> {
            sim.faults.clear();
            return ok();
        });
        r.add("GET", "/__sim/clock", ex -> Reply.json(Json.obj().put("now", Json.ts(sim.clock.now()))));
        r.add("POST", "/__sim/clock/advance", this::advance);
        r.add("GET", "/__sim/switches", ex -> Reply.json(switchesJson()));
        r.add("POST", "/__sim/switches", this::switches);
        r.add("GET", "/__sim/seed", ex -> Reply.json(seedJson()));
    }

    private static Reply ok() {
        return Reply.json(Json.obj().put("ok", true));
    }

    private Reply requests(Exchange ex) {
        ObjectNode o = Json.obj();
        ArrayNode a = o.putArray("requests");
        List<RecordedRequest> all = sim.requests.all();
        for (RecordedRequest r : all) {
            ObjectNode n = a.addObject();
            n.put("seq", r.seq());
            n.put("method", r.method());
            n.put("path", r.path());
            n.put("query", r.query());
            ObjectNode h = n.putObject("headers");
            r.headers().forEach((k, v) -> h.put(k, k.equals("authorization") ? redactAuth(v) : v));
            n.put("content_type", r.contentType());
            n.put("body_size", r.body().length);
            if (Multipart.isMultipart(r.contentType())) {
                ObjectNode f = n.putObject("multipart_fields");
                r.multipartFields().forEach((k, v) -> f.put(k, k.equals("secret_params") || k.equals("webhook_secret")
                        ? "[redacted]" : v));
            } else {
                JsonNode j = r.bodyJson();
                if (j != null) {
                    n.set("body_json", redactJson(j, null));
                } else if (r.body().length > 0 && r.body().length <= 64 * 1024) {
                    n.put("body_text", r.bodyText());
                }
            }
        }
        o.put("count", all.size());
        return Reply.json(o);
    }

    static String redactAuth(String v) {
        int sp = v.indexOf(' ');
        String token = sp < 0 ? v : v.substring(sp + 1).trim();
        String tail = token.length() > 8 ? token.substring(token.length() - 4) : "";
        return (sp < 0 ? "" : v.substring(0, sp) + " ") + (token.startsWith("mlc_") ? "mlc_" : "") + "..." + tail;
    }

    private static JsonNode redactJson(JsonNode n, String parentKey) {
        if (n.isObject()) {
            ObjectNode out = Json.obj();
            Iterator<Map.Entry<String, JsonNode>> it = n.properties().iterator();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                String k = e.getKey();
                boolean secretKey = k.equals("secret_params") || k.equals("webhook_secret") || k.equals("api_key");
                boolean envValue = "environment_variables".equals(parentKey);
                if ((secretKey || envValue) && !e.getValue().isNull()) {
                    out.put(k, "[redacted]");
                } else {
                    out.set(k, redactJson(e.getValue(), k));
                }
            }
            return out;
        }
        if (n.isArray()) {
            ArrayNode out = Json.arr();
            n.forEach(x -> out.add(redactJson(x, parentKey)));
            return out;
        }
        return n;
    }

    private Reply addFault(Exchange ex) {
        JsonNode b = ex.jsonBody();
        FaultRule rule;
        try {
            String kind = b.path("kind").asText("STATUS").toUpperCase(Locale.ROOT);
            rule = new FaultRule(b.path("method").asText("*"), b.path("path_regex").asText(".*"),
                    FaultKind.valueOf(kind), b.path("status").asInt(0),
                    b.hasNonNull("body") ? b.get("body").asText() : null, b.path("delay_millis").asLong(0),
                    b.path("retry_after_seconds").asInt(0), b.path("times").asInt(-1), b.path("skip").asInt(0));
        } catch (IllegalArgumentException e) {
            throw ApiError.validation(List.of("body"), "Invalid fault rule: " + e.getMessage(), "value_error");
        }
        sim.faults.add(rule);
        return Reply.json(faultsJson());
    }

    private ObjectNode faultsJson() {
        ObjectNode o = Json.obj();
        ArrayNode a = o.putArray("rules");
        for (FaultRule f : sim.faults.rules()) {
            ObjectNode n = a.addObject();
            n.put("method", f.method());
            n.put("path_regex", f.pathRegex());
            n.put("kind", f.kind().name());
            n.put("status", f.status());
            n.put("body", f.body());
            n.put("delay_millis", f.delayMillis());
            n.put("retry_after_seconds", f.retryAfterSeconds());
            n.put("times", f.times());
            n.put("skip", f.skip());
        }
        return o;
    }

    private Reply advance(Exchange ex) {
        JsonNode b = ex.jsonBody();
        JsonNode s = b.get("seconds");
        if (s == null || !s.isNumber() || s.asDouble() < 0) {
            throw ApiError.validation(List.of("body", "seconds"), "Input should be a non-negative number", "value_error");
        }
        sim.clock.advance(Duration.ofNanos((long) (s.asDouble() * 1e9)));
        return Reply.json(Json.obj().put("now", Json.ts(sim.clock.now())));
    }

    private Reply switches(Exchange ex) {
        JsonNode b = ex.jsonBody();
        SandboxSwitches sw = sim.switches;
        Iterator<Map.Entry<String, JsonNode>> it = b.properties().iterator();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String k = e.getKey().replace("_", "").toLowerCase(Locale.ROOT);
            JsonNode v = e.getValue();
            switch (k) {
                case "profile" -> {
                    if (!v.asText().equals("production")) {
                        throw ApiError.validation(List.of("body", e.getKey()), "Unknown profile (known: production)", "value_error");
                    }
                    sw.production();
                }
                case "envstorenull" -> sw.envStoreNull(v.asBoolean());
                case "nullstatusforworkflowid" -> sw.nullStatusForWorkflowId(v.asBoolean());
                case "labelracemillis" -> sw.labelRaceMillis(v.asLong());
                case "chat500withmetadata" -> sw.chat500WithMetadata(v.asBoolean());
                case "chatholdseconds" -> sw.chatHoldSeconds(v.asDouble());
                case "chatstreamearlymetadata" -> sw.chatStreamEarlyMetadata(v.asBoolean());
                case "runsyncholdseconds" -> sw.runSyncHoldSeconds(v.asDouble());
                case "echosecretsinerrors" -> sw.echoSecretsInErrors(v.asBoolean());
                case "searchredirect" -> sw.searchRedirect(v.asBoolean());
                case "templateswithoutparameters" -> sw.templatesWithoutParameters(v.asBoolean());
                case "whoami" -> {
                    try {
                        sw.whoami(SandboxSwitches.Whoami.parse(v.asText()));
                    } catch (IllegalArgumentException bad) {
                        throw ApiError.validation(List.of("body", e.getKey()), "Unknown whoami mode (known: "
                                + java.util.Arrays.stream(SandboxSwitches.Whoami.values()).map(SandboxSwitches.Whoami::wire).toList()
                                + ")", "value_error");
                    }
                }
                case "renamefield", "renamefields" -> sw.renameFields(renames(e.getKey(), v));
                case "stripdboutputs" -> sw.stripDbOutputs(v.asBoolean());
                case "rowlagseconds" -> sw.rowLagSeconds(v.asDouble());
                case "blockeduseragents" -> {
                    List<String> l = new java.util.ArrayList<>();
                    v.forEach(x -> l.add(x.asText()));
                    sw.blockedUserAgents(l);
                }
                default -> throw ApiError.validation(List.of("body", e.getKey()), "Unknown switch", "value_error");
            }
        }
        return Reply.json(switchesJson());
    }

    /** One rule or a list: {@code {"method", "path_regex", "field", "to"}}; an empty list clears them. */
    private static List<FieldRename> renames(String key, JsonNode v) {
        List<FieldRename> out = new java.util.ArrayList<>();
        for (JsonNode r : v.isArray() ? v : Json.arr().add(v)) {
            try {
                out.add(new FieldRename(r.path("method").asText(null), r.path("path_regex").asText(".*"),
                        r.path("field").asText(null), r.path("to").asText(null)));
            } catch (RuntimeException ex) {
                throw ApiError.validation(List.of("body", key), "Bad rename rule: " + ex.getMessage(), "value_error");
            }
        }
        return out;
    }

    private ObjectNode switchesJson() {
        SandboxSwitches sw = sim.switches;
        ObjectNode o = Json.obj();
        o.put("env_store_null", sw.envStoreNull());
        o.put("null_status_for_workflow_id", sw.nullStatusForWorkflowId());
        o.put("label_race_millis", sw.labelRaceMillis());
        o.put("chat500_with_metadata", sw.chat500WithMetadata());
        o.put("chat_hold_seconds", sw.chatHoldSeconds());
        o.put("chat_stream_early_metadata", sw.chatStreamEarlyMetadata());
        o.put("run_sync_hold_seconds", sw.runSyncHoldSeconds());
        ArrayNode ua = o.putArray("blocked_user_agents");
        sw.blockedUserAgents().forEach(ua::add);
        o.put("echo_secrets_in_errors", sw.echoSecretsInErrors());
        o.put("search_redirect", sw.searchRedirect());
        o.put("templates_without_parameters", sw.templatesWithoutParameters());
        o.put("whoami", sw.whoami().wire());
        ArrayNode renames = o.putArray("rename_field");
        sw.renameFields().forEach(r -> renames.addObject().put("method", r.method()).put("path_regex", r.pathRegex())
                .put("field", r.field()).put("to", r.to()));
        o.put("strip_db_outputs", sw.stripDbOutputs());
        o.put("row_lag_seconds", sw.rowLagSeconds());
        return o;
    }

    private ObjectNode seedJson() {
        ObjectNode o = Json.obj();
        ObjectNode t = o.putObject("tokens");
        t.put("demo", SandboxSeeds.DEMO_TOKEN);
        t.put("acme", SandboxSeeds.ACME_TOKEN);
        t.put("user", SandboxSeeds.USER_TOKEN);
        t.put("read_only_user", SandboxSeeds.READ_ONLY_USER_TOKEN);
        ArrayNode cs = o.putArray("collections");
        for (CollectionRec c : sim.state().collections) {
            ObjectNode n = cs.addObject();
            n.put("name", c.name);
            ArrayNode ts = n.putArray("tasks");
            sim.state().tasks(c).forEach(x -> ts.add(x.name));
        }
        o.put("step_seconds", sim.options.stepSeconds());
        o.put("seed", sim.options.seed());
        return o;
    }
}
